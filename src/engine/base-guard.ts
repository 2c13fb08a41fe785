import type { GitCommandManager } from '../git/git-command-manager.js'
import { keepCommit } from '../git/kept-refs.js'

/**
 * Base as the run found it and moved it. Merges only ever move base forward, so a base whose
 * tip no longer descends from the last tip the run knew (where it started, or its own latest
 * merge) was moved by someone else (an agent's `update-ref`, `branch -f`, `push --force`): the
 * commits it held may now be reachable from nothing. That tip is then kept under
 * refs/parallel-worktree/base/, the result's warnings name it, and nothing is merged onto the
 * moved base (that would build on history the user never had).
 */
export class BaseGuard {
  private problem: string | null = null
  /** The newest tip of base known to be the run's: where it started, or a merge it made. */
  private lastGood: string | null

  private constructor(
    private readonly git: GitCommandManager,
    private readonly baseBranch: string,
    private readonly startTip: string | null
  ) {
    this.lastGood = startTip
  }

  static async start(git: GitCommandManager, baseBranch: string): Promise<BaseGuard> {
    return new BaseGuard(git, baseBranch, await git.resolveCommit(`refs/heads/${baseBranch}`))
  }

  /**
   * A merge of the run landed at `commit`: it is the tip to keep should base be moved away
   * next, so that the merges made before the move are not lost with it.
   */
  async merged(commit: string | null): Promise<void> {
    if (this.problem || !commit || !this.lastGood) return
    if (await this.git.isAncestor(this.lastGood, commit)) this.lastGood = commit
  }

  /** Null while base descends from where it started; otherwise why nothing may be merged. */
  async check(): Promise<string | null> {
    if (this.problem || !this.lastGood || !this.startTip) return this.problem
    const now = await this.git.resolveCommit(`refs/heads/${this.baseBranch}`)
    if (now && (await this.git.isAncestor(this.lastGood, now))) {
      this.lastGood = now
      return null
    }
    const last = this.lastGood
    const kept = await keepCommit(this.git, 'base', this.baseBranch, last)
    // What base was moved to stays reachable too, once base is put back.
    const movedTo = now ? await keepCommit(this.git, 'moved-base', this.baseBranch, now) : null
    const where = movedTo ? `${now!.slice(0, 12)} (kept at ${movedTo})` : 'nothing (deleted)'
    const since = last === this.startTip ? 'its starting tip' : 'its last tip before the move'
    this.problem = `base branch ${this.baseBranch} was moved during the run to ${where}, which does not descend from ${since} ${last.slice(0, 12)} (an agent?): nothing was merged onto it, and that tip, with the merges made before, is kept at ${kept} (git update-ref refs/heads/${this.baseBranch} ${kept} puts it back)`
    return this.problem
  }

  /** True once base was found moved off its history. */
  get moved(): boolean {
    return this.problem !== null
  }

  /** The warning for the result, when base was moved away. */
  warnings(): string[] {
    return this.problem ? [this.problem] : []
  }
}
