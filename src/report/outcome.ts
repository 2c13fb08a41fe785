import type { RunResult, TaskResult, TaskStatus } from '../core/types.js'

/**
 * What became of one priority, in one word: its status, refined by its merge. Every report
 * (summary, terminal, annotations, comment) sorts priorities by this.
 */
export type Outcome = TaskStatus | 'merged' | 'conflict' | 'merge-failed' | 'verify-failed'

export function outcomeOf(task: TaskResult): Outcome {
  if (task.merge === 'merged') return 'merged'
  if (task.merge === 'conflict') return 'conflict'
  if (task.merge === 'failed') return 'merge-failed'
  if (task.merge === 'verify-failed') return 'verify-failed'
  return task.status
}

/** Outcomes of a completed agent whose work did not land, in their own words. */
const NOT_LANDED = new Set<Outcome>(['conflict', 'merge-failed', 'verify-failed'])

/**
 * The status column: the agent's status, except when its work then failed to land. An agent
 * that completed but whose merge failed verify-command (or conflicted, or failed) is not shown
 * as ✅ completed: the column says what went wrong.
 */
export function statusCell(task: TaskResult): { icon: string; word: string } {
  const outcome = outcomeOf(task)
  if (task.status === 'completed' && NOT_LANDED.has(outcome))
    return { icon: OUTCOME_ICON[outcome], word: outcome }
  return { icon: OUTCOME_ICON[task.status] ?? '', word: task.status }
}

/** Whether the agent's exit code explains the failure (not when the agent exited 0 and its merge failed). */
export function exitExplains(task: TaskResult): boolean {
  return task.exit_code !== null && !NOT_LANDED.has(outcomeOf(task))
}

export const OUTCOME_ICON: Record<Outcome, string> = {
  merged: '✅',
  conflict: '⚔️',
  'merge-failed': '❌',
  'verify-failed': '🧪',
  completed: '✅',
  failed: '❌',
  'timed-out': '⏱️',
  cancelled: '🛑',
  'no-changes': '⚪',
  skipped: '⏭️',
  pending: '⏳',
  running: '🏃'
}

/** How the outcome reads in a sentence ("2 conflicted"). */
export const OUTCOME_WORD: Record<Outcome, string> = {
  merged: 'merged',
  conflict: 'conflicted',
  'merge-failed': 'failed to merge',
  'verify-failed': 'failed verify-command',
  completed: 'completed, not merged',
  failed: 'failed',
  'timed-out': 'timed out',
  cancelled: 'cancelled',
  'no-changes': 'made no changes',
  skipped: 'skipped',
  pending: 'pending',
  running: 'still running'
}

/** Worst first: the order in which a reader should look at them. */
const SEVERITY: Outcome[] = [
  'conflict',
  'merge-failed',
  'verify-failed',
  'failed',
  'timed-out',
  'cancelled',
  'no-changes',
  'skipped',
  'completed',
  'running',
  'pending',
  'merged'
]

/** The number of priorities per outcome, worst first, leaving out the empty ones. */
export function countOutcomes(result: RunResult): [Outcome, number][] {
  const counts = new Map<Outcome, number>()
  for (const task of result.tasks) {
    const outcome = outcomeOf(task)
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1)
  }
  return SEVERITY.filter((outcome) => counts.has(outcome)).map((outcome) => [
    outcome,
    counts.get(outcome)!
  ])
}
