import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { failedLogTails } from '../../src/report/log-tail.js'
import { renderSummary } from '../../src/report/summary.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { createRepo, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from '../run/run-helpers.js'

// Priority 2's agent breaks the tests; verify-command says why on its output.
const AGENT = `
mkdir -p src && echo "feature $PRIORITY_ID" > "src/feature-$PRIORITY_ID.ts"
[ "$PRIORITY_ID" = 2 ] && echo "broken" > src/BROKEN
git add -A && git commit -qm "priority $PRIORITY_ID"
`
const VERIFY = `
echo "checking the build"
if [ -e src/BROKEN ]; then echo "FAIL: src/BROKEN breaks the build"; exit 3; fi
`

describe('a verify failure quotes what verify-command said', () => {
  test("the summary shows the end of the failing run's output, the terminal names its log", async () => {
    using dir = createRepo(
      roadmapFiles({ 1: { files: ['src/feature-1.ts'] }, 2: { files: ['src/feature-2.ts'] } })
    )
    const agent = script(join(dir.path, 'agent.sh'), AGENT)
    const verify = script(join(dir.path, 'verify.sh'), VERIFY)
    const result = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1,2',
        'max-parallel': '2',
        'agent-command': `bash ${agent}`,
        'verify-command': `bash ${verify}`,
        'pr-comment': 'false'
      }),
      testEngineOptions()
    )
    expect(result.tasks.map((t) => t.merge)).toEqual(['merged', 'verify-failed'])
    const culprit = result.verify!.culprits[0]
    expect(culprit.log).toMatch(/verify-[0-9]+\.log$/)
    const tails = await failedLogTails(result)
    expect(tails.get(2)).toContain('FAIL: src/BROKEN breaks the build')
    const summary = renderSummary(result, { logTails: tails })
    expect(summary).toContain(`of verify-command's output (\`${culprit.log}\`)`)
    expect(summary).toContain('FAIL: src/BROKEN breaks the build')
    expect(renderTerminalReport(result)).toContain(`verify-command's output: ${culprit.log}`)
  })
})
