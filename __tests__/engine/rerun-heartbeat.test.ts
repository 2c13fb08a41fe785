import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { memoryLogger } from '../helpers/logger.js'
import { createRepo, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from '../run/run-helpers.js'

// Both agents rewrite a file nobody named: the second merge conflicts and on-conflict rerun
// runs that priority once more. Its second run is slow: the heartbeat must go on meanwhile.
const HUB_AGENT = `
if [ -n "$(git branch --list '*-conflicted')" ]; then sleep 1.2; fi
echo "priority $PRIORITY_ID was here" > hub.txt
echo "feature $PRIORITY_ID" > "feature-$PRIORITY_ID.txt"
git add -A && git commit -qm "priority $PRIORITY_ID"
`

describe('the heartbeat during a conflict re-run', () => {
  test('names the re-run agent as running until it ends', async () => {
    using dir = createRepo({
      ...roadmapFiles({ 1: { files: ['feature-1.txt'] }, 2: { files: ['feature-2.txt'] } }),
      'hub.txt': 'first\n'
    })
    const agent = script(join(dir.path, 'hub.sh'), HUB_AGENT)
    const logger = memoryLogger()
    const result = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1,2',
        'max-parallel': '2',
        'pr-comment': 'false',
        'on-conflict': 'rerun',
        'agent-command': `bash ${agent}`
      }),
      { ...testEngineOptions(logger), progressIntervalMs: 200 }
    )
    const rerun = result.tasks.find((t) => t.kept_branches.length > 0)!
    expect(rerun).toMatchObject({ status: 'completed', merge: 'merged', attempts: 2 })
    const announced = logger.lines.findIndex((line) => line.includes('running it once more'))
    expect(announced).toBeGreaterThan(-1)
    const during = logger.lines.slice(announced).filter((line) => line.startsWith('Progress '))
    expect(during.length).toBeGreaterThan(0)
    expect(during[0]).toMatch(
      new RegExp(
        `^Progress \\d+:\\d\\d \\(on-conflict rerun\\): 1 running \\(${rerun.priority} for \\d+:\\d\\d\\)`
      )
    )
  })
})
