import type { StartLimitChange, TaskResult } from '../core/types.js'
import { describeStartLimitChange } from '../core/start-limit-text.js'
import { formatUsd, totalUsage, usageCell } from '../core/usage.js'
import { renderWithin, type Section } from './bounded-document.js'
import { clockTime, code, escapeInline, formatDuration, plural, truncate } from './format.js'
import { OUTCOME_ICON, outcomeOf, statusCell, type Outcome } from './outcome.js'
import { mergeCell } from './summary.js'

/** What the live check run shows of a run still going: the engine's tasks, as they change. */
export interface LiveRunView {
  baseBranch: string
  /** The commit the run started from (the check run's head). */
  baseCommit: string
  tasks: readonly TaskResult[]
  /** The plan's waves, in order. */
  waves: readonly (readonly number[])[]
  /** A job of a fan-out; absent in run mode, where one job does it all. */
  job?: FanOutJob
  /** The start limit's changes so far (agents backing off after rate limits), oldest first. */
  startLimitChanges?: readonly StartLimitChange[]
  /** Finished work goes through the merge queue (a run with `merge: true`, the merge job). */
  merging?: boolean
}

/**
 * A job of a fan-out across runners: a task job (one priority's agent, its branch pushed) or
 * the merge job (the queue that merges what the task jobs pushed).
 */
export type FanOutJob = { role: 'task'; priority: number } | { role: 'merge' }

/** GitHub refuses a check run's `output.summary` above 65,535 characters. */
export const CHECK_SUMMARY_LIMIT_CHARS = 65_535
const LAST_LINE_CHARS = 100
const CONFLICT_FILES_NAMED = 3

/** Outcomes counted together in the title, in the order they are named. */
const TITLE_GROUPS: [string, Outcome[]][] = [
  ['running', ['running']],
  ['queued', ['pending']],
  ['conflicted', ['conflict']],
  ['failed', ['failed', 'timed-out', 'merge-failed', 'verify-failed']],
  ['cancelled', ['cancelled']],
  ['made no changes', ['no-changes']],
  ['skipped', ['skipped']],
  ['not merged', ['completed']]
]

/**
 * The counts in one line: `5 of 8 merged · 2 running · 1 failed · $3.10`. `unmergedWord`
 * names the completed priorities not merged (a merge queue still going says "to merge").
 */
export function liveTitle(tasks: readonly TaskResult[], unmergedWord = 'not merged'): string {
  const outcomes = tasks.map(outcomeOf)
  const merged = outcomes.filter((outcome) => outcome === 'merged').length
  const parts = [`${merged} of ${tasks.length} merged`]
  for (const [word, group] of TITLE_GROUPS) {
    const count = outcomes.filter((outcome) => group.includes(outcome)).length
    if (count > 0) parts.push(`${count} ${word === 'not merged' ? unmergedWord : word}`)
  }
  const cost = totalUsage(tasks).cost_usd
  if (cost !== null) parts.push(formatUsd(cost))
  return parts.join(' · ')
}

/** How long a task ran, or has been running so far. */
function durationCell(task: TaskResult, now: number): string {
  if (task.status === 'running' && task.started_at) {
    return `${formatDuration(now - Date.parse(task.started_at))} so far`
  }
  return task.started_at ? formatDuration(task.duration_ms) : '—'
}

/** The line, escaped, in about LAST_LINE_CHARS characters (escaping may make it longer). */
function lastLineCell(line: string): string {
  const cell = escapeInline(truncate(line.trim(), LAST_LINE_CHARS))
  if (cell.length <= LAST_LINE_CHARS * 1.5) return cell
  const shorter = Math.floor((LAST_LINE_CHARS * LAST_LINE_CHARS) / cell.length)
  return escapeInline(truncate(line.trim(), shorter))
}

/** The merge, or that a finished task waits its turn in the queue. */
function liveMergeCell(task: TaskResult, queued: boolean): string {
  if (queued && task.merge === 'not-merged' && task.status === 'completed' && task.commits > 0) {
    return '⏳ to merge'
  }
  return mergeCell(task)
}

/**
 * What to read of a task beyond its status: a running agent's last log line, or why a task
 * that ended badly did (the first line of its error), so nobody opens a log for it.
 */
function noteCell(task: TaskResult, lastLines: ReadonlyMap<number, string>): string {
  const last = lastLines.get(task.priority)
  if (task.status === 'running') return last ? lastLineCell(last) : ''
  if (task.merge === 'conflict' && task.conflict_files.length) {
    const named = task.conflict_files.slice(0, CONFLICT_FILES_NAMED).map(code).join(', ')
    const more = task.conflict_files.length - CONFLICT_FILES_NAMED
    return `conflicts in ${named}${more > 0 ? ` and ${more} more` : ''}`
  }
  if (task.error && task.merge !== 'merged') return lastLineCell(task.error.split('\n')[0])
  return ''
}

