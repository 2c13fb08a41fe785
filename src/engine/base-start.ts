import { InputError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'
import type { Settings } from '../core/types.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { fetchSpec, originRef } from '../git/refs.js'
import { advanceBranch } from '../merge/advance-branch.js'
import { BaseTip } from '../run/base-tip.js'
import { BaseTree } from '../plan/base-tree.js'
import { refuseBeforeChanges } from './refusals.js'

/** The one commit a mode starts from: the plan reads its tree, the first worktrees start there. */
export interface BaseStart {
  commit: string
  /** Start points of the run's tasks, from `commit` on. */
  tip: BaseTip
  /** What was fetched, moved or chosen between two tips, for the result's `warnings`. */
  warnings: string[]
}

/** Which commit to start from, chosen (after the fetch) before anything else is read. */
export interface BaseChoice {
  base: string
  commit: string
  /** The local branch's tip, when it exists. */
  local: string | null
  /** How many commits origin's tip is ahead of `local`, when `commit` is origin's tip. */
  behind: number
  warnings: string[]
}

/**
 * Where plan and run start (fetch-base). With `fetchBase`, base-branch is fetched from origin
 * first; when origin's tip is ahead of the local branch, that tip is the start. A local
 * branch ahead of origin, or diverged from it, is the start. Every choice between two tips is
 * a warning naming both. No origin, no such branch there, or a failed fetch: the local branch
 * (a failed fetch is a warning, never a failure). Nothing but origin's tracking ref changes:
 * this runs before the refusals, so that they read the same ROADMAP as the plan.
 */
export async function chooseBaseStart(
  git: GitCommandManager,
  settings: Pick<Settings, 'baseBranch' | 'fetchBase'>,
  logger: Logger
): Promise<BaseChoice> {
  const base = settings.baseBranch
  const warnings: string[] = []
  const local = await git.branchTip(base)
  const choice = (commit: string, behind = 0): BaseChoice => ({
    base,
    commit,
    local,
    behind,
    warnings
  })
  // Plan mode in a fresh clone reads origin's copy: there is no local branch to compare.
  const fallback = async (): Promise<string> => {
    const commit = local ?? (await git.resolveCommit(originRef(base)))
    if (commit) return commit
    throw new InputError(`base-branch: the branch "${base}" exists neither here nor on origin`)
  }
  if (!settings.fetchBase) return choice(await fallback())

  const originTip = await fetchOrigin(git, base, logger, warnings, local)
  if (!originTip || !local || originTip === local) return choice(originTip ?? (await fallback()))
  const both = `${base} (${short(local)}) and origin/${base} (${short(originTip)})`
  const [ahead, behind] = await git.aheadBehind(local, originTip)
  if (ahead === 0) return choice(originTip, behind)
  warnings.push(
    behind === 0
      ? `${both}: the local ${base} is ${ahead} commit(s) ahead; the plan and worktrees start from it`
      : `${both} have diverged (${ahead} local, ${behind} remote commit(s)): the plan and worktrees start from the local ${base}, which is not moved; origin's ${behind} commit(s) are not in this run`
  )
  return choice(local)
}

/**
 * The start chosen, made true: when it is origin's tip ahead of the local branch, the local
 * branch is fast-forwarded to it (with `moveLocal`, in the modes that change the repository;
 * a checkout of it follows as a merge's does, or the move is refused and named). The
 * warnings are logged.
 */
export async function startFromBase(
  git: GitCommandManager,
  choice: BaseChoice,
  logger: Logger,
  options: { moveLocal: boolean }
): Promise<BaseStart> {
  const { base, commit, local, warnings } = choice
  if (local && commit !== local && choice.behind > 0) {
    const from = `${base} (${short(local)}) is ${choice.behind} commit(s) behind origin/${base} (${short(commit)}): the plan and worktrees start from origin/${base} ${short(commit)}`
    if (!options.moveLocal) {
      warnings.push(`${from}; a run fast-forwards the local ${base} to it`)
    } else {
      const moved = await advanceBranch(git, {
        branch: base,
        from: local,
        to: commit,
        reason: `parallel-worktree: fast-forward to origin/${base}`,
        remedy: `run git merge --ff-only origin/${base} there`
      })
      warnings.push(
        moved.ok
          ? `${from}, and the local ${base} was fast-forwarded from ${short(local)} to it` +
              (moved.checkout ? ` (its checkout ${moved.checkout} too)` : '')
          : `${from}; the local ${base} could not be fast-forwarded and stays at ${short(local)} until a merge brings origin's commits: ${moved.error}`
      )
    }
  }
  for (const warning of warnings) logger.warning(warning)
  return { commit, tip: BaseTip.from(git, base, commit), warnings }
}

/**
 * Fetches base-branch from origin into refs/remotes/origin/<base> and returns its tip; null
 * when there is no origin or no such branch there (nothing can be stale), or when the fetch
 * failed (a warning: the run goes on from the local branch).
 */
async function fetchOrigin(
  git: GitCommandManager,
  base: string,
  logger: Logger,
  warnings: string[],
  local: string | null
): Promise<string | null> {
  if (!(await git.remotes()).includes('origin')) return null
  logger.info(`Fetching ${base} from origin to start from its latest commit`)
  const fetched = await git.fetch('origin', [fetchSpec(base)])
  if (fetched.exitCode === 0) return git.resolveCommit(originRef(base))
  if (/couldn't find remote ref/i.test(fetched.stderr)) {
    logger.info(`origin has no branch ${base}: the plan and worktrees start from the local one`)
  } else {
    const said = fetched.stderr.trim().split('\n').at(-1) || `exit ${fetched.exitCode}`
    const where = local ? `the local ${base} (${short(local)})` : `origin/${base} as last fetched`
    warnings.push(
      `Could not fetch ${base} from origin (${said}): the plan and worktrees start from ${where}, which may be behind`
    )
  }
  return null
}

function short(commit: string): string {
  return commit.slice(0, 12)
}

/** Where a run starts, and that commit's tree: read once, by the refusals and then the plan. */
export interface CheckedStart {
  choice: BaseChoice
  tree: BaseTree
}

/**
 * Before anything changes: where the run starts (fetch-base), that commit's tree, and the
 * refusals checked against it (every mode asks this first).
 */
export async function chooseCheckedStart(
  git: GitCommandManager,
  settings: Settings,
  logger: Logger,
  options: { env?: NodeJS.ProcessEnv; agentsRun: boolean }
): Promise<CheckedStart> {
  const choice = await chooseBaseStart(git, settings, logger)
  const tree = await BaseTree.read(git, settings.baseBranch, choice.commit)
  await refuseBeforeChanges(settings, git, { ...options, baseCommit: choice.commit, tree })
  return { choice, tree }
}
