import type { GitCommandManager } from '../git/git-command-manager.js'

/**
 * The run's guard of base: once base was moved by someone else, the last tip of base that was
 * the run's (every later task starts there); null while base is the run's.
 */
export interface HeldBase {
  (): Promise<string | null>
  /**
   * Base's tip as the call just made found it on the run's history (read then, or set by the
   * run's last merge since), null otherwise: BaseTip then need not read it again. Each tip
   * given here descends from every one given before.
   */
  tipRead?: () => string | null
}

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
    private readonly start: string | null,
    private held?: HeldBase
  ) {}

  /** Start points from `start` on (the commit the plan read, see engine/base-start.ts). */
  static from(git: GitCommandManager, baseBranch: string, start: string): BaseTip {
    return new BaseTip(git, baseBranch, start)
  }

  /** A start point from the local branch alone (tests, a rerun's task). */
  static local(git: GitCommandManager, baseBranch: string, held?: HeldBase): BaseTip {
    return new BaseTip(git, baseBranch, null, held)
  }

  /** From now on, a base the guard holds (moved by an agent) gives the guard's tip. */
  holdWith(held: HeldBase): this {
    this.held = held
    return this
  }

  /** The last start point given; every later one descends from it. */
  private lastGiven: string | null = null

  /**
   * The commit a task starting now branches from. Base only moves forward during a run (its
   * merges); when it was moved off that history (an agent's `update-ref`), tasks go on from
   * the guard's last good tip (or, without a guard, the last start point given), so that their
   * work builds on the user's history and can be merged once base is put back (the run's base
   * guard reports the move).
   */
  async current(): Promise<string> {
    const hold = await this.held?.()
    if (hold) return hold
    const read = this.held?.tipRead?.() ?? null
    const local = read ?? (await this.git.requireBranchTip(this.baseBranch))
    const last = this.lastGiven
    // Every start point given descends from `start`: a tip that descends from the last one
    // given does too, and one that did not move needs no question at all, nor one the guard
    // read after the last (each tip it reads descends from the ones before).
    if (last === local) return last
    if (last) {
      const descends =
        (read !== null && this.lastFromGuard) || (await this.git.isAncestor(last, local))
      if (!descends) return last
      this.lastGiven = local
      this.lastFromGuard = read !== null
      return local
    }
    const tip =
      !this.start || local === this.start || (await this.git.isAncestor(this.start, local))
        ? local
        : this.start
    this.lastGiven = tip
    this.lastFromGuard = read !== null && tip === local
    return tip
  }

  /** Whether lastGiven is a tip the guard read (see current). */
  private lastFromGuard = false
}