interface Column {
  head: string
  align: string
  cell: (task: TaskResult) => string
  /** Shown only when some task has something to show in it. */
  optional?: boolean
}

function columns(
  now: number,
  lastLines: ReadonlyMap<number, string>,
  mergesQueued: boolean
): Column[] {
  return [
    { head: 'Priority', align: '---:', cell: (task) => String(task.priority) },
    {
      head: 'Status',
      align: '---',
      cell: (task) => `${statusCell(task).icon} ${statusCell(task).word}`
    },
    { head: 'Duration', align: '---:', cell: (task) => durationCell(task, now) },
    { head: 'Merge', align: '---', cell: (task) => liveMergeCell(task, mergesQueued) },
    { head: 'Cost', align: '---:', cell: (task) => usageCell(task.usage) ?? '', optional: true },
    {
      head: 'Last line or error',
      align: '---',
      cell: (task) => noteCell(task, lastLines),
      optional: true
    }
  ]
}

/** The table's columns, without an optional one no task fills. */
function shownColumns(tasks: readonly TaskResult[], all: Column[]): Column[] {
  return all.filter((column) => !column.optional || tasks.some((task) => column.cell(task) !== ''))
}

/** The latest changes of the start limit, newest first: the limit now is the first line's. */
function startLimitSection(view: LiveRunView): Section | null {
  const changes = view.startLimitChanges ?? []
  if (!changes.length) return null
  return {
    name: 'Start limit',
    head: '### Start limit\n',
    items: [...changes]
      .reverse()
      .map(
        (change) => `- ${escapeInline(describeStartLimitChange(change))} (${clockTime(change.at)})`
      ),
    tail: '',
    leftOutNote: (count) => `- _… and ${plural(count, 'earlier change')}_`
  }
}

function wavesSection(view: LiveRunView): Section | null {
  if (!view.waves.length) return null
  const byPriority = new Map(view.tasks.map((task) => [task.priority, task]))
  const mark = (priority: number): string => {
    const task = byPriority.get(priority)
    return task ? `${OUTCOME_ICON[outcomeOf(task)]} ${priority}` : String(priority)
  }
  return {
    name: 'Waves',
    head: '### Waves\n',
    items: view.waves.map((wave, index) => `${index + 1}. ${wave.map(mark).join(' · ')}`),
    tail: '',
    leftOutNote: (count) => `_… and ${plural(count, 'more wave')}_`
  }
}

export interface LiveSummaryOptions {
  now: number
  /** The last line of each running agent's log, by priority. */
  lastLines?: ReadonlyMap<number, string>
  /** The line above the table (the final headline, once the run is over). */
  lead?: string
  /** A paragraph below the lead (where a fan-out's other jobs are). */
  note?: string
  /** The run's page, where what was left out can be read. */
  runUrl?: string
  /** Size limit in UTF-8 bytes (default: the check run's). */
  limitBytes?: number
}

/**
 * The check run's summary: every priority with its status, its duration so far, its merge,
 * its cost and the last line of a running agent, then the plan's waves; within the API's
 * limit (rows past it are dropped with a note, never cut).
 */
export function liveSummary(view: LiveRunView, options: LiveSummaryOptions): string {
  const lastLines = options.lastLines ?? new Map<number, string>()
  // Once the run is over (a lead is given), a completed task not merged waits for nothing.
  const mergesQueued = view.merging === true && options.lead === undefined
  const table = shownColumns(view.tasks, columns(options.now, lastLines, mergesQueued))
  const lead =
    options.lead ??
    `Started from ${code(view.baseCommit.slice(0, 7))} of ${code(view.baseBranch)}; updated ${new Date(options.now).toISOString().slice(11, 19)} UTC.`
  const sections: Section[] = [
    { name: 'Headline', head: `${lead}\n${options.note ? `\n${options.note}\n` : ''}`, items: [] },
    {
      name: 'Priorities table',
      head: [
        `| ${table.map((column) => column.head).join(' | ')} |`,
        `|${table.map((column) => column.align).join('|')}|`
      ].join('\n'),
      items: view.tasks.map(
        (task) => `| ${table.map((column) => column.cell(task) || '—').join(' | ')} |`
      ),
      tail: '',
      leftOutNote: (count) =>
        `\n_… and ${plural(count, 'more priority', 'more priorities')} (size limit)._`
    }
  ]
  const limits = startLimitSection(view)
  if (limits) sections.push(limits)
  const waves = wavesSection(view)
  if (waves) sections.push(waves)
  const whereElse = options.runUrl
    ? `The job summary of [this run](${options.runUrl}) has every priority.`
    : 'The job summary has every priority.'
  return renderWithin(sections, options.limitBytes ?? CHECK_SUMMARY_LIMIT_CHARS, whereElse)
}
