import { axisFor, renderTimeline, TIMELINE_LEGEND } from '../../src/report/timeline.js'
import { renderSummary } from '../../src/report/summary.js'
import { result, task } from './fixtures.js'

const T0 = Date.parse('2026-11-27T10:00:00.000Z')

/** A task that ran from `from` to `to` ms after T0. */
function ran(priority: number, from: number, to: number, fields: Parameters<typeof task>[1] = {}) {
  return task(priority, {
    started_at: new Date(T0 + from).toISOString(),
    ended_at: new Date(T0 + to).toISOString(),
    duration_ms: to - from,
    ...fields
  })
}

function bars(diagram: string): Map<number, { tag: string; start: number; end: number }> {
  const out = new Map<number, { tag: string; start: number; end: number }>()
  for (const match of diagram.matchAll(/ :(done, |crit, |active, )?p(\d+), (\d+), (\d+)$/gm)) {
    out.set(Number(match[2]), {
      tag: (match[1] ?? '').replace(', ', ''),
      start: Number(match[3]),
      end: Number(match[4])
    })
  }
  return out
}

/** The smallest step the axis format can tell apart, in ms. */
function resolutionOf(format: string): number {
  if (format.includes('%L')) return 1
  if (format.includes('%S')) return 1000
  return 60_000
}

const TICK_MS: Record<string, number> = {
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000
}

describe('the timeline (mermaid gantt)', () => {
  it('draws sub-second runs as long as they were, not as a second', () => {
    const chart = renderTimeline(result([ran(1, 0, 300), ran(2, 100, 900)]))!
    const drawn = bars(chart.diagram)
    expect(drawn.get(1)!.end - drawn.get(1)!.start).toBe(300)
    expect(drawn.get(2)!.end - drawn.get(2)!.start).toBe(800)
    expect(chart.diagram).toContain('  axisFormat %M:%S.%L')
    expect(chart.diagram).toContain('  tickInterval 200millisecond')
  })

  it('gives an agent that took no time a visible sliver, 1% of the run', () => {
    const drawn = bars(renderTimeline(result([ran(1, 0, 0), ran(2, 0, 10_000)]))!.diagram)
    expect(drawn.get(1)!.end - drawn.get(1)!.start).toBe(100)
  })

  it.each([50, 300, 2_000, 9_000, 45_000, 180_000, 2_400_000, 3 * 3_600_000, 30 * 3_600_000])(
    'labels the axis of a %i ms run without repeating a label, with at most 8 ticks',
    (length) => {
      const { tickInterval, axisFormat } = axisFor(length)
      const [, count, unit] = /^(\d+)(millisecond|second|minute|hour|day)$/.exec(tickInterval)!
      const tick = Number(count) * TICK_MS[unit]
      // Two ticks a tick apart show different labels when the tick is no finer than the format.
      expect(tick).toBeGreaterThanOrEqual(resolutionOf(axisFormat))
      expect(tick % resolutionOf(axisFormat)).toBe(0)
      expect(Math.ceil(length / tick)).toBeLessThanOrEqual(8)
    }
  )

  it('colours success, failure and nothing done apart', () => {
    const chart = renderTimeline(
      result([
        ran(1, 0, 1000),
        ran(2, 0, 1000, { status: 'failed', merge: 'not-merged' }),
        ran(3, 0, 1000, { status: 'no-changes', merge: 'not-merged', commits: 0 }),
        ran(4, 0, 1000, { merge: 'conflict', conflict_files: ['a'] }),
        ran(5, 0, 1000, { status: 'cancelled', merge: 'not-merged' })
      ])
    )!
    const tags = Object.fromEntries([...bars(chart.diagram)].map(([p, bar]) => [p, bar.tag]))
    expect(tags).toEqual({ 1: 'done', 2: 'crit', 3: '', 4: 'crit', 5: '' })
    const init = JSON.parse(/^%%\{init: (.*)\}%%$/m.exec(chart.diagram)![1]) as {
      themeVariables: Record<string, string>
    }
    expect(init.themeVariables.doneTaskBkgColor).toBe('#2da44e') // green
    expect(init.themeVariables.critBkgColor).toBe('#ff8182') // red, light enough for dark text
    expect(init.themeVariables.taskBkgColor).toBe('#afb8c1') // grey
    expect(renderSummary(result([ran(1, 0, 1000)]))).toContain(`_${TIMELINE_LEGEND}_`)
  })
})
