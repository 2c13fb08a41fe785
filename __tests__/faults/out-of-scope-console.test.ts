import { describe, expect, test } from '@jest/globals'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { reportCommentBody } from '../../src/report/pr-comment.js'
import { renderSummary } from '../../src/report/summary.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import {
  AGENT_COMMIT,
  faultRepo,
  script,
  sourceCliOfThisFile,
  startCli,
  taskOf
} from './harness.js'

// An agent that changes thousands of files its spec did not name: the result JSON keeps every
// one in `out_of_scope`, and what a person reads (the console's log, the terminal report, the
// job summary, the PR comment) names the first few and how many more (one run printed 300 KB).

const cli = sourceCliOfThisFile()
const CHANGED = 2000

describe('an agent that changes 2,000 files outside its scope', () => {
  test('is listed in full in the result, and in a few lines on the console', async () => {
    using repo = faultRepo([1])
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        'mkdir -p elsewhere',
        `for i in $(seq 1 ${CHANGED}); do echo "$i" > "elsewhere/file-out-of-scope-$i.txt"; done`,
        'echo work > src/file-1.ts',
        `git add -A && ${AGENT_COMMIT} -m "work, and much more"`
      ].join('\n')
    )
    const run = startCli(cli.entry, repo, ['run', '--priorities', '1', '--agent-command', agent])
    await run.exited
    const result = JSON.parse(run.stdout()) as RunResult
    const task = taskOf(result, 1)
    expect(task.out_of_scope).toHaveLength(CHANGED)

    const console = run.stderr()
    expect(console).toContain(`and ${CHANGED - 20} more`)
    // Every path is ~40 bytes: the whole list would be ~80 KB on the console.
    expect(console.length).toBeLessThan(20_000)
    for (const text of [
      renderTerminalReport(result),
      renderSummary(result),
      reportCommentBody(result, {}, 'local')
    ]) {
      expect(text.length).toBeLessThan(20_000)
    }
  }, 120_000)
})
