import type { RunResult, TaskResult } from '../core/types.js'
import { outcomeOf } from './outcome.js'

// GitHub renders `mermaid` blocks; mermaid refuses diagrams above 50,000 characters.
const MAX_DIAGRAM_CHARS = 45_000
const MAX_NAME_CHARS = 48

/** A task name mermaid's gantt grammar cannot misread (`:`, `#`, `;` and keywords are its syntax). */
export function ganttName(text: string): string {
  const clean = text
    .replace(/[^A-Za-z0-9 ._/()+=-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return clean.length > MAX_NAME_CHARS ? `${clean.slice(0, MAX_NAME_CHARS - 1)}…` : clean
}

/** One bar: an attempt of a priority's agent (or the whole task when it ran once). */
interface Bar {
  start: number
  end: number
  /** 1 for the first attempt. */
  attempt: number
  /** The last bar of its priority: coloured by the task's outcome; earlier ones failed. */
  last: boolean
}

/**
 * A priority's bars: one per start of its agent when it started more than once (a restart
 * after a rate limit, a retry, a conflict re-run), the last one reaching the task's end;
 * else one for the whole task.
 */
function barsOf(task: TaskResult): Bar[] {
  const whole = span(task)
  const attempts = (task.attempt_spans ?? [])
    .map((attempt) => [Date.parse(attempt.started_at), Date.parse(attempt.ended_at)])
    .filter(([start, end]) => !Number.isNaN(start) && !Number.isNaN(end))
  if (attempts.length < 2)
    return whole ? [{ start: whole[0], end: whole[1], attempt: 1, last: true }] : []
  return attempts.map(([start, end], index) => {
    const last = index === attempts.length - 1
    // The last bar runs on to the task's end (its commits, verdict and merge).
    const until = last && whole ? Math.max(end, whole[1]) : end
    return { start, end: Math.max(until, start), attempt: index + 1, last }
  })
}

function span(task: TaskResult): [number, number] | null {
  if (!task.started_at) return null
  const start = Date.parse(task.started_at)
  if (Number.isNaN(start)) return null
  const parsedEnd = task.ended_at ? Date.parse(task.ended_at) : start + task.duration_ms
  const end = Number.isNaN(parsedEnd) ? start + task.duration_ms : parsedEnd
  return [start, Math.max(end, start)]
}

/**
 * Mermaid's gantt has three bar styles besides the plain one; the theme below colours them:
 * `done` green for work that landed (or completed), `crit` red for failures and conflicts,
 * plain grey for nothing done (no changes, cancelled), `active` blue while running.
 */
const TAG: Record<string, string> = {
  merged: 'done, ',
  completed: 'done, ',
  conflict: 'crit, ',
  'merge-failed': 'crit, ',
  'verify-failed': 'crit, ',
  failed: 'crit, ',
  'timed-out': 'crit, ',
  running: 'active, '
}

export const TIMELINE_LEGEND =
  'Green: merged or completed · red: failed, timed out or conflicted (an attempt that was run again too: one bar per attempt) · grey: no changes or cancelled.'

const THEME = {
  theme: 'base',
  themeVariables: {
    doneTaskBkgColor: '#2da44e',
    doneTaskBorderColor: '#1a7f37',
    critBkgColor: '#ff8182',
    critBorderColor: '#cf222e',
    taskBkgColor: '#afb8c1',
    taskBorderColor: '#6e7781',
    activeTaskBkgColor: '#54aeff',
    activeTaskBorderColor: '#0969da',
    taskTextColor: '#1f2328',
    taskTextDarkColor: '#ffffff',
    taskTextOutsideColor: '#1f2328',
    sectionBkgColor: '#f6f8fa',
    altSectionBkgColor: '#ffffff',
    sectionBkgColor2: '#f6f8fa'
  }
}

/** Ticks in ms that the axis may use: a tick is never finer than its label can tell apart. */
const TICKS: [number, string, string][] = [
  [100, '100millisecond', '%M:%S.%L'],
  [200, '200millisecond', '%M:%S.%L'],
  [500, '500millisecond', '%M:%S.%L'],
  [1000, '1second', '%H:%M:%S'],
  [2000, '2second', '%H:%M:%S'],
  [5000, '5second', '%H:%M:%S'],
  [10_000, '10second', '%H:%M:%S'],
  [15_000, '15second', '%H:%M:%S'],
  [30_000, '30second', '%H:%M:%S'],
  [60_000, '1minute', '%H:%M'],
  [120_000, '2minute', '%H:%M'],
  [300_000, '5minute', '%H:%M'],
  [600_000, '10minute', '%H:%M'],
  [900_000, '15minute', '%H:%M'],
  [1_800_000, '30minute', '%H:%M'],
  [3_600_000, '1hour', '%H:%M'],
  [7_200_000, '2hour', '%H:%M'],
  [21_600_000, '6hour', '%H:%M'],
  [86_400_000, '1day', '%m-%d %H:%M']
]
const MAX_TICKS = 8

/** The axis for a run this long: the finest tick that gives at most MAX_TICKS labels. */
export function axisFor(wholeRunMs: number): { tickInterval: string; axisFormat: string } {
  const tick = TICKS.find(([ms]) => wholeRunMs / ms <= MAX_TICKS) ?? TICKS[TICKS.length - 1]
  return { tickInterval: tick[1], axisFormat: tick[2] }
}

/**
 * When each agent ran, as a mermaid gantt chart grouped by wave, one bar per attempt of a
 * priority that ran more than once; null when none ran.
 * Bars: green (merged, completed), red (failed, timed out, conflicted), grey (no changes,
 * cancelled); see TIMELINE_LEGEND.
 */
export function renderTimeline(result: RunResult): { diagram: string; leftOut: number } | null {
  const spans = new Map<number, Bar[]>()
  for (const task of result.tasks) {
    const bars = barsOf(task)
    if (bars.length) spans.set(task.priority, bars)
  }
  if (spans.size === 0) return null
  const all = [...spans.values()].flat()
  const wholeRun = Math.max(
    1,
    Math.max(...all.map((bar) => bar.end)) - Math.min(...all.map((bar) => bar.start))
  )
  // A bar of zero length does not render: at least 1% of the run, so that short runs keep
  // their true proportions (a 300 ms agent is not drawn as a second).
  const shortest = Math.max(1, Math.round(wholeRun / 100))
  for (const bar of all) bar.end = Math.max(bar.end, bar.start + shortest)
  const axis = axisFor(wholeRun)
  const lines = [
    `%%{init: ${JSON.stringify(THEME)}}%%`,
    'gantt',
    '  title When each agent ran',
    '  dateFormat x',
    `  axisFormat ${axis.axisFormat}`,
    `  tickInterval ${axis.tickInterval}`,
    '  todayMarker off'
  ]
  const byPriority = new Map(result.tasks.map((task) => [task.priority, task]))
  const waves = result.separation.schedule.length
    ? result.separation.schedule
    : [result.tasks.map((task) => task.priority)]
  const placed = new Set<number>()
  const take = (priorities: number[]): number[] => {
    const fresh = priorities.filter((p) => spans.has(p) && !placed.has(p))
    for (const p of fresh) placed.add(p)
    return fresh
  }
  const groups = waves.map((wave, index) => ({
    name: waves.length > 1 ? `Wave ${index + 1}` : 'Agents',
    priorities: take(wave)
  }))
  const others = [...spans.keys()].filter((p) => !placed.has(p))
  if (others.length) groups.push({ name: 'Other', priorities: others })

  let size = lines.join('\n').length
  let leftOut = 0
  for (const group of groups) {
    if (group.priorities.length === 0) continue
    const header = `  section ${group.name}`
    const rows: string[] = []
    for (const priority of group.priorities) {
      const task = byPriority.get(priority)!
      const bars = spans.get(priority)!
      const taskRows = bars.map((bar) => {
        const name = ganttName(
          bar.attempt === 1 ? `P${priority} ${task.branch}` : `P${priority} attempt ${bar.attempt}`
        )
        // An attempt followed by another failed (a rate limit, a failure, a conflict).
        const tag = bar.last ? (TAG[outcomeOf(task)] ?? '') : 'crit, '
        const id = bar.attempt === 1 ? `p${priority}` : `p${priority}a${bar.attempt}`
        return `  ${name} :${tag}${id}, ${bar.start}, ${bar.end}`
      })
      const length = taskRows.reduce((sum, row) => sum + row.length + 1, 0)
      if (size + header.length + length + 1 > MAX_DIAGRAM_CHARS) {
        leftOut += 1
        continue
      }
      rows.push(...taskRows)
      size += length
    }
    if (rows.length) {
      lines.push(header, ...rows)
      size += header.length + 1
    }
  }
  return { diagram: lines.join('\n'), leftOut }
}
