import type { GitCommandManager } from '../git/git-command-manager.js'
import { dropHeldBaseTips, keepCommit, keptRef, keepUnreachable } from '../git/kept-refs.js'
import { reflogCommits } from '../git/reflog.js'
import { branchRef } from '../git/refs.js'

/**
 * Base as the run found it and moved it. Merges only ever move base forward, so a base whose
 * tip no longer descends from the last tip the run knew (where it started, or its own latest
 * merge) was moved by someone else (an agent's `update-ref`, `branch -f`, `push --force`): the
 * commits it held may now be reachable from nothing. That tip is then kept under
 * refs/parallel-worktree/base/, the result's warnings name it, and nothing is merged onto the
 * moved base (that would build on history the user never had).
 *
 * The last good tip is kept there from the start, too, and follows the run's merges: a run
 * killed before it could look (an agent moved base, then the coordinator died) leaves it, and
 * the next run refuses while base does not hold it, as after a move the run saw. A run that
 * ends with base on its history drops it (finish).
 */
export class BaseGuard {
  private problem: string | null = null
  /** The newest tip of base known to be the run's: where it started, or a merge it made. */
  private lastGood: string | null
  /** The ref that keeps lastGood while the run is under way (see the class comment). */
  private keptGood: string | null = null

  private constructor(
    private readonly git: GitCommandManager,
    private readonly baseBranch: string,
    private readonly startTip: string | null,
    /** How many entries base's reflog had when the run started. */
    private readonly reflogAtStart: number
  ) {
    this.lastGood = startTip
  }

  static async start(git: GitCommandManager, baseBranch: string): Promise<BaseGuard> {
    const [tip, log] = await Promise.all([
      git.resolveCommit(branchRef(baseBranch)),
      reflogCommits(git, branchRef(baseBranch))
    ])
    const guard = new BaseGuard(git, baseBranch, tip, log.length)
    // Just read: the first starts need not read it again (see checkForStart).
    guard.read = tip
    if (tip) guard.keptGood = await keepCommit(git, 'base', baseBranch, tip)
    return guard
  }

  /**
   * A merge of the run landed at `commit`: it is the tip to keep should base be moved away
   * next, so that the merges made before the move are not lost with it.
   */
  async merged(commit: string | null, madeOn?: string | null): Promise<void> {
    if (this.problem || !commit || !this.lastGood || commit === this.lastGood) return
    // A merge made on the last good tip descends from it: git need not be asked.
    if (madeOn !== this.lastGood && !(await this.git.isAncestor(this.lastGood, commit))) return
    const previous = this.keptGood
    const before = this.lastGood
    this.lastGood = commit
    this.read = commit
    // Base is at the merge already: the new tip is kept and the old one let go at once (one
    // ref transaction: both or neither).
    this.keptGood = keptRef('base', this.baseBranch, commit)
    const letGo = previous && previous !== this.keptGood ? [previous] : []
    try {
      await this.git.updateRefs([
        { ref: this.keptGood, to: commit },
        ...letGo.map((ref) => ({ ref, to: null, from: before }))
      ])
    } catch {
      // The old ref was moved by someone else: the new tip is kept all the same, the old stays.
      await keepCommit(this.git, 'base', this.baseBranch, commit)
    }
  }

  /**
   * The end of a run: while base is on the run's history, the tip kept for a killed run's
   * sake (and any other kept tip base holds again) is dropped; after a move it stays, named
   * in the warnings.
   */
  async finish(): Promise<void> {
    if (this.problem) return
    await dropHeldBaseTips(this.git, this.baseBranch)
  }

  /** Null while base descends from where it started; otherwise why nothing may be merged. */
  async check(): Promise<string | null> {
    this.read = null
    if (!this.lastGood || !this.startTip) return null
    return this.checkTip(await this.git.resolveCommit(branchRef(this.baseBranch)))
  }

  /**
   * check() of a tip of base just read by the caller (the merge engine, before it moves base
   * from that tip: its compare-and-swap makes sure base is still there when it does).
   */
  async checkTip(now: string | null): Promise<string | null> {
    this.read = null
    if (!this.lastGood || !this.startTip) return null
    if (this.problem) {
      await this.keepMovedTip(now)
      return this.problem
    }
    // A tip that did not move is its own descendant: git need not be asked.
    if (now && (now === this.lastGood || (await this.git.isAncestor(this.lastGood, now)))) {
      this.lastGood = now
      this.read = now
      return null
    }
    const last = this.lastGood
    const kept = await keepCommit(this.git, 'base', this.baseBranch, last)
    const movedTo = await this.keepMovedTip(now)
    const where = movedTo ? `${now!.slice(0, 12)} (kept at ${movedTo})` : 'nothing (deleted)'
    const since = last === this.startTip ? 'its starting tip' : 'its last tip before the move'
    this.problem = `base branch ${this.baseBranch} was moved during the run to ${where}, which does not descend from ${since} ${last.slice(0, 12)} (an agent?): nothing was merged onto it, priorities that start later start from ${last.slice(0, 12)}, and that tip, with the merges made before, is kept at ${kept} (git update-ref ${branchRef(this.baseBranch)} ${kept} puts it back)`
    return this.problem
  }

  /**
   * check() for a task's start point, which need not be base's very latest tip, only one on
   * the run's history: the tip the last check read or the run's last merge set is given
   * without asking git (a move by someone else since is found by the check before the next
   * merge, and until then tasks start from the run's own tip, which is what a move would
   * give them). Asks git only before any such tip is known.
   */
  async checkForStart(): Promise<string | null> {
    if (this.problem) return this.problem
    if (this.read) return null
    return this.check()
  }

  /**
   * Base's tip as the last check that found it on the run's history read it (or as the run's
   * last merge set it since), else null. Each one descends from every one before it.
   */
  get tipRead(): string | null {
    return this.read
  }

  private read: string | null = null

  /** The newest tip of base that is the run's: where later tasks start once base was moved. */
  get lastGoodTip(): string | null {
    return this.lastGood
  }

  /** The tips base was moved to, each kept once (it may be moved again after the first). */
  private readonly movedTips = new Set<string>()
  private readonly later: string[] = []

  /**
   * What base was moved to stays reachable once base is put back: where it is now, and every
   * tip its reflog shows it at since the run started (an agent may move it more than once
   * between two checks). Returns the ref that keeps the current tip, or null when base is gone.
   */
  private async keepMovedTip(now: string | null): Promise<string | null> {
    const name = this.baseBranch
    const entries = await reflogCommits(this.git, branchRef(name))
    const since = entries.slice(0, Math.max(0, entries.length - this.reflogAtStart))
    const nowIsNew = now !== null && !this.movedTips.has(now)
    const passed = [...new Set(since)].filter((tip) => !this.movedTips.has(tip))
    for (const ref of await keepUnreachable(this.git, passed, 'moved-base', name)) {
      this.later.push(`base branch ${name} was also moved to ${ref.slice(-12)}: kept at ${ref}`)
    }
    for (const tip of passed) this.movedTips.add(tip)
    if (!now || now === this.lastGood) return null
    const ref = await keepCommit(this.git, 'moved-base', name, now)
    if (nowIsNew && this.problem) {
      this.later.push(`base branch ${name} was moved again, to ${now.slice(0, 12)}: kept at ${ref}`)
    }
    this.movedTips.add(now)
    return ref
  }

  /** True once base was found moved off its history. */
  get moved(): boolean {
    return this.problem !== null
  }

  /** The warning for the result, when base was moved away. */
  warnings(): string[] {
    return this.problem ? [this.problem, ...this.later] : []
  }
}
