import { describe, expect, it } from '@jest/globals'
import { renderSummary, headline, SUMMARY_LIMIT_BYTES } from '../../src/report/summary.js'
import { ganttName } from '../../src/report/timeline.js'
import { mixedResult, result, task } from './fixtures.js'

function sectionOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(heading)
  expect(start).toBeGreaterThanOrEqual(0)
  const next = markdown.indexOf('\n### ', start + heading.length)
  return markdown.slice(start, next === -1 ? undefined : next)
}

/** Fences opened are closed, folds are closed: what a truncation must never break. */
function expectWellFormed(markdown: string): void {
  // CommonMark: a fence closes at a line of at least as many backticks and nothing else.
  let open: string | null = null
  const outside: string[] = []
  for (const line of markdown.split('\n')) {
    const fence = line.match(/^(`{3,})(.*)$/)
    if (open === null && !fence) outside.push(line)
    if (!fence) continue
    if (open === null) open = fence[1]
    else if (fence[1].length >= open.length && fence[2].trim() === '') open = null
  }
  expect(open).toBeNull()
  const text = outside.join('\n')
  expect(text.split('<details>').length).toBe(text.split('</details>').length)
}

describe('renderSummary (run mode)', () => {
  const mixed = mixedResult()
  const summary = renderSummary(mixed)

  it('says the outcome in one line first', () => {
    expect(summary.split('\n')[0]).toBe(
      '## ❌ 1 of 7 priorities merged into `roadmap`: 1 conflicted, 1 failed, 1 timed out, 1 cancelled, 1 made no changes, 1 skipped'
    )
    expect(headline(result([task(65), task(66)]))).toBe('✅ All 2 priorities merged into `roadmap`')
    expect(headline(result([task(65)]))).toBe('✅ PRIORITY 65 merged into `roadmap`')
  })

  it('has one table row per priority with status, duration, commits, merge and error (cost only when known)', () => {
    const table = sectionOf(summary, '### Priorities')
    // No agent of this run reported a cost: no column of dashes (agent-usage.test.ts has one).
    expect(table).toContain('| Priority | Branch | Status | Duration | Commits | Merge | Error |')
    const rows = table.split('\n').filter((line) => /^\| \d+ \|/.test(line))
    expect(rows.map((row) => row.split('|')[1].trim())).toEqual([
      '65',
      '66',
      '67',
      '68',
      '69',
      '70',
      '71'
    ])
    expect(rows[0]).toContain('✅ completed | 1m 00s | 1 | ✅ merged `4f2c65a`')
    expect(rows[1]).toContain('⚔️ conflict (2 files)')
    expect(rows[2]).toContain('❌ failed')
    expect(rows[2]).toContain('agent exited with code 3 |')
    expect(rows[3]).toContain('⏱️ timed-out | 30m 00s | 2 |')
    expect(rows[4]).toContain('⏭️ skipped | — | — | — |')
    expect(rows[5]).toContain('⚪ no-changes')
    expect(rows[6]).toContain('🛑 cancelled')
  })

  it('lists each conflict with its files and the commands to resolve it in this repository', () => {
    const conflicts = sectionOf(summary, '### ⚔️ Conflicts (1)')
    expect(conflicts).toContain('#### PRIORITY 66 · `feature/us-066`')
    expect(conflicts).toContain('in `src/recipes.ts`, `docs/roadmap/ROADMAP.md`.')
    expect(conflicts).toContain(
      [
        '```sh',
        'git switch roadmap',
        "git merge --no-ff -m 'Merge PRIORITY 66 from parallel execution' feature/us-066",
        '# resolve the conflicts in src/recipes.ts docs/roadmap/ROADMAP.md, then:',
        'git add src/recipes.ts docs/roadmap/ROADMAP.md',
        'git commit --no-edit',
        'git branch -d feature/us-066',
        '```'
      ].join('\n')
    )
  })

  it('adapts the commands to pushed branches, and says when they were not pushed', () => {
    const pushed = sectionOf(renderSummary(mixed, { branches: 'origin' }), '### ⚔️ Conflicts')
    expect(pushed).toContain(
      'git fetch origin roadmap feature/us-066\ngit switch roadmap\ngit merge --ff-only origin/roadmap'
    )
    expect(pushed).toContain('origin/feature/us-066')
    expect(pushed).toContain('git push origin roadmap')
    const lost = sectionOf(renderSummary(mixed, { branches: 'runner' }), '### ⚔️ Conflicts')
    expect(lost).toContain('**not pushed**')
    expect(lost).toContain('`push: true`')
  })

  it('gives every failure its error and log file', () => {
    const failures = sectionOf(summary, '### ❌ Failures (4)')
    expect(failures).toContain(
      '#### ❌ PRIORITY 67 · `feature/us-067` · failed (exit code 3) after 1m 00s'
    )
    expect(failures).toContain('Log file: `/tmp/logs/priority-67.log`')
    expect(failures).toContain('```text\nagent exited with code 3\nTraceback: boom\n```')
    expect(failures).toContain('#### ⏱️ PRIORITY 68 · `feature/us-068` · timed out after 30m 00s')
    expect(failures).toContain('Its 2 commits are kept on `feature/us-068`.')
    expect(failures).toContain('PRIORITY 70 · `feature/us-070` · made no changes (exit code 0)')
    expect(failures).toContain('The agent exited 0 but left no commit to merge.')
    expect(failures).toContain('PRIORITY 71 · `feature/us-071` · cancelled')
    expect(sectionOf(summary, '### ⏭️ Skipped (1)')).toContain(
      '- **PRIORITY 69** (`feature/us-069`): overlaps 65 in src/recipes.ts (strict separation)'
    )
  })

  it('draws when each agent ran as a mermaid gantt chart, by wave', () => {
    const block = summary.match(/```mermaid\n([\s\S]*?)\n```/)
    expect(block).not.toBeNull()
    const lines = block![1].split('\n')
    expect(lines[0]).toMatch(/^%%\{init: \{"theme":"base","themeVariables":\{/)
    expect(lines.slice(1, 7)).toEqual([
      'gantt',
      '  title When each agent ran',
      '  dateFormat x',
      '  axisFormat %H:%M',
      '  tickInterval 5minute',
      '  todayMarker off'
    ])
    expect(lines).toContain('  section Wave 1')
    const bars = lines.filter((line) => / :.*p\d+, \d+, \d+$/.test(line))
    // Everything that started; the skipped one never ran.
    expect(bars.map((line) => Number(line.match(/p(\d+),/)![1]))).toEqual([65, 67, 68, 66, 70, 71])
    for (const bar of bars)
      expect(bar).toMatch(/^ {2}[A-Za-z0-9 ._/()+=-]+ :(done, |crit, |active, )?p\d+, \d+, \d+$/)
    const p65 = mixed.tasks[0]
    expect(bars[0]).toBe(
      `  P65 feature/us-065 :done, p65, ${Date.parse(p65.started_at!)}, ${Date.parse(p65.ended_at!)}`
    )
    expect(bars[1]).toContain(':crit, p67')
  })

  it('keeps task names within what mermaid parses', () => {
    expect(ganttName('P1 feat:ure#x;y')).toBe('P1 feat ure x y')
    expect(ganttName('P1 ' + 'a'.repeat(100)).length).toBeLessThanOrEqual(48)
  })

  it('says the speedup, the plan in a fold, and the warnings', () => {
    expect(summary).toContain(
      '6 agents ran in 1m 30s; one by one they would have taken 35m 00s: **×23.33**.'
    )
    const fold = summary.slice(summary.indexOf('<details>'), summary.indexOf('</details>'))
    expect(fold).toContain('<summary>Separation plan: 3 waves, 1 overlap, 1 unresolved</summary>')
    expect(fold).toContain('1. 65, 67, 68\n2. 66 (after 65), 70, 71\n3. 69')
    expect(fold).toContain('- 65 ↔ 66: `src/recipes.ts`')
    expect(fold).toContain('treated as overlapping everything): 70')
    expect(sectionOf(summary, '### ⚠️ Warnings')).toContain(
      '- could not remove worktree ../repo-wt67: busy'
    )
    expectWellFormed(summary)
  })

  it('lists every problem only when the annotations are capped', () => {
    expect(summary).not.toContain('### All problems')
    const many = result(
      Array.from({ length: 15 }, (_, i) =>
        task(100 + i, { status: 'failed', merge: 'not-merged', exit_code: 1, error: `boom ${i}` })
      )
    )
    const all = sectionOf(renderSummary(many), '### All problems (15)')
    expect(all.split('\n').filter((line) => line.startsWith('- ❌ **PRIORITY'))).toHaveLength(15)
  })

  it('renders agent output as text: no HTML, no mentions, no broken fences', () => {
    const hostile = result([
      task(80, {
        status: 'failed',
        merge: 'not-merged',
        exit_code: 1,
        error: '</details><img src=x> | @octocat see #12 ```\n```\nstill inside'
      })
    ])
    const markdown = renderSummary(hostile)
    const row = markdown.split('\n').find((line) => line.startsWith('| 80 |'))!
    expect(row).toContain('&lt;/details&gt;&lt;img src=x&gt; \\| @\u200Boctocat see \\#\u200B12')
    // The escaped pipe splits no cell: 7 cells (no cost known, so no Cost column).
    expect(row.split(' | ')).toHaveLength(7)
    expect(markdown).toContain(
      '````text\n</details><img src=x> | @octocat see #12 ```\n```\nstill inside\n````'
    )
    expectWellFormed(markdown)
  })
})

describe('renderSummary size limits', () => {
  const huge = result(
    Array.from({ length: 256 }, (_, i) =>
      task(i + 1, {
        status: 'failed',
        merge: 'not-merged',
        exit_code: 1,
        merge_commit: null,
        error: `error ${i + 1}: ${'x'.repeat(200_000)}\n${'é'.repeat(50_000)}`
      })
    ),
    {
      success: false,
      warnings: Array.from({ length: 50 }, (_, i) => `warning ${i} ${'w'.repeat(10_000)}`)
    }
  )

  it('stays within the 1 MiB step summary limit with 256 priorities of huge errors', () => {
    const markdown = renderSummary(huge)
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(Buffer.byteLength(markdown)).toBeGreaterThan(500_000)
    expect(markdown.split('\n').filter((line) => /^\| \d+ \|/.test(line))).toHaveLength(256)
    expect(markdown).toContain(
      '(199 more characters)'.replace('199', String(200_000 + 50_000 + 10 - 4000 + 1))
    )
    expectWellFormed(markdown)
  })

  it('drops whole items and says what was left out when the limit is small', () => {
    const markdown = renderSummary(huge, {
      limitBytes: 65_536,
      runUrl: 'https://github.com/o/r/actions/runs/9'
    })
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(65_536)
    expect(markdown.startsWith('## ❌ 0 of 256 priorities merged')).toBe(true)
    expect(markdown).toMatch(/_… and \d+ more (failures|priorities|warnings?)/)
    expect(markdown).toContain('Left out to stay within the size limit:')
    expect(markdown).toContain('[run](https://github.com/o/r/actions/runs/9)')
    expectWellFormed(markdown)
  })
})

describe('renderSummary (plan mode)', () => {
  it('shows waves, overlaps, unresolved priorities and the matrix', () => {
    const plan = mixedResult()
    plan.mode = 'plan'
    plan.success = false
    plan.tasks = plan.tasks.map((t) => ({
      ...t,
      status: t.priority === 69 ? 'skipped' : 'pending',
      started_at: null,
      ended_at: null,
      duration_ms: 0,
      merge: 'not-merged',
      merge_commit: null
    }))
    const markdown = renderSummary(plan)
    expect(markdown.split('\n')[0]).toBe(
      '## ⚠️ Plan for 7 priorities on `roadmap`: 3 waves, 1 overlap, 1 unresolved'
    )
    expect(markdown).toContain('matrix: `{"priority":[65,66,67,68,70,71]}`')
    expect(markdown).toContain('| Priority | Branch | Wave | Starts after | Spec | Paths | Plan |')
    expect(markdown).toContain(
      '| 66 | `feature/us-066` | 2 | 65 | `SPEC-66-feature.md` | `src/recipes.ts` | ▶️ runs |'
    )
    expect(markdown).toContain('| 69 | `feature/us-069` | 3 | — |')
    expect(markdown).toContain('⏭️ skipped: overlaps 65')
    expect(markdown).toContain('| 70 | `feature/us-070` | 2 | — | ⚠️ `SPEC-70-feature.md` |')
    expect(markdown).toContain('### Waves')
    expect(markdown).toContain('1. 65, 67, 68\n2. 66, 70, 71\n3. 69')
    expect(markdown).toContain('| 65 ↔ 66 | `src/recipes.ts` |')
    expect(markdown).toContain('### ⚠️ Unresolved (1)')
    expect(markdown).not.toContain('mermaid')
  })
})

describe('renderSummary (task mode, one matrix job)', () => {
  const one = (fields: Parameters<typeof task>[1], success: boolean) =>
    result([task(65, { merge: 'not-merged', merge_commit: null, commits: 2, ...fields })], {
      mode: 'task',
      success
    })

  it('says the branch was pushed for the merge job, without a timeline', () => {
    const markdown = renderSummary(one({}, true))
    expect(markdown.split('\n')[0]).toBe(
      '## ✅ PRIORITY 65 completed: 2 commits pushed on `feature/us-065` for the merge job'
    )
    expect(markdown).not.toContain('mermaid')
    expect(markdown).not.toContain('### ⏱️ Timing')
  })

  it('says what went wrong', () => {
    expect(headline(one({ error: 'pushing feature/us-065 failed' }, false))).toBe(
      '❌ PRIORITY 65 completed, but `feature/us-065` was not pushed'
    )
    expect(headline(one({ status: 'timed-out' }, false))).toBe('❌ PRIORITY 65 timed out')
  })
})
