import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { renderTimeline } from '../../src/report/timeline.js'
import { createRepo, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from '../run/run-helpers.js'
import { result, task } from './fixtures.js'

const T0 = Date.parse('2026-11-27T10:00:00.000Z')
const at = (ms: number) => new Date(T0 + ms).toISOString()

/** Every bar of the diagram: its id, colour tag, start and end. */
function bars(diagram: string) {
  return [...diagram.matchAll(/ :(done, |crit, |active, )?(p[\w.]+), (\d+), (\d+)$/gm)].map(
    (match) => ({
      id: match[2],
      tag: (match[1] ?? '').replace(', ', ''),
      start: Number(match[3]) - T0,
      end: Number(match[4]) - T0
    })
  )
}

describe('the Gantt and the timings show every attempt', () => {
  it('draws one bar per start of an agent that ran more than once, the earlier ones red', () => {
    const chart = renderTimeline(
      result([
        task(1, {
          started_at: at(0),
          ended_at: at(10_000),
          duration_ms: 10_000,
          attempts: 2,
          attempt_spans: [
            { started_at: at(500), ended_at: at(1_000), log_file: 'a', rate_limited: true },
            { started_at: at(4_000), ended_at: at(9_000), log_file: 'b', rate_limited: false }
          ]
        }),
        task(2, { started_at: at(0), ended_at: at(6_000), duration_ms: 6_000 })
      ])
    )!
    expect(bars(chart.diagram)).toEqual([
      { id: 'p1', tag: 'crit', start: 500, end: 1_000 },
      // The last attempt reaches the task's end (its verdict and merge).
      { id: 'p1a2', tag: 'done', start: 4_000, end: 10_000 },
      { id: 'p2', tag: 'done', start: 0, end: 6_000 }
    ])
    expect(chart.diagram).toContain('P1 attempt 2 :')
  })

  it('a conflict re-run: two bars, both runs in attempt_spans and in sum_of_tasks_ms', async () => {
    // Both agents rewrite a file nobody named: the second merge conflicts, and on-conflict
    // rerun runs that priority once more.
    using dir = createRepo({
      ...roadmapFiles({ 1: { files: ['feature-1.txt'] }, 2: { files: ['feature-2.txt'] } }),
      'hub.txt': 'first\n'
    })
    const agent = script(
      join(dir.path, 'hub.sh'),
      `sleep 0.3
echo "priority $PRIORITY_ID was here" > hub.txt
echo "feature $PRIORITY_ID" > "feature-$PRIORITY_ID.txt"
git add -A && git commit -qm "priority $PRIORITY_ID"`
    )
    const run = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1,2',
        'max-parallel': '2',
        'pr-comment': 'false',
        'on-conflict': 'rerun',
        'agent-command': `bash ${agent}`
      }),
      testEngineOptions()
    )
    const rerun = run.tasks.find((t) => t.kept_branches.length > 0)!
    expect(rerun).toMatchObject({ status: 'completed', merge: 'merged', attempts: 2 })
    const spans = rerun.attempt_spans!
    expect(spans).toHaveLength(2)
    expect(spans.map((span) => span.log_file)).toEqual(rerun.log_files)
    const [first, second] = spans.map((span) => [
      Date.parse(span.started_at),
      Date.parse(span.ended_at)
    ])
    expect(first[1]).toBeLessThanOrEqual(second[0])
    // The first run's agent time counts too: it is not in the re-run's duration_ms.
    const firstRun = first[1] - first[0]
    expect(firstRun).toBeGreaterThanOrEqual(300)
    expect(run.timings.sum_of_tasks_ms).toBeGreaterThanOrEqual(
      run.tasks.reduce((sum, t) => sum + t.duration_ms, 0) + firstRun
    )
    const drawn = bars(renderTimeline(run)!.diagram).map((bar) => bar.id)
    expect(drawn).toContain(`p${rerun.priority}`)
    expect(drawn).toContain(`p${rerun.priority}a2`)
  })
})
