import { existsSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { renderSummary } from '../../src/report/summary.js'
import { createRepo, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from '../run/run-helpers.js'

// Both agents rewrite a hub file nobody named: the second merge conflicts and on-conflict
// rerun runs that priority again. Each run writes what it found in hub.txt to its log.
const HUB_AGENT = `
echo "this run found hub: $(cat hub.txt)"
echo "priority $PRIORITY_ID was here" > hub.txt
echo "feature $PRIORITY_ID" > "feature-$PRIORITY_ID.txt"
git add -A && git commit -qm "priority $PRIORITY_ID"
`

describe('every run of an agent keeps its own log', () => {
  test('a conflict re-run writes a second file; both are kept and listed in log_files', async () => {
    using dir = createRepo({
      ...roadmapFiles({ 1: { files: ['feature-1.txt'] }, 2: { files: ['feature-2.txt'] } }),
      'hub.txt': 'first\n'
    })
    const agent = script(join(dir.path, 'hub.sh'), HUB_AGENT)
    const settings = settingsFor(dir.repo, {
      priorities: '1,2',
      'max-parallel': '2',
      'pr-comment': 'false',
      'on-conflict': 'rerun',
      'agent-command': `bash ${agent}`
    })
    const result = await runParallel(settings, testEngineOptions())
    const rerun = result.tasks.find((t) => t.kept_branches.length > 0)!
    const once = result.tasks.find((t) => t !== rerun)!
    expect(rerun.attempts).toBe(2)
    expect(rerun.log_files.map((file) => basename(file))).toEqual([
      `priority-${rerun.priority}.log`,
      `priority-${rerun.priority}.attempt-2.log`
    ])
    expect(rerun.log_file).toBe(rerun.log_files[1])
    expect(once.log_files).toEqual([once.log_file])
    const [first, second] = rerun.log_files.map((file) => readFileSync(file, 'utf8'))
    // The first run saw the base as it was; the re-run saw the other priority's merge.
    expect(first).toContain('this run found hub: first')
    expect(first).not.toContain(`priority ${once.priority} was here`)
    expect(second).toContain(`this run found hub: priority ${once.priority} was here`)
    expect(rerun.log_files.every((file) => existsSync(file))).toBe(true)
    // The summary names every run's log.
    const summary = renderSummary(result, { logDir: settings.logDir })
    for (const file of rerun.log_files) expect(summary).toContain(file)
  })
})
