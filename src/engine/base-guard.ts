import type { GitCommandManager } from '../git/git-command-manager.js'
import { keepCommit } from '../git/kept-refs.js'

/**
 * Base as the run found it. Merges only ever move base forward, so a base whose tip no longer
 * descends from the run's starting tip was moved by someone else (an agent's `update-ref`,
 * `branch -f`, `push --force`): the commits it held may now be reachable from nothing. The
 * old tip is then kept under refs/parallel-worktree/base/, the result's warnings name it, and
 * nothing is merged onto the moved base (that would build on history the user never had).
 */
export class BaseGuard {
  private problem: string | null = null

  private constructor(
    private readonly git: GitCommandManager,
    private readonly baseBranch: string,
    private readonly startTip: string | null
  ) {}

  static async start(git: GitCommandManager, baseBranch: string): Promise<BaseGuard> {
    return new BaseGuard(git, baseBranch, await git.resolveCommit(`refs/heads/${baseBranch}`))
  }

  /** Null while base descends from where it started; otherwise why nothing may be merged. */
  async check(): Promise<string | null> {
    if (this.problem || !this.startTip) return this.problem
    const now = await this.git.resolveCommit(`refs/heads/${this.baseBranch}`)
    if (now && (await this.git.isAncestor(this.startTip, now))) return null
    const kept = await keepCommit(this.git, 'base', this.baseBranch, this.startTip)
    this.problem = `base branch ${this.baseBranch} was moved during the run to ${now ? now.slice(0, 12) : 'nothing (deleted)'}, which does not descend from its starting tip ${this.startTip.slice(0, 12)} (an agent?): nothing was merged onto it, and the old tip is kept at ${kept} (git branch -f ${this.baseBranch} ${kept} puts it back)`
    return this.problem
  }

  /** The warning for the result, when base was moved away. */
  warnings(): string[] {
    return this.problem ? [this.problem] : []
  }
}
