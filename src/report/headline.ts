import type { RunResult } from '../core/types.js'
import { code, plural } from './format.js'
import { countOutcomes, OUTCOME_WORD, outcomeOf } from './outcome.js'
import { separationInBrief } from './separation-text.js'

/** The outcome in one line (Markdown: the base branch is in backticks). */
export function headline(result: RunResult): string {
  const total = result.priorities_requested.length || result.tasks.length
  const base = code(result.base_branch)
  if (result.mode === 'plan') {
    const verdict = result.success ? '📋' : '⚠️'
    return `${verdict} Plan for ${plural(total, 'priority', 'priorities')} on ${base}: ${separationInBrief(result.separation)}`
  }
  if (result.mode === 'task' && result.tasks.length === 1) return taskHeadline(result)
  if (result.success) {
    // skip-merged: those an earlier run merged were not run again; say so.
    const before = result.tasks.filter((task) => task.status === 'skipped').length
    const earlier =
      before === 0
        ? ''
        : before === total
          ? ' by an earlier run'
          : ` (${before} of them by an earlier run)`
    return total === 1
      ? `✅ PRIORITY ${result.tasks[0]?.priority ?? ''} merged into ${base}${earlier}`
      : `✅ All ${total} priorities merged into ${base}${earlier}`
  }
  const merged = result.tasks.filter((task) => task.merge === 'merged').length
  if (merged > 0 && merged === result.tasks.length) {
    // Every merge was made, yet the run failed: base did not reach origin (see runSucceeded).
    return `❌ ${total === 1 ? `PRIORITY ${result.tasks[0].priority}` : `All ${total} priorities`} merged into ${base} here, but ${base} was not pushed to origin: see the warnings`
  }
  const rest = countOutcomes(result)
    .filter(([outcome]) => outcome !== 'merged')
    .map(([outcome, count]) => `${count} ${OUTCOME_WORD[outcome]}`)
  return `❌ ${merged} of ${plural(total, 'priority', 'priorities')} merged into ${base}${rest.length ? `: ${rest.join(', ')}` : ''}`
}

/** A matrix job's one priority: done and pushed for the merge job, or what went wrong. */
function taskHeadline(result: RunResult): string {
  const task = result.tasks[0]
  const branch = code(task.branch)
  if (task.merge === 'merged') {
    return `✅ PRIORITY ${task.priority} already merged into ${code(result.base_branch)} by an earlier run: not run again`
  }
  if (result.success) {
    return `✅ PRIORITY ${task.priority} completed: ${plural(task.commits, 'commit')} pushed on ${branch} for the merge job`
  }
  if (task.status === 'completed') {
    return `❌ PRIORITY ${task.priority} completed, but ${branch} was not pushed`
  }
  return `❌ PRIORITY ${task.priority} ${OUTCOME_WORD[outcomeOf(task)]}`
}
