import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { memoryLogger } from '../helpers/logger.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from '../run/run-helpers.js'

// Priority 2's agent breaks verify-command: its candidate is kept under
// refs/parallel-worktree/verify-failed/2. With push: true it reaches origin beside its branch,
// so that the command the reports give to reproduce it works in another clone.
const AGENT = `
mkdir -p src && echo "feature $PRIORITY_ID" > "src/feature-$PRIORITY_ID.ts"
[ "$PRIORITY_ID" = 2 ] && echo "broken" > src/BROKEN
git add -A && git commit -qm "priority $PRIORITY_ID"
`
const REF = 'refs/parallel-worktree/verify-failed/2'

describe('push: true with a verify-failed priority', () => {
  test('its kept candidate reaches origin, and its command to reproduce works in another clone', async () => {
    using dir = createRepo(
      roadmapFiles({ 1: { files: ['src/feature-1.ts'] }, 2: { files: ['src/feature-2.ts'] } })
    )
    const origin = join(dir.path, 'origin.git')
    git(dir.path, 'clone', '-q', '--bare', dir.repo, origin)
    git(dir.repo, 'remote', 'add', 'origin', origin)
    const agent = script(join(dir.path, 'agent.sh'), AGENT)
    const logger = memoryLogger()
    const result = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1,2',
        'max-parallel': '2',
        'agent-command': `bash ${agent}`,
        'verify-command': 'test ! -e src/BROKEN',
        'pr-comment': 'false',
        push: 'true'
      }),
      testEngineOptions(logger)
    )
    expect(result.tasks.map((t) => t.merge)).toEqual(['merged', 'verify-failed'])
    const candidate = git(dir.repo, 'rev-parse', REF)
    expect(git(origin, 'rev-parse', REF)).toBe(candidate)
    expect(git(origin, 'rev-parse', 'refs/heads/feature/us-002')).toBe(
      git(dir.repo, 'rev-parse', 'feature/us-002')
    )
    const said = logger.lines.filter((line) => /^Pushed .* to origin/.test(line))
    expect(said).toHaveLength(1)
    expect(said[0]).toContain(REF)

    const [culprit] = result.verify!.culprits
    expect(culprit).toMatchObject({ priority: 2, ref: REF })
    // The terminal's list of what was kept names the ref, with the command.
    const terminal = renderTerminalReport(result)
    expect(terminal).toContain(`PRIORITY 2: ${REF} (the merge that failed verify-command)`)
    expect(terminal).toContain(culprit.reproduce)

    // Another machine: a fresh clone of origin (which fetches no refs/parallel-worktree/).
    const machine = join(dir.path, 'elsewhere')
    mkdirSync(machine)
    git(machine, 'clone', '-q', origin, 'clone')
    const clone = join(machine, 'clone')
    const reproduced = spawnSync('bash', ['-c', culprit.reproduce], {
      cwd: clone,
      encoding: 'utf8'
    })
    // verify-command fails there as it failed in the run, on the same candidate.
    expect(reproduced.status).toBe(1)
    expect(git(join(machine, 'verify-2'), 'rev-parse', 'HEAD')).toBe(candidate)
    expect(existsSync(join(machine, 'verify-2', 'src', 'BROKEN'))).toBe(true)
  })
})
