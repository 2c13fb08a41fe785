import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { memoryLogger } from '../helpers/logger.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from '../run/run-helpers.js'

// Both agents rewrite a hub file nobody named: the second merge conflicts and is re-run.
const HUB_AGENT = `
echo "priority $PRIORITY_ID was here" > hub.txt
echo "feature $PRIORITY_ID" > "feature-$PRIORITY_ID.txt"
git add -A && git commit -qm "priority $PRIORITY_ID"
`

describe('push: true after a conflict re-run', () => {
  test('the kept -conflicted branch reaches origin, and "Pushed … to origin" is said once', async () => {
    using dir = createRepo({
      ...roadmapFiles({ 1: { files: ['feature-1.txt'] }, 2: { files: ['feature-2.txt'] } }),
      'hub.txt': 'hub\n'
    })
    const origin = join(dir.path, 'origin.git')
    git(dir.path, 'clone', '-q', '--bare', dir.repo, origin)
    git(dir.repo, 'remote', 'add', 'origin', origin)
    const agent = script(join(dir.path, 'hub.sh'), HUB_AGENT)
    const logger = memoryLogger()
    const result = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1,2',
        'max-parallel': '2',
        'pr-comment': 'false',
        'on-conflict': 'rerun',
        push: 'true',
        'agent-command': `bash ${agent}`
      }),
      testEngineOptions(logger)
    )
    const rerun = result.tasks.find((t) => t.kept_branches.length > 0)!
    const kept = rerun.kept_branches[0]
    expect(git(origin, 'rev-parse', `refs/heads/${kept}`)).toBe(
      git(dir.repo, 'rev-parse', `refs/heads/${kept}`)
    )
    expect(git(origin, 'rev-parse', 'roadmap')).toBe(git(dir.repo, 'rev-parse', 'roadmap'))
    const said = logger.lines.filter((line) => /^Pushed .* to origin/.test(line))
    expect(said).toHaveLength(1)
    expect(said[0]).toContain(kept)
  })
})
