import type { GitCommandManager } from '../git/git-command-manager.js'

/**
 * Where worktrees start: the tip of base-branch, never behind the commit the plan read (the
 * run's `start`, which may be origin's tip when the local branch could not follow it).
 *
 * Merges land in the local branch. A merge of a branch that started from `start` brings its
 * commits in, so once the local branch contains `start` it is the start point again.
 */
export class BaseTip {
  private constructor(
    private readonly git: GitCommandManager,
    readonly baseBranch: string,
    /** The commit the plan read; every start point descends from it. Null: the local tip. */
    private readonly start: string | null
  ) {}

  /** Start points from `start` on (the commit the plan read, see engine/base-start.ts). */
  static from(git: GitCommandManager, baseBranch: string, start: string): BaseTip {
    return new BaseTip(git, baseBranch, start)
  }

  /** A start point from the local branch alone (tests). */
  static local(git: GitCommandManager, baseBranch: string): BaseTip {
    return new BaseTip(git, baseBranch, null)
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
    const tip = await this.branchTip()
    const last = this.lastGiven
    if (last && tip !== last && !(await this.git.isAncestor(last, tip))) return last
    this.lastGiven = tip
    return tip
  }

  private async branchTip(): Promise<string> {
    const local = await this.git.requireBranchTip(this.baseBranch)
    if (!this.start || local === this.start) return local
    return (await this.git.isAncestor(this.start, local)) ? local : this.start
  }
}
