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
  'Green: merged or completed · red: failed, timed out or conflicted · grey: no changes or cancelled.'

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
 * When each agent ran, as a mermaid gantt chart grouped by wave; null when none ran.
 * Bars: green (merged, completed), red (failed, timed out, conflicted), grey (no changes,
 * cancelled); see TIMELINE_LEGEND.
 */
export function renderTimeline(result: RunResult): { diagram: string; leftOut: number } | null {
  const spans = new Map<number, [number, number]>()
  for (const task of result.tasks) {
    const s = span(task)
    if (s) spans.set(task.priority, s)
  }
  if (spans.size === 0) return null
  const starts = [...spans.values()].map(([start]) => start)
  const ends = [...spans.values()].map(([, end]) => end)
  const wholeRun = Math.max(1, Math.max(...ends) - Math.min(...starts))
  // A bar of zero length does not render: at least 1% of the run, so that short runs keep
  // their true proportions (a 300 ms agent is not drawn as a second).
  const shortest = Math.max(1, Math.round(wholeRun / 100))
  for (const [priority, [start, end]] of spans) {
    spans.set(priority, [start, Math.max(end, start + shortest)])
  }
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
      const [start, end] = spans.get(priority)!
      const name = ganttName(`P${priority} ${task.branch}`)
      const row = `  ${name} :${TAG[outcomeOf(task)] ?? ''}p${priority}, ${start}, ${end}`
      if (size + header.length + row.length + 2 > MAX_DIAGRAM_CHARS) {
        leftOut += 1
        continue
      }
      rows.push(row)
      size += row.length + 1
    }
    if (rows.length) {
      lines.push(header, ...rows)
      size += header.length + 1
    }
  }
  return { diagram: lines.join('\n'), leftOut }
}
