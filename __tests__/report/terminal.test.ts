import { describe, expect, it } from '@jest/globals'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { mixedResult, result, task } from './fixtures.js'

describe('renderTerminalReport', () => {
  const text = renderTerminalReport(mixedResult())
  const lines = text.split('\n')

  it('starts with the outcome and aligns one line per priority', () => {
    expect(lines[0]).toBe(
      '❌ 1 of 7 priorities merged into roadmap: 1 conflicted, 1 failed, 1 timed out, 1 cancelled, 1 made no changes, 1 skipped'
    )
    const header = lines.find((line) => line.trimStart().startsWith('PRIORITY  BRANCH'))!
    const rows = lines.filter((line) => /^ {2}\d+ {2,}feature\//.test(line))
    expect(rows).toHaveLength(7)
    // Columns line up: every row's MERGE cell starts where the header's does.
    const mergeColumn = header.indexOf('MERGE')
    expect(rows[0].slice(mergeColumn)).toMatch(/^merged 4f2c65a/)
    expect(rows[1].slice(mergeColumn)).toMatch(/^conflict \(2 files\)/)
    expect(rows[2].slice(header.indexOf('ERROR'))).toBe('agent exited with code 3')
  })

  it('leaves out the COST and ERROR columns when no priority has one', () => {
    const header = renderTerminalReport(result([task(1), task(2)]))
      .split('\n')
      .find((line) => line.trimStart().startsWith('PRIORITY'))
    expect(header?.trim().split(/\s+/)).toEqual([
      'PRIORITY',
      'BRANCH',
      'STATUS',
      'TIME',
      'COMMITS',
      'MERGE'
    ])
  })

  it('says what to do about each problem, with the commands for a conflict', () => {
    expect(text).toContain(
      '  PRIORITY 66 (feature/us-066) conflicts in src/recipes.ts, docs/roadmap/ROADMAP.md. To resolve it:\n' +
        '    git switch roadmap\n' +
        "    git merge --no-ff -m 'Merge PRIORITY 66 from parallel execution' feature/us-066\n"
    )
    expect(text).toContain(
      '  PRIORITY 67 (feature/us-067) failed (exit code 3) after 1m 00s\n    agent exited with code 3\n    Traceback: boom\n    log: /tmp/logs/priority-67.log'
    )
    expect(text).toContain(
      'Skipped (1):\n  PRIORITY 69: overlaps 65 in src/recipes.ts (strict separation)'
    )
    expect(text).toContain(
      '6 agents ran in 1m 30s; one by one they would have taken 35m 00s: ×23.33.'
    )
    expect(text).toContain('Warnings:\n  - could not remove worktree ../repo-wt67: busy\n')
  })

  it('is plain text: no Markdown, no escape sequences from agent output', () => {
    const noisy = renderTerminalReport(
      result([
        task(5, {
          status: 'failed',
          merge: 'not-merged',
          error: '\u001b[31mred\u001b[0m\rdone\n' + 'line\n'.repeat(20)
        })
      ])
    )
    expect(noisy).not.toMatch(/[`|#*]/)
    expect(noisy).not.toContain('\u001b')
    expect(noisy).toContain('    reddone\n')
    expect(noisy).toContain('… 13 more lines')
  })

  it('renders a plan', () => {
    const plan = mixedResult()
    plan.mode = 'plan'
    plan.tasks = plan.tasks.map((t) => ({
      ...t,
      status: t.priority === 69 ? 'skipped' : 'pending',
      started_at: null
    }))
    const report = renderTerminalReport(plan)
    expect(report).toContain('Waves:\n  1. 65, 67, 68\n  2. 66, 70, 71\n  3. 69')
    expect(report).toContain('  65 <-> 66: src/recipes.ts')
    expect(report).toContain('Matrix: {"priority":[65,66,67,68,70,71]}')
    expect(report).toMatch(/ {2}70 +feature\/us-070 +2 +- +unknown +runs/)
  })
})
