import { pushResults } from '../merge/push.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import type { Logger } from '../core/logger.js'
import type { Settings, TaskResult } from '../core/types.js'
import { copiedFilesError, copiedFilesOn } from './copied-files.js'

/**
 * `push: true` after the merges: the base, and every branch that holds unmerged work, go to
 * origin (never forced). A failure is reported as a warning and in the failing tasks: the
 * work stays on the local branches the result names.
 */
export async function pushAfterMerges(
  git: GitCommandManager,
  settings: Settings,
  tasks: TaskResult[],
  logger: Logger,
  warnings: string[],
  options: { baseMoved?: boolean } = {}
): Promise<void> {
  if (!settings.push) return
  // A base moved off its history (the base guard's warning) is not the run's to publish.
  const withBase = !options.baseMoved
  const kept: string[] = []
  for (const task of tasks) {
    if (task.merge === 'merged') continue
    if (!(await git.branchExists(task.branch))) continue
    const copied = await copiedFilesOn(git, settings, task.branch)
    if (copied.length === 0) kept.push(task.branch)
    else {
      const why = copiedFilesError(task.branch, copied, 'pushed')
      if (!task.error?.includes(why)) {
        task.error = [task.error, why].filter(Boolean).join('; ')
      }
      warnings.push(`push: ${why}`)
    }
  }
  const outcome = await pushResults(git, {
    baseBranch: settings.baseBranch,
    keptBranches: kept,
    withBase,
    logger
  })
  if (!withBase) {
    warnings.push(`push: ${settings.baseBranch} was not pushed, as it was moved off its history`)
  }
  if (outcome.pushed) {
    const pushed = [...(withBase ? [settings.baseBranch] : []), ...kept]
    if (pushed.length) logger.info(`Pushed ${pushed.join(', ')} to origin`)
    return
  }
  warnings.push(`push: ${outcome.error ?? 'not everything reached origin'}`)
  for (const ref of outcome.branches) {
    const task = tasks.find((t) => t.branch === ref.branch)
    if (task && ref.error) {
      const rescued = ref.rescuedAs ? ` (its commits are on origin as ${ref.rescuedAs})` : ''
      task.error = [task.error, `push of ${ref.branch} failed: ${ref.error}${rescued}`]
        .filter(Boolean)
        .join('; ')
    }
  }
}

/** After a fan-out merge with push: merged branches leave origin too (their work is in base). */
export async function deleteMergedRemoteBranches(
  git: GitCommandManager,
  tasks: TaskResult[],
  logger: Logger
): Promise<void> {
  const merged = tasks.filter((task) => task.merge === 'merged').map((task) => task.branch)
  if (merged.length === 0) return
  const remote = await git.deleteRemoteBranches('origin', merged)
  if (remote.exitCode !== 0)
    logger.debug(`deleting merged branches on origin: ${remote.stderr.trim()}`)
}
