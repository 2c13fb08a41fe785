// The words a newcomer reads in the reports, each message of issue 18 as it is written now.
import type { Plan, PlannedTask } from '../../src/core/types.js'
import { describeConflict } from '../../src/merge/merge-tree.js'
import { formatPlan } from '../../src/plan/plan-text.js'
import { shortenAtClause } from '../../src/report/format.js'
import { commitsKept, shortError } from '../../src/report/problems.js'
import { renderSummary } from '../../src/report/summary.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { result, task } from './fixtures.js'

describe('the messages of a run', () => {
  it('names a content conflict once: "src/shared.js (contents)", not "((contents))"', () => {
    const text = describeConflict({
      conflictFiles: ['src/shared.js'],
      conflicts: [{ type: 'CONFLICT (contents)', paths: ['src/shared.js'], message: '' }]
    })
    expect(text).toBe('src/shared.js (contents)')
    expect(
      describeConflict({
        conflictFiles: ['a', 'b'],
        conflicts: [
          { type: 'CONFLICT (contents)', paths: ['a'], message: '' },
          { type: 'CONFLICT (modify/delete)', paths: ['b'], message: '' }
        ]
      })
    ).toBe('a, b (contents, modify/delete)')
  })

  it('counts commits in words that agree: "Its 1 commit is kept", "Its 2 commits are kept"', () => {
    expect(commitsKept(task(1, { commits: 1 }))).toBe('Its 1 commit is kept on feature/us-001')
    expect(commitsKept(task(1, { commits: 2 }))).toBe('Its 2 commits are kept on feature/us-001')
    const failed = task(1, { status: 'failed', exit_code: 1, merge: 'not-merged', error: 'boom' })
    const report = renderTerminalReport(result([failed]))
    expect(report).toContain('    Its 1 commit is kept on feature/us-001.')
    expect(report).not.toMatch(/1 commit are/i)
    expect(renderSummary(result([failed]))).toContain('Its 1 commit is kept on `feature/us-001`.')
  })

  it('on a runner with push: false, says the branches are gone and how to keep them, with no commands to fetch them', () => {
    const failed = task(1, { status: 'failed', exit_code: 1, merge: 'not-merged', error: 'boom' })
    const conflicted = task(2, { merge: 'conflict', conflict_files: ['src/a.ts'] })
    const summary = renderSummary(result([failed, conflicted]), { branches: 'runner' })
    expect(summary).toContain(
      'Its 1 commit is on `feature/us-001`, which was not pushed (`push: false`) and is gone with this runner; run again with `push: true` to keep such work.'
    )
    expect(summary).toContain(
      'Run again with `push: true` to keep them and resolve them in a clone.'
    )
    expect(summary).not.toContain('git fetch origin')
    const terminal = renderTerminalReport(result([failed, conflicted]), 'runner')
    expect(terminal).toContain('are gone with this runner: run again with push: true')
    expect(terminal).not.toContain('git fetch origin')
    // Where the branches are, the commands are given.
    expect(renderSummary(result([conflicted]), { branches: 'origin' })).toContain(
      'git fetch origin'
    )
  })

  it("merge mode's timing line counts agent time, not the time since the agents ran", () => {
    const one = task(1, { duration_ms: 1500 })
    const merged = result([one], {
      mode: 'merge',
      timings: { total_ms: 147_000, sum_of_tasks_ms: 1500, speedup: 0.01 }
    })
    const sentence =
      '1 agent ran in its own job, 1.5s of agent time in all; from the first start to this merge: 2m 27s.'
    expect(renderTerminalReport(merged)).toContain(sentence)
    expect(renderSummary(merged)).toContain(sentence)
    expect(renderSummary(merged)).not.toContain('×0.01')
    const run = result([task(1), task(2)], {
      timings: { total_ms: 60_000, sum_of_tasks_ms: 120_000, speedup: 2 }
    })
    expect(renderSummary(run)).toContain(
      '2 agents ran in 1m 00s; one by one they would have taken 2m 00s: **×2.00**.'
    )
  })

  it('a failure list never cuts the fix mid-sentence', () => {
    const fix =
      'Install it, give its full path, or set agent-command to the agent you use; if setup-command installs it, set setup-command.'
    const error = `the agent exited with status 127: bash: line 1: code-developer: command not found. ${'x '.repeat(60)}${fix}`
    const failed = task(1, {
      status: 'failed',
      exit_code: 127,
      merge: 'not-merged',
      commits: 0,
      error
    })
    const report = renderTerminalReport(result([failed]))
    const failures = report.slice(report.indexOf('Failures (1):'))
    // Wrapped, never cut: the whole fix reads once the lines are joined.
    expect(failures.replace(/\n +/g, ' ')).toContain(fix)
    for (const line of failures.split('\n')) expect(line.length).toBeLessThanOrEqual(110)
  })

  it('a shortened error ends on a whole clause, with … saying more follows', () => {
    const text =
      'the setup command exited with status 1: npm ERR! missing script: build; run npm install first'
    expect(shortenAtClause(text, 60)).toBe('the setup command exited with status 1: …')
    expect(shortError(task(1, { error: text }), 80)).toBe(
      'the setup command exited with status 1: npm ERR! missing script: build; …'
    )
    expect(shortenAtClause('short', 60)).toBe('short')
  })
})

function planned(priority: number, extra: Partial<PlannedTask> = {}): PlannedTask {
  return {
    priority,
    spec_files: [],
    paths: [`src/${priority}.ts`],
    after: [],
    skip_reason: null,
    notes: [],
    ...extra
  }
}

describe('the plan', () => {
  const plan: Plan = {
    tasks: [planned(1), planned(2), planned(3), planned(4), planned(5, { after: [1] })],
    separation: {
      valid: true,
      independent_pairs: [],
      conflicts: { '1,5': ['src/1.ts'] },
      task_file_map: {},
      unresolved: [],
      schedule: [[1, 2, 3, 4], [5]]
    }
  }

  it('says how many start at once when max-parallel is below the priorities that could', () => {
    const text = formatPlan(plan, { maxParallel: 3 })
    expect(text).toContain(
      'wave 1: 1, 2, 3, 4  (3 start at once, the others as agents finish: max-parallel 3)'
    )
    expect(text).toContain('PRIORITY 3: wave 1, starts at once')
    expect(text).toContain('PRIORITY 4: wave 1, starts when an agent finishes (max-parallel 3)')
    expect(text).toContain('PRIORITY 5: wave 2, starts after 1 is merged')
  })

  it('says "starts at once" when every one of them can', () => {
    const text = formatPlan(plan, { maxParallel: 4 })
    expect(text).toContain('wave 1: 1, 2, 3, 4  (starts at once)')
    expect(text).toContain('PRIORITY 4: wave 1, starts at once')
  })
})
