import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'

// `npm run chaos` in small: two runs of random faults and coordinator kills, then the
// invariants (the long figure is in docs/reliability.md).

describe('the chaos suite', () => {
  test('two runs of random misbehaving agents and kills end with no violation', () => {
    const run = spawnSync(process.execPath, ['scripts/chaos.mjs', '--runs', '2', '--seed', '16'], {
      encoding: 'utf8',
      timeout: 240_000
    })
    const report = JSON.parse(run.stdout) as {
      runs: number
      faults: Record<string, number>
      violations: unknown[]
    }
    expect(report.runs).toBe(2)
    expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBe(6)
    expect(report.violations).toEqual([])
    expect(run.status).toBe(0)
  }, 240_000)
})
