import { pushResults, type RefPush } from '../merge/push.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { madeBranchState, verifyFailedRef } from '../git/kept-refs.js'
import type { Logger } from '../core/logger.js'
import type { Settings, TaskResult } from '../core/types.js'
import { copiedFilesError, copiedFilesOn } from './copied-files.js'

/** What the push after the merges did with base. */
export interface Publication {
  /** `push: true` and base did not reach origin (refused, or origin unreachable). */
  baseNotPushed: boolean
}

/**
 * `push: true` after the merges: the base, every branch that holds unmerged work, and the
 * candidate each verify-failed priority is kept as, go to origin (branches never forced). A failure is reported as a warning and in the failing tasks: the
 * work stays on the local branches the result names. A base that did not reach origin makes
 * the run fail (see runSucceeded): on an ephemeral runner its merges would be gone.
 */
export async function pushAfterMerges(
  git: GitCommandManager,
  settings: Settings,
  tasks: TaskResult[],
  logger: Logger,
  warnings: string[],
  options: { baseMoved?: boolean } = {}
): Promise<Publication> {
  if (!settings.push) return { baseNotPushed: false }
  // A base moved off its history (the base guard's warning) is not the run's to publish.
  const withBase = !options.baseMoved
  const kept: string[] = []
  const candidates = async (task: TaskResult): Promise<string[]> => {
    // A re-run's first branch (`<branch>-conflicted`) was made by this run: published too,
    // so that the summary's commands to reproduce it work from any clone.
    const earlier: string[] = []
    for (const branch of task.kept_branches ?? [])
      if (await git.branchTip(branch)) earlier.push(branch)
    if (task.merge === 'merged') return earlier
    const tip = await git.branchTip(task.branch)
    if (!tip) return earlier
    // In run mode, a branch of that name that this tool did not make (refused for resume,
    // someone else's) is not published. Merge mode's branches came from origin.
    if (settings.mode === 'run' && (await madeBranchState(git, task.branch, tip)) !== 'made') {
      return earlier
    }
    return [task.branch, ...earlier]
  }
  for (const task of tasks) {
    for (const branch of await candidates(task)) {
      const copied = await copiedFilesOn(git, settings, branch)
      if (copied.length === 0) {
        kept.push(branch)
        continue
      }
      const why = copiedFilesError(branch, copied, 'pushed')
      if (!task.error?.includes(why)) {
        task.error = [task.error, why].filter(Boolean).join('; ')
      }
      warnings.push(`push: ${why}`)
    }
  }
  // A failed verify candidate goes along with its branch (never without it: a branch holding
  // copied files is not pushed, nor is a merge of it).
  const keptRefs: string[] = []
  for (const task of tasks) {
    const ref = verifyFailedRef(task.priority)
    if (
      task.merge === 'verify-failed' &&
      kept.includes(task.branch) &&
      (await git.resolveCommit(ref))
    )
      keptRefs.push(ref)
  }
  const outcome = await pushResults(git, {
    baseBranch: settings.baseBranch,
    keptBranches: kept,
    keptRefs,
    withBase,
    logger
  })
  if (!withBase) {
    warnings.push(`push: ${settings.baseBranch} was not pushed, as it was moved off its history`)
  }
  // pushResults has said what it pushed ("Pushed … to origin"): said once.
  if (outcome.pushed) return { baseNotPushed: false }
  const baseNotPushed = withBase && !outcome.base.pushed
  if (baseNotPushed) warnings.push(basePushWarning(settings.baseBranch, outcome.base))
  const others = [...outcome.branches, ...outcome.refs].filter((ref) => !ref.pushed)
  if (others.length) warnings.push(`push: ${others.map(refFailure).join('; ')}`)
  for (const ref of outcome.branches) {
    const task = tasks.find((t) => t.branch === ref.branch)
    if (task && ref.error) {
      const rescued = ref.rescuedAs ? ` (its commits are on origin as ${ref.rescuedAs})` : ''
      task.error = [task.error, `push of ${ref.branch} failed: ${ref.error}${rescued}`]
        .filter(Boolean)
        .join('; ')
    }
  }
  return { baseNotPushed }
}

/** Why base is not on origin, and where its merges are now (the rescue branch, or only here). */
function basePushWarning(baseBranch: string, base: RefPush): string {
  const commit = base.commit ? ` ${base.commit.slice(0, 12)}` : ''
  const where = base.rescuedAs
    ? `its merges are on origin only as the rescue branch ${base.rescuedAs} (merge it into origin's ${baseBranch} by hand, then push)`
    : `its merges are only in this repository's ${baseBranch}${commit} (no rescue branch reached origin)`
  return `push: ${baseBranch}${commit} was not pushed to origin (${base.error ?? 'unknown error'}), so the run is not a success; ${where}`
}

function refFailure(ref: RefPush): string {
  return `${ref.branch}: ${ref.error}${ref.rescuedAs ? ` (its commit was pushed as ${ref.rescuedAs})` : ''}`
}

/** After a fan-out merge with push: merged branches leave origin too (their work is in base). */
export async function deleteMergedRemoteBranches(
  git: GitCommandManager,
  tasks: TaskResult[],
  logger: Logger
): Promise<void> {
  // Not the branch of a priority an earlier run merged: what is on origin under its name now
  // is not this run's to delete.
  const merged = tasks
    .filter((task) => task.merge === 'merged' && task.status !== 'skipped')
    .map((task) => task.branch)
  if (merged.length === 0) return
  const remote = await git.deleteRemoteBranches('origin', merged)
  if (remote.exitCode !== 0)
    logger.debug(`deleting merged branches on origin: ${remote.stderr.trim()}`)
}
