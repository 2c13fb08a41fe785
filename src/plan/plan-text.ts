import type { Plan, PlannedTask } from '../core/types.js'
import { UNKNOWN_SCOPE } from './overlap.js'
import { overlapOf, parsePattern } from './path-pattern.js'

const MAX_PATHS_SHOWN = 10
const MAX_OVERLAPS_SHOWN = 8
const MAX_SHARED_SHOWN = 3
const LABEL_WIDTH = 11

export interface PlanTextOptions {
  /** For each path of each priority, the spec file and line it came from (`plan --explain`). */
  explain?: boolean
  maxParallel?: number | 'auto'
}

/**
 * The plan as people read it in a terminal or a log: the schedule first, then per priority
 * its spec files, the paths it touches, what it overlaps and why, and its wave.
 */
export function formatPlan(plan: Plan, options: PlanTextOptions = {}): string {
  const { tasks, separation } = plan
  if (tasks.length === 0) return 'Plan: no priorities.\n'
  const slots = typeof options.maxParallel === 'number' ? options.maxParallel : Infinity
  // The tasks that wait on none start in the plan's start order, as many as there are slots.
  const rank = new Map((separation.start_order ?? []).map((priority, index) => [priority, index]))
  const free = tasks
    .filter((task) => !task.skip_reason && task.after.length === 0)
    .sort((a, b) => (rank.get(a.priority) ?? 0) - (rank.get(b.priority) ?? 0))
  const startsFirst = new Set(free.slice(0, slots).map((task) => task.priority))
  const waveOf = new Map<number, number>()
  separation.schedule.forEach((wave, index) => {
    for (const priority of wave) waveOf.set(priority, index + 1)
  })
  const skipped = tasks.filter((task) => task.skip_reason)
  const lines: string[] = []

  const waves = separation.schedule.length
  lines.push(
    `Plan for ${plural(tasks.length, 'priority', 'priorities')} in ${plural(waves, 'wave', 'waves')}` +
      (skipped.length ? `, ${skipped.length} skipped` : '') +
      (separation.unresolved.length ? `, ${separation.unresolved.length} with unknown scope` : '')
  )
  separation.schedule.forEach((wave, index) => {
    const note =
      index > 0
        ? 'each starts once the priorities it overlaps are merged'
        : free.length > slots
          ? `${slots} start at once, the others as agents finish: max-parallel ${slots}`
          : 'starts at once'
    lines.push(`  wave ${index + 1}: ${wave.join(', ')}  (${note})`)
  })
  if (plan.base_commit) lines.push(`  base commit: ${plan.base_commit.slice(0, 12)}`)
  for (const warning of plan.base_warnings ?? []) lines.push(`  base: ${warning}`)
  const length = separation.expected_length
  if (length && tasks.length > 1) {
    const unit = length.unit === 'hours' ? ' h' : length.unit === 'priorities' ? ' priorities' : ''
    lines.push(
      `  expected length: ${length.parallel}${unit} with ${length.max_parallel} at once, against ${length.serial}${unit} one at a time` +
        (length.unit === 'hours' && length.estimated.length < tasks.length
          ? ` (${length.estimated.length} of ${tasks.length} estimated in the ROADMAP)`
          : '')
    )
  }
  if (separation.start_order && separation.start_order.some((p, i) => p !== tasks[i]?.priority)) {
    lines.push(`  start order: ${separation.start_order.join(', ')} (the longest estimate first)`)
  }
  for (const task of skipped) lines.push(`  skipped ${task.priority}: ${task.skip_reason}`)
  if (!separation.valid) {
    lines.push(
      `  unknown scope: ${separation.unresolved.join(', ')}: no spec naming the paths they touch, ` +
        (separation.merge_last?.length
          ? 'so they run at once and are merged after the others (unknown-scope: parallel)'
          : 'so they start once every other priority is merged (unknown-scope: wait)')
    )
  }

  const overlapsOf = overlapsByPriority(plan)
  for (const task of tasks) {
    lines.push('')
    const first = startsFirst.has(task.priority)
    lines.push(
      `PRIORITY ${task.priority}: ${standing(task, waveOf.get(task.priority), first, slots)}`
    )
    lines.push(field('spec', task.spec_files.length ? task.spec_files : ['(none found)']))
    const evidence = separation.evidence?.[String(task.priority)]
    lines.push(
      field('touches', options.explain && evidence ? explained(task, evidence) : touchedPaths(task))
    )
    const uncounted = options.explain ? separation.not_counted?.[String(task.priority)] : undefined
    if (uncounted) lines.push(field('unchanged', notCountedLines(uncounted)))
    const overlaps = overlapsOf.get(task.priority) ?? []
    if (overlaps.length) {
      lines.push(field('overlaps', describeOverlaps(task, overlaps, tasks)))
    }
    for (const note of task.notes) lines.push(field('note', [note]))
  }
  lines.push('')
  lines.push(
    'The ROADMAP, the spec files and what separation-ignore matches (documents, runtime data) ' +
      'do not count as touched paths.' +
      (options.explain ? '' : ' Run plan --explain to see the spec line behind every path.')
  )
  return `${lines.join('\n')}\n`
}

