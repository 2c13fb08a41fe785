import type { RunResult, Separation, Settings, TaskResult, VerifyReport } from '../core/types.js'
import { runSucceeded, taskFailed } from '../run/verdict.js'
import { totalUsage } from '../core/usage.js'

/** The contract's merge_results text for one task. */
export function mergeResultText(task: TaskResult): string {
  switch (task.merge) {
    case 'merged':
      return 'merged successfully'
    case 'conflict':
      return `merge conflict: ${task.conflict_files.join(', ')}`
    case 'failed':
      return `merge failed: ${task.error ?? 'unknown error'}`
    case 'verify-failed':
      return `not merged: verify-command failed with it (${task.error ?? 'see the log'})`
    default:
      return task.status === 'completed'
        ? 'not merged (merge is off)'
        : `not merged: ${task.status}`
  }
}

/** The result JSON of the contract, from the tasks as they ended. */
export function buildResult(
  settings: Settings,
  separation: Separation,
  tasks: TaskResult[],
  began: number,
  warnings: string[] = [],
  verify: VerifyReport | null = null,
  publication: { baseNotPushed: boolean } = { baseNotPushed: false }
): RunResult {
  const total = Date.now() - began
  const sum = tasks.reduce((acc, task) => acc + task.duration_ms + earlierRunsMs(task), 0)
  return {
    success: runSucceeded(tasks, publication),
    mode: settings.mode,
    base_branch: settings.baseBranch,
    priorities_requested: settings.priorities,
    priorities_executed: tasks
      .filter((task) => task.started_at !== null)
      .map((task) => task.priority),
    separation,
    tasks,
    merge_results: Object.fromEntries(
      tasks.map((task) => [String(task.priority), mergeResultText(task)])
    ),
    timings: {
      total_ms: total,
      sum_of_tasks_ms: sum,
      speedup: total > 0 ? Math.round((sum / total) * 100) / 100 : 0
    },
    warnings,
    usage: totalUsage(tasks),
    max_cost_usd: settings.maxCostUsd ?? null,
    verify_runs: verify?.runs ?? 0,
    verify
  }
}

/**
 * The agent time of a priority's earlier runs (a conflict re-run's first run): `duration_ms`
 * is the last run's only, and the timings count every run.
 */
export function earlierRunsMs(task: TaskResult): number {
  const lastRun = task.started_at ? Date.parse(task.started_at) : Number.NaN
  if (Number.isNaN(lastRun)) return 0
  return (task.attempt_spans ?? []).reduce((acc, attempt) => {
    const start = Date.parse(attempt.started_at)
    const end = Date.parse(attempt.ended_at)
    return end <= lastRun && end >= start ? acc + end - start : acc
  }, 0)
}

/** A step output is at most 1 MB; the `result` output is kept under this. */
export const RESULT_OUTPUT_LIMIT_BYTES = 1_000_000 - 16_384

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`
}

function clipList(list: string[], max: number): string[] {
  return list.length <= max ? list : [...list.slice(0, max), `… (${list.length - max} more)`]
}

/** The result with long texts and path lists shortened, field names and types unchanged. */
function shortened(result: RunResult, errorChars: number, listLength: number): RunResult {
  const clipMap = (map: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(map).map(([key, list]) => [key, clipList(list, listLength)]))
  return {
    ...result,
    separation: {
      ...result.separation,
      // Every pair that conflicts does not hold is independent: the full list adds nothing.
      independent_pairs: result.separation.independent_pairs.slice(0, listLength * 100),
      conflicts: clipMap(result.separation.conflicts),
      task_file_map: clipMap(result.separation.task_file_map)
    },
    tasks: result.tasks.map((task) => ({
      ...task,
      error: task.error === null ? null : clip(task.error, errorChars),
      conflict_files: clipList(task.conflict_files, listLength)
    })),
    merge_results: Object.fromEntries(
      Object.entries(result.merge_results).map(([key, text]) => [key, clip(text, errorChars)])
    ),
    warnings: [
      ...result.warnings.map((warning) => clip(warning, errorChars)),
      'The result was shortened to fit the 1 MB limit of a step output: errors, path lists and independent_pairs are cut (a pair not in conflicts is independent); the log files hold the rest.'
    ]
  }
}

/**
 * The `result` output: the result JSON, shortened (errors, then path lists) only when it
 * would pass the 1 MB limit of a step output, so that the output is never lost.
 */
export function resultJson(result: RunResult, limitBytes = RESULT_OUTPUT_LIMIT_BYTES): string {
  const whole = JSON.stringify(result)
  if (Buffer.byteLength(whole) <= limitBytes) return whole
  for (const [errorChars, listLength] of [
    [2000, 200],
    [300, 50],
    [80, 10],
    [0, 0]
  ]) {
    const text = JSON.stringify(shortened(result, errorChars, listLength))
    if (Buffer.byteLength(text) <= limitBytes) return text
  }
  return JSON.stringify({
    ...shortened(result, 0, 0),
    tasks: [],
    warnings: ['The result was too large for a step output.']
  })
}

/**
 * The outputs of the contract: `result`, and comma-separated priority IDs in input order.
 * After a run every priority is in exactly one of merged, failed, conflicted, skipped,
 * except one that completed with `merge: false`: `completed` lists every priority whose
 * agent completed with commits, merged or not (the branches worth looking at).
 */
export function resultOutputs(result: RunResult): Record<string, string> {
  const ids = (keep: (task: TaskResult) => boolean): string =>
    result.tasks
      .filter(keep)
      .map((task) => task.priority)
      .join(',')
  return {
    result: resultJson(result),
    merged: ids((task) => task.merge === 'merged'),
    failed: ids(taskFailed),
    conflicted: ids((task) => task.merge === 'conflict'),
    // One an earlier run merged (skip-merged) is in `merged`, not here.
    skipped: ids((task) => task.status === 'skipped' && task.merge !== 'merged'),
    completed: ids((task) => task.status === 'completed'),
    // The total cost the agents reported, when any did (tokens alone give no cost).
    'cost-usd': costOutput(result)
  }
}

function costOutput(result: RunResult): string {
  const cost = (result.usage ?? totalUsage(result.tasks)).cost_usd
  return cost === null ? '' : String(cost)
}
