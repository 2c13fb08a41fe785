import { liveSummary } from '../../src/report/live-summary.js'
import { renderSummary } from '../../src/report/summary.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { result, task } from './fixtures.js'

// The agent completed (exit 0) and then its merge failed verify-command: neither the status
// column nor the heading may read as a success, nor blame the agent's exit code.
const verifyFailed = () =>
  result([
    task(1),
    task(2, {
      status: 'completed',
      exit_code: 0,
      merge: 'verify-failed',
      merge_commit: null,
      error:
        'verify-command failed on roadmap with feature/us-002 merged (and passed without it); feature/us-002 is kept'
    })
  ])

describe('a verify failure in the reports', () => {
  test('the summary: the status column shows the merge outcome, the heading no exit code', () => {
    const summary = renderSummary(verifyFailed())
    const row = summary.split('\n').find((line) => line.startsWith('| 2 |'))!
    expect(row).not.toContain('completed')
    expect(row).toContain('🧪 verify-failed')
    const heading = summary.split('\n').find((line) => line.startsWith('#### 🧪 PRIORITY 2'))!
    expect(heading).toContain('failed verify-command')
    expect(heading).not.toContain('exit code')
    // A merged priority still reads completed.
    expect(summary.split('\n').find((line) => line.startsWith('| 1 |'))).toContain('✅ completed')
  })

  test('the terminal: the same', () => {
    const text = renderTerminalReport(verifyFailed())
    const row = text.split('\n').find((line) => /^\s*2 +feature\/us-002/.test(line))!
    expect(row).toMatch(/ verify-failed /)
    expect(row).not.toContain('completed')
    const heading = text.split('\n').find((line) => line.includes('PRIORITY 2 (feature/us-002)'))!
    expect(heading).not.toContain('exit code')
  })

  test('the terminal names every branch and ref the run kept', () => {
    const text = renderTerminalReport(
      result(
        [
          task(1, { kept_branches: ['feature/us-001-conflicted'], attempts: 2 }),
          task(2, { merge: 'verify-failed', merge_commit: null })
        ],
        {
          verify: {
            rounds: 2,
            runs: 3,
            flaky: 0,
            culprits: [
              {
                priority: 2,
                branch: 'feature/us-002',
                reproduce:
                  'git worktree add --detach ../verify-2 refs/parallel-worktree/verify-failed/2'
              }
            ]
          }
        }
      )
    )
    expect(text).toContain('PRIORITY 1: feature/us-001-conflicted (its first run')
    expect(text).toContain('refs/parallel-worktree/verify-failed/2')
  })

  test("the check run's live table: the same status", () => {
    const text = liveSummary(
      {
        baseBranch: 'roadmap',
        baseCommit: '0123456789',
        tasks: verifyFailed().tasks,
        waves: [[1, 2]]
      },
      { now: Date.parse('2026-11-27T10:05:00.000Z') }
    )
    const row = text.split('\n').find((line) => line.startsWith('| 2 |'))!
    expect(row).toContain('🧪 verify-failed')
    expect(row).not.toContain('completed')
  })
})
