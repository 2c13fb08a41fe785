import type { StartLimitChange } from '../../src/core/types.js'
import { liveSummary } from '../../src/report/live-summary.js'
import { renderSummary } from '../../src/report/summary.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { result, task } from './fixtures.js'

const CHANGES: StartLimitChange[] = [
  { at: '2026-11-27T10:01:02.000Z', from: 4, to: 2, reason: 'rate-limit', priority: 3 },
  {
    at: '2026-11-27T10:02:05.000Z',
    from: 2,
    to: 3,
    reason: 'recovered',
    priority: 5,
    ran_ms: 60_000
  }
]

describe('the start limit in the reports', () => {
  const run = {
    ...result([task(3, { started_at: '2026-11-27T10:00:00.000Z' }), task(5)]),
    start_limit_changes: CHANGES
  }

  test('the job summary and the terminal report name each change and when', () => {
    for (const text of [renderSummary(run), renderTerminalReport(run)]) {
      expect(text).toContain('Start limit 4 → 2 after a rate limit of priority 3 (10:01:02 UTC)')
      expect(text).toContain(
        'Start limit 2 → 3 after priority 5 ran 60 s without a rate limit (10:02:05 UTC)'
      )
    }
  })

  test("the check run's live summary shows them, the latest first", () => {
    const text = liveSummary(
      {
        baseBranch: 'roadmap',
        baseCommit: '0123456789',
        tasks: run.tasks,
        waves: [[3, 5]],
        startLimitChanges: CHANGES
      },
      { now: Date.parse('2026-11-27T10:03:00.000Z') }
    )
    const latest = text.indexOf('Start limit 2 → 3')
    expect(latest).toBeGreaterThan(text.indexOf('### Start limit'))
    expect(latest).toBeLessThan(text.indexOf('Start limit 4 → 2'))
  })

  test('a run without rate limits says nothing of it', () => {
    const plain = { ...run, start_limit_changes: [] }
    expect(renderSummary(plain)).not.toContain('Start limit')
    expect(renderTerminalReport(plain)).not.toContain('Start limit')
  })
})
