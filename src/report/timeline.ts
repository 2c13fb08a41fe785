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
  // A zero-length bar does not render: give it at least one second.
  return [start, Math.max(end, start + 1000)]
}

const TAG: Record<string, string> = {
  merged: 'done, ',
  completed: 'done, ',
  conflict: 'crit, ',
  'merge-failed': 'crit, ',
  failed: 'crit, ',
  'timed-out': 'crit, ',
  cancelled: 'crit, ',
  running: 'active, '
}

/**
 * When each agent ran, as a mermaid gantt chart grouped by wave; null when none ran.
 * Bars: grey done (merged), red crit (failed, conflicted), plain (no changes).
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
  const wholeRun = Math.max(...ends) - Math.min(...starts)
  const axis = wholeRun < 2 * 3600_000 ? '%H:%M:%S' : '%H:%M'
  const lines = [
    'gantt',
    '  title When each agent ran',
    '  dateFormat x',
    `  axisFormat ${axis}`,
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