function standing(
  task: PlannedTask,
  wave: number | undefined,
  startsFirst: boolean,
  slots: number
): string {
  if (task.skip_reason) return `skipped (${task.skip_reason})`
  if (wave === undefined) return 'not scheduled'
  if (task.after.length === 0 && startsFirst) return `wave ${wave}, starts at once`
  if (task.after.length === 0) {
    return `wave ${wave}, starts when an agent finishes (max-parallel ${slots})`
  }
  return `wave ${wave}, starts after ${task.after.join(', ')} ${task.after.length > 1 ? 'are' : 'is'} merged`
}

/** Every path with the spec lines that name it: `src/a.ts  ← SPEC-065-x.md:12, :30`. */
function explained(task: PlannedTask, evidence: Record<string, string[]>): string[] {
  if (task.paths.length === 0) return ['(unknown)']
  const width = Math.min(60, Math.max(...task.paths.map((path) => path.length)))
  return task.paths.map((path) => {
    const places = evidence[path] ?? []
    let file = ''
    const shown = places.map((place) => {
      const colon = place.lastIndexOf(':')
      const [where, line] = [place.slice(0, colon), place.slice(colon)]
      const text = where === file ? line : `${where}${line}`
      file = where
      return text
    })
    return `${path.padEnd(width)}  ← ${shown.join(', ') || '(no line)'}`
  })
}

/** The paths a spec names without changing them: `src/b.ts  ← SPEC-065-x.md:12 (reuse)`. */
function notCountedLines(uncounted: Record<string, string[]>): string[] {
  const paths = Object.keys(uncounted)
  const width = Math.min(60, Math.max(...paths.map((path) => path.length)))
  return paths.map((path) => `${path.padEnd(width)}  ← ${uncounted[path].join(', ')}`)
}

function touchedPaths(task: PlannedTask): string[] {
  if (task.paths.length === 0) return ['(unknown)']
  const shown = task.paths.slice(0, MAX_PATHS_SHOWN)
  const hidden = task.paths.length - shown.length
  return hidden > 0 ? [...shown, `… and ${hidden} more`] : shown
}

interface OverlapWith {
  other: number
  paths: string[]
}

function overlapsByPriority(plan: Plan): Map<number, OverlapWith[]> {
  const byPriority = new Map<number, OverlapWith[]>()
  const add = (priority: number, entry: OverlapWith): void => {
    const list = byPriority.get(priority) ?? []
    list.push(entry)
    byPriority.set(priority, list)
  }
  for (const [key, paths] of Object.entries(plan.separation.conflicts)) {
    const [first, second] = key.split(',').map(Number)
    add(first, { other: second, paths })
    add(second, { other: first, paths })
  }
  const order = new Map(plan.tasks.map((task, index) => [task.priority, index]))
  for (const list of byPriority.values()) {
    list.sort((a, b) => (order.get(a.other) ?? 0) - (order.get(b.other) ?? 0))
  }
  return byPriority
}

function describeOverlaps(
  task: PlannedTask,
  overlaps: OverlapWith[],
  tasks: readonly PlannedTask[]
): string[] {
  if (task.paths.length === 0) {
    return [`every other priority: this priority's scope is unknown`]
  }
  const byPriority = new Map(tasks.map((other) => [other.priority, other]))
  const lines = overlaps.slice(0, MAX_OVERLAPS_SHOWN).map(({ other, paths }) => {
    if (paths.includes(UNKNOWN_SCOPE)) return `${other} (its scope is unknown)`
    const shown = paths.slice(0, MAX_SHARED_SHOWN).map((path) => {
      const here = coveringEntry(task, path)
      const there = coveringEntry(byPriority.get(other), path)
      const via = [here && `here: ${here}`, there && `${other}: ${there}`].filter(Boolean)
      return via.length ? `${path} (${via.join('; ')})` : path
    })
    const more =
      paths.length > MAX_SHARED_SHOWN ? ` and ${paths.length - MAX_SHARED_SHOWN} more` : ''
    return `${other} on ${shown.join(', ')}${more}`
  })
  const hidden = overlaps.length - lines.length
  return hidden > 0 ? [...lines, `… and ${hidden} more priorities`] : lines
}

/** The folder or glob through which a task touches a shared path, when not the path itself. */
function coveringEntry(task: PlannedTask | undefined, shared: string): string | null {
  if (!task || task.paths.includes(shared)) return null
  const target = parsePattern(shared)
  return task.paths.find((path) => overlapOf(parsePattern(path), target) !== null) ?? null
}

function field(label: string, values: string[]): string {
  const pad = ' '.repeat(LABEL_WIDTH + 2)
  return values
    .map((value, index) =>
      index === 0 ? `  ${`${label}:`.padEnd(LABEL_WIDTH)}${value}` : `${pad}${value}`
    )
    .join('\n')
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}
