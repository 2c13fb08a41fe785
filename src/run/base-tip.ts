import type { GitCommandManager } from '../git/git-command-manager.js'
import type { Logger } from '../core/logger.js'
import { fetchSpec, originRef } from '../git/refs.js'

/**
 * The run's guard of base: once base was moved by someone else, the last tip of base that was
 * the run's (every later task starts there); null while base is the run's.
 */
export type HeldBase = () => Promise<string | null>

/**
 * Where worktrees start: the tip of base-branch. When `origin` has the branch and the local
 * one is behind it, a worktree made from the local branch would start from stale code (the
 * complaint users of similar tools make most), so the run fetches first and starts from
 * origin's tip. When the local branch is ahead of origin or has diverged from it, the local
 * one is used (it holds commits origin has not) with a warning.
 *
 * Merges land in the local branch. A merge of a branch that started from origin's tip brings
 * origin's commits in, so once the local branch contains that tip it is the start point again.
 */
export class BaseTip {
  private constructor(
    private readonly git: GitCommandManager,
    readonly baseBranch: string,
    /** origin's tip when the local branch is behind it, else null. */
    private readonly originTip: string | null,
    private readonly held?: HeldBase
  ) {}

  static async resolve(
    git: GitCommandManager,
    baseBranch: string,
    logger: Logger,
    held?: HeldBase
  ): Promise<BaseTip> {
    const originTip = await fetchOrigin(git, baseBranch, logger)
    if (!originTip) return new BaseTip(git, baseBranch, null, held)
    const local = await git.requireBranchTip(baseBranch)
    if (local === originTip) return new BaseTip(git, baseBranch, null, held)
    const [ahead, behind] = await git.aheadBehind(local, originTip)
    if (ahead === 0) {
      logger.info(
        `${baseBranch} is ${behind} commit(s) behind origin/${baseBranch}: worktrees start from origin/${baseBranch} (${originTip.slice(0, 12)})`
      )
      return new BaseTip(git, baseBranch, originTip, held)
    }
    logger.warning(
      behind === 0
        ? `${baseBranch} is ${ahead} commit(s) ahead of origin/${baseBranch}: worktrees start from the local ${baseBranch}`
        : `${baseBranch} and origin/${baseBranch} have diverged (${ahead} local, ${behind} remote commit(s)): worktrees start from the local ${baseBranch}; the remote commits are not in this run`
    )
    return new BaseTip(git, baseBranch, null, held)
  }

  /** A start point from the local branch alone, with no fetch (tests, task mode, reruns). */
  static local(git: GitCommandManager, baseBranch: string, held?: HeldBase): BaseTip {
    return new BaseTip(git, baseBranch, null, held)
  }

  /** The last start point given; every later one descends from it. */
  private lastGiven: string | null = null

  /**
   * The commit a task starting now branches from. Base only moves forward during a run (its
   * merges); when it was moved off that history (an agent's `update-ref`), tasks go on from
   * the last start point given, so that their work builds on the user's history and can be
   * merged once base is put back (the run's base guard reports the move).
   */
  async current(): Promise<string> {
    const hold = await this.held?.()
    if (hold) return hold
    const tip = await this.branchTip()
    const last = this.lastGiven
    if (last && tip !== last && !(await this.git.isAncestor(last, tip))) return last
    this.lastGiven = tip
    return tip
  }

  private async branchTip(): Promise<string> {
    const local = await this.git.requireBranchTip(this.baseBranch)
    if (!this.originTip || local === this.originTip) return local
    return (await this.git.isAncestor(this.originTip, local)) ? local : this.originTip
  }
}

/**
 * Fetches base-branch from origin into refs/remotes/origin/<base> and returns its tip; null
 * when there is no origin, origin has no such branch, or the fetch failed (a warning: the run
 * goes on from the local branch).
 */
async function fetchOrigin(
  git: GitCommandManager,
  baseBranch: string,
  logger: Logger
): Promise<string | null> {
  const remotes = await git.remotes()
  if (!remotes.includes('origin')) return null
  const tracking = originRef(baseBranch)
  logger.info(`Fetching ${baseBranch} from origin to start from its latest commit`)
  const fetched = await git.fetch('origin', [fetchSpec(baseBranch)])
  if (fetched.exitCode !== 0) {
    if (/couldn't find remote ref/i.test(fetched.stderr)) {
      logger.info(`origin has no branch ${baseBranch}: worktrees start from the local one`)
    } else {
      logger.warning(
        `Could not fetch ${baseBranch} from origin (${fetched.stderr.trim().split('\n').at(-1) ?? `exit ${fetched.exitCode}`}): worktrees start from the local ${baseBranch}, which may be behind`
      )
    }
    return null
  }
  return git.resolveCommit(tracking)
}
