import type { RunResult, TaskResult } from '../core/types.js'
import { firstLine, formatDuration, plural, shortenAtClause } from './format.js'
import type { BranchLocation } from './resolve-commands.js'
import { outcomeOf, type Outcome } from './outcome.js'

export type ProblemLevel = 'error' | 'warning' | 'notice'

/** One thing that went wrong with one priority, said once for every report. */
export interface Problem {
  priority: number
  outcome: Outcome
  level: ProblemLevel
  title: string
  message: string
  /** The file it is about (the first conflicting file), relative to the repository. */
  file?: string
}

const MESSAGE_ERROR_CHARS = 600

const LEVEL: Partial<Record<Outcome, ProblemLevel>> = {
  conflict: 'error',
  'merge-failed': 'error',
  'verify-failed': 'error',
  failed: 'error',
  'timed-out': 'error',
  cancelled: 'warning',
  'no-changes': 'warning',
  skipped: 'notice'
}

function errorText(task: TaskResult): string {
  return shortenAtClause((task.error ?? '').trim(), MESSAGE_ERROR_CHARS)
}

function logHint(task: TaskResult): string {
  return task.log_file ? ` Log: ${task.log_file}` : ''
}

function describe(task: TaskResult, outcome: Outcome, base: string): Omit<Problem, 'level'> {
  const p = task.priority
  const error = errorText(task)
  switch (outcome) {
    case 'conflict':
      return {
        priority: p,
        outcome,
        title: `PRIORITY ${p} conflicts with ${base}`,
        message:
          `${task.branch} could not be merged into ${base}: conflicts in ` +
          `${task.conflict_files.join(', ') || 'unknown files'}. The branch was kept; ` +
          'the job summary shows the commands to resolve it.',
        file: task.conflict_files[0]
      }
    case 'merge-failed':
      return {
        priority: p,
        outcome,
        title: `PRIORITY ${p} could not be merged`,
        message: `Merging ${task.branch} into ${base} failed: ${error || 'unknown error'}. The branch was kept.`
      }
    case 'verify-failed':
      return {
        priority: p,
        outcome,
        title: `PRIORITY ${p} broke verify-command`,
        message: `${task.branch} was not merged into ${base}: ${error || 'verify-command failed with it'}. The branch was kept.`
      }
    case 'failed':
      return {
        priority: p,
        outcome,
        title: `PRIORITY ${p} failed`,
        message:
          `${task.exit_code !== null ? `Exit code ${task.exit_code}` : 'Failed'}` +
          ` after ${formatDuration(task.duration_ms)}: ${error || 'no error message'}.${logHint(task)}`
      }
    case 'timed-out':
      return {
        priority: p,
        outcome,
        title: `PRIORITY ${p} timed out`,
        message: `Stopped after ${formatDuration(task.duration_ms)}: ${error || 'the agent ran past task-timeout-minutes'}.${logHint(task)}`
      }
    case 'cancelled':
      return {
        priority: p,
        outcome,
        title: `PRIORITY ${p} was cancelled`,
        message: `${error || 'The run was cancelled.'}${task.commits > 0 ? ` ${commitsKept(task)}.` : ''}${logHint(task)}`
      }
    case 'no-changes':
      return {
        priority: p,
        outcome,
        title: `PRIORITY ${p} made no changes`,
        message: `The agent exited ${task.exit_code ?? 0} but left nothing to merge on ${task.branch}.${logHint(task)}`
      }
    default:
      return {
        priority: p,
        outcome,
        title: `PRIORITY ${p} was skipped`,
        message: error || 'It was not started.'
      }
  }
}

/** Every priority that needs someone to act, in input order, one problem each. */
export function listProblems(result: RunResult): Problem[] {
  const problems: Problem[] = []
  for (const task of result.tasks) {
    const outcome = outcomeOf(task)
    const level = LEVEL[outcome]
    if (!level) continue
    problems.push({ ...describe(task, outcome, result.base_branch), level })
  }
  return problems
}

/** A one-line form of a problem's error, for a table cell or a terminal line. */
export function shortError(task: TaskResult, max = 120): string {
  return shortenAtClause(firstLine(task.error), max)
}

/**
 * `Its 1 commit is kept on <branch>` / `Its 3 commits are kept …`; on a runner whose branches
 * were not pushed, what keeping them takes instead (they go with the runner).
 */
export function commitsKept(
  task: TaskResult,
  where: BranchLocation = 'local',
  name: (text: string) => string = (text) => text
): string {
  const commits = plural(task.commits, 'commit')
  const verb = task.commits === 1 ? 'is' : 'are'
  const branch = name(task.branch)
  if (where === 'runner') {
    return `Its ${commits} ${verb} on ${branch}, which was not pushed (${name('push: false')}) and is gone with this runner; run again with ${name('push: true')} to keep such work`
  }
  return `Its ${commits} ${verb} kept on ${branch}${where === 'origin' ? ' (on origin)' : ''}`
}
