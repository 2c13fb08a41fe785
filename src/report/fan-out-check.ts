import { formatUsd } from '../core/usage.js'
import { code, plural } from './format.js'
import { liveTitle, type LiveRunView } from './live-summary.js'
import { statusCell } from './outcome.js'

/** The one check run of a run (and of a fan-out's merge job), by this name. */
export const CHECK_RUN_NAME = 'parallel-worktree'

/**
 * The check run's name: `parallel-worktree` for a run and for a fan-out's merge job,
 * `parallel-worktree (priority 3)` for a task job, so that the jobs of one workflow run (one
 * check suite) are told apart.
 */
export function checkRunName(view: Pick<LiveRunView, 'job'>): string {
  return view.job?.role === 'task'
    ? `${CHECK_RUN_NAME} (priority ${view.job.priority})`
    : CHECK_RUN_NAME
}

/** The check run's title: the counts, or for a task job its one priority's state. */
export function checkRunTitle(view: LiveRunView, final: boolean): string {
  const job = view.job
  if (job?.role === 'merge') return liveTitle(view.tasks, final ? 'not merged' : 'to merge')
  if (job?.role !== 'task') return liveTitle(view.tasks)
  const task = view.tasks.find((t) => t.priority === job.priority)
  if (!task) return `PRIORITY ${job.priority}`
  const { icon, word } = statusCell(task)
  const parts = [`PRIORITY ${task.priority}: ${icon} ${word}`]
  if (task.commits > 0) parts.push(plural(task.commits, 'commit'))
  if (task.attempts > 1) parts.push(`attempt ${task.attempts}`)
  if (task.usage?.cost_usd != null) parts.push(formatUsd(task.usage.cost_usd))
  return parts.join(' · ')
}

/**
 * Where a fan-out's other jobs are, for the summary: every job of the workflow run (the plan
 * job, which holds the waves, each task job and the merge job) is on the run's page, and
 * their check runs share one check suite. Undefined outside a fan-out.
 */
export function fanOutNote(view: LiveRunView, runUrl: string | undefined): string | undefined {
  const job = view.job
  if (!job) return undefined
  const base = code(view.baseBranch)
  const jobs = runUrl ? `[this workflow run](${runUrl})` : 'this workflow run'
  if (job.role === 'task') {
    const task = view.tasks.find((t) => t.priority === job.priority)
    const branch = task ? `, ${code(task.branch)}` : ''
    return (
      `One job of a fan-out: it runs PRIORITY ${job.priority}'s agent and pushes its branch${branch}; ` +
      `the merge job's check run, ${code(CHECK_RUN_NAME)}, merges it into ${base}. ` +
      `The plan job (the waves), every other priority's job (${code(`${CHECK_RUN_NAME} (priority n)`)}) and the merge job: ${jobs}.`
    )
  }
  return (
    `The merge job of a fan-out: it merges into ${base} the branches the task jobs pushed ` +
    `(${plural(view.tasks.length, 'priority', 'priorities')}). ` +
    `The plan job (the waves) and each task job (${code(`${CHECK_RUN_NAME} (priority n)`)}, its agent's log and cost): ${jobs}.`
  )
}
