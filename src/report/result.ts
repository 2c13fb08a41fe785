import type { RunResult, Separation, Settings, TaskResult } from '../engine/types.js'

/** The contract's merge_results text for one task. */
export function mergeResultText(task: TaskResult): string {
  switch (task.merge) {
    case 'merged':
      return 'merged successfully'
    case 'conflict':
      return `merge conflict: ${task.conflict_files.join(', ')}`
    case 'failed':
      return `merge failed: ${task.error ?? 'unknown error'}`
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
  warnings: string[] = []
): RunResult {
  const total = Date.now() - began
  const sum = tasks.reduce((acc, task) => acc + task.duration_ms, 0)
  return {
    success: tasks.length > 0 && tasks.every((task) => task.merge === 'merged'),
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
    warnings
  }
}

/** The outputs of the contract: result, and the comma-separated ID lists. */
export function resultOutputs(result: RunResult): Record<string, string> {
  const ids = (keep: (task: TaskResult) => boolean): string =>
    result.tasks
      .filter(keep)
      .map((task) => task.priority)
      .join(',')
  return {
    result: JSON.stringify(result),
    merged: ids((task) => task.merge === 'merged'),
    failed: ids(
      (task) =>
        ['failed', 'timed-out', 'cancelled', 'no-changes'].includes(task.status) ||
        task.merge === 'failed'
    ),
    conflicted: ids((task) => task.merge === 'conflict'),
    skipped: ids((task) => task.status === 'skipped')
  }
}
