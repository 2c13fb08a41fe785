import type { RunResult, TaskResult, TaskStatus } from '../core/types.js'
import type { ProcessOutcome } from './agent-process.js'

/**
 * Where a task's success is judged, and only here: what happened to its agent (exit, signal,
 * timeout, cancel), where its work is (saved, kept, misplaced) and how many commits it added
 * become its status and error text. Run mode, task mode, merge mode and the report all ask
 * this module; none judges on its own.
 */

/** A status and the reason for it, as the result JSON shows them. */
export interface Verdict {
  status: TaskStatus
  error: string | null
}

/** What was found about an agent's work once it stopped. */
export type WorkFinding =
  /** A failed agent's uncommitted changes went into a WIP commit on its branch. */
  | { kind: 'saved'; branch: string }
  /** Uncommitted changes left in the worktree because auto-commit is off. */
  | { kind: 'kept-uncommitted'; path: string }
  /** Uncommitted changes on a detached HEAD, left in the worktree. */
  | { kind: 'kept-detached'; path: string }
  /** The auto-commit failed; the changes are left in the worktree. */
  | { kind: 'commit-failed'; path: string; error: string }
  /** The worktree ended on another branch, or detached (`branch` null). */
  | { kind: 'wrong-branch'; branch: string | null; expected: string; path: string }
  /** The agent deleted its worktree; its commits, if any, are on its branch. */
  | { kind: 'worktree-deleted'; path: string; commits: number; expected: string }

/** True when the finding means the work is not where it should be: the task fails. */
export function misplacesWork(finding: WorkFinding): boolean {
  return finding.kind !== 'saved' && finding.kind !== 'kept-uncommitted'
}

/** The finding as the task's error says it. */
export function describeFinding(finding: WorkFinding): string {
  switch (finding.kind) {
    case 'saved':
      return `its uncommitted changes were saved in a commit on ${finding.branch}`
    case 'kept-uncommitted':
      return `uncommitted changes kept in ${finding.path} (auto-commit is off)`
    case 'kept-detached':
      return `uncommitted changes on a detached HEAD kept in ${finding.path}`
    case 'commit-failed':
      return `auto-commit failed (${finding.error}); the changes are kept in ${finding.path}`
    case 'wrong-branch': {
      const where = finding.branch
        ? `branch ${finding.branch}`
        : `a detached HEAD (worktree kept: ${finding.path})`
      return `the agent left its worktree on ${where} instead of ${finding.expected}`
    }
    case 'worktree-deleted': {
      const kept = finding.commits
        ? `; its ${finding.commits} commit(s) are kept on ${finding.expected}`
        : ''
      return `the agent deleted its worktree ${finding.path}${kept}`
    }
  }
}

/** How a stopped process (the agent, or the setup command before it) ended. */
export function judgeProcess(
  outcome: ProcessOutcome,
  what: 'agent' | 'setup command',
  taskTimeoutMs: number
): Verdict {
  if (outcome.cancelled) {
    return { status: 'cancelled', error: `the run was cancelled; the ${what} was stopped` }
  }
  if (outcome.timedOut) {
    const minutes = +(taskTimeoutMs / 60_000).toFixed(2)
    return {
      status: 'timed-out',
      error: `the ${what} ran past task-timeout-minutes (${minutes}) and was stopped`
    }
  }
  if (outcome.exitCode !== 0) {
    const how = outcome.signal
      ? `was killed by ${outcome.signal}`
      : `exited with status ${outcome.exitCode}`
    const last = outcome.tail.filter((line) => line.trim()).at(-1)
    return {
      status: 'failed',
      error: `the ${what} ${how}${last ? `: ${last.trim().slice(0, 200)}` : ''}`
    }
  }
  return { status: 'completed', error: null }
}

/**
 * The task's verdict: how its process ended, failed when its work is misplaced, `no-changes`
 * when a clean exit left nothing; the error names every finding (nothing is lost unsaid).
 */
export function judgeTask(
  stopped: Verdict,
  findings: readonly WorkFinding[],
  commits: number
): Verdict {
  let verdict = stopped
  // Work that is not where it should be fails the task, whether or not its branch has any.
  if (verdict.status === 'completed' && findings.some(misplacesWork)) {
    verdict = { status: 'failed', error: null }
  }
  if (verdict.status === 'completed' && commits === 0) {
    verdict = {
      status: 'no-changes',
      error: 'the agent exited 0 but made no commit and left no change'
    }
  }
  const text = [verdict.error, ...findings.map(describeFinding)].filter(Boolean).join('; ')
  return { status: verdict.status, error: text || null }
}

/**
 * Merge mode's verdict on a task of the fan-out: the one its job recorded (null when no result
 * reached us), checked against its branch (`tip` null when the branch is neither here nor on
 * origin), or judged from the branch alone.
 */
export function judgeFromBranch(
  recorded: Verdict | null,
  branch: string,
  pushed: { tip: string | null; commits: number; inBase: boolean }
): Verdict {
  if (recorded) {
    if (recorded.status === 'completed' && !pushed.tip) {
      return {
        status: 'failed',
        error: `its job reported it completed, but the branch ${branch} is neither here nor on origin`
      }
    }
    return recorded
  }
  if (!pushed.tip) {
    return { status: 'failed', error: 'no result from its task job and no pushed branch' }
  }
  return {
    status: pushed.commits > 0 || pushed.inBase ? 'completed' : 'no-changes',
    error: 'no task result found (artifact missing); status judged from its pushed branch'
  }
}

/** A task whose branch goes to the merge (when merging is on). */
export function readyToMerge(task: TaskResult): boolean {
  return task.status === 'completed'
}

/** Outcomes that count as failed in the outputs (and make the exit status 1). */
const FAILED_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'failed',
  'timed-out',
  'cancelled',
  'no-changes'
])

/** Whether the task counts as failed in the `failed` output: its agent or its merge failed. */
export function taskFailed(task: TaskResult): boolean {
  return (
    FAILED_STATUSES.has(task.status) || task.merge === 'failed' || task.merge === 'verify-failed'
  )
}

/**
 * A run (`run` or `merge` mode) succeeds when every priority it was given merged, and, with
 * `push: true`, base reached origin: merges left only on a runner's disk are lost with it.
 */
export function runSucceeded(
  tasks: readonly TaskResult[],
  publication: { baseNotPushed: boolean } = { baseNotPushed: false }
): boolean {
  return (
    tasks.length > 0 && tasks.every((task) => task.merge === 'merged') && !publication.baseNotPushed
  )
}

/**
 * A task job (`task` mode) succeeds when its work is done and on origin: it merges nothing. A
 * priority an earlier run merged (skip-merged) has nothing left to do.
 */
export function taskJobSucceeded(task: TaskResult, pushed: boolean): boolean {
  return (task.status === 'completed' && pushed) || task.merge === 'merged'
}

/**
 * Whether the step succeeds (CLI exit 0): the run's success, or in plan mode, the plan made.
 * A plan with priorities of unknown scope is still a plan (they run last and alone); its
 * `success` field says whether every spec was found.
 */
export function stepSucceeded(result: RunResult): boolean {
  return result.mode === 'plan' || result.success
}
