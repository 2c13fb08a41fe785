import '../core/dispose-polyfill.js'
import { constants, existsSync, realpathSync } from 'node:fs'
import { copyFile, lstat, mkdir, readdir, readFile, rm, rmdir, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve, sep } from 'node:path'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { branchRef } from '../git/refs.js'
import { reflogCommits } from '../git/reflog.js'
import {
  BranchMovedError,
  keepReflogOnlyCommits,
  makeBranch,
  madeBranchRef,
  madeBranchState
} from '../git/kept-refs.js'
import { listWorktrees, type WorktreeEntry } from '../git/worktree-list.js'
import {
  checkoutState,
  clearLockAdvice,
  holdsNoWork,
  indexLock,
  markFilled,
  markSwitching,
  unmarkFilled
} from '../git/worktree-fill.js'
import { operationInProgress } from '../git/worktree-state.js'
import { holdsChanges, type WorktreeStatus } from '../git/worktree-status.js'
import { setLockReason } from '../git/worktree-lock.js'
import { GitError, gitSaid } from '../core/errors.js'
import { deletePaths } from './delete-paths.js'
import type { Logger } from '../core/logger.js'

/** Every lock this tool takes gives a reason starting so: it tells its leftovers apart. */
export const LOCK_REASON_PREFIX = 'parallel-worktree'

/**
 * A path with every symbolic link in its existing part resolved, as git prints worktree
 * paths: two spellings of one folder compare equal. The part that does not exist yet is kept.
 */
export function realPath(path: string): string {
  const absolute = resolve(path)
  const missing: string[] = []
  let head = absolute
  for (;;) {
    try {
      return join(realpathSync.native(head), ...missing.reverse())
    } catch {
      const parent = dirname(head)
      if (parent === head) return absolute
      missing.push(basename(head))
      head = parent
    }
  }
}

/** `<worktree-dir>/<repo>-wt<priority>`, absolute, symbolic links resolved. */
export function worktreePath(repo: string, worktreeDir: string, priority: number): string {
  const root = realPath(repo)
  return realPath(resolve(root, worktreeDir, `${basename(root)}-wt${priority}`))
}

/** A worktree this run made: `await using` releases it (removes, or unlocks when kept). */
export interface Worktree extends AsyncDisposable {
  path: string
  branch: string
  /** The commit its branch started from. */
  startPoint: string
  git: GitCommandManager
  /** Set when the worktree continues a branch an earlier run left: that branch's tip. */
  resumedFrom?: string
  /**
   * A reused worktree: the commits its HEAD's reflog held when it was taken, every one of
   * them looked at when the tasks before ended (what only that reflog reached is kept).
   */
  headReflogChecked?: ReadonlySet<string>
  /**
   * The start points it had before advance moved it to a newer tip of base: each one is in
   * base's history (start points only move forward), so its reflog's mention of them is no loss.
   */
  earlierStarts?: string[]
}

export interface CreateWorktreeOptions {
  branch: string
  path: string
  /** Commit the branch starts from (the base tip at creation time). */
  startPoint: string
  baseBranch: string
  /** When false, disposal keeps the worktree (cleanup: false). */
  removeOnDispose: boolean
  /** The lock's reason; LOCK_REASON_PREFIX is put in front when missing. */
  reason: string
  /**
   * A branch of that name holding commits not in base (left by an earlier run) is continued
   * rather than refused: the worktree is made on it as it is.
   */
  resume?: boolean
  /**
   * sparse-checkout: only these folders (and the root's files) are checked out, in cone mode;
   * absent or empty: every file.
   */
  sparse?: readonly string[]
}

/** A finished worktree kept for the next task (see WorktreeManager.park). */
interface Spare {
  path: string
  /** Its own git folder (its fill mark, its lock): the same wherever it is moved. */
  gitDir: string
  /** What only its HEAD's reflog reached was kept when its task ended (see keepDropped). */
  headReflogKept: boolean
}

export class WorktreeError extends Error {
  override name = 'WorktreeError'
}

/**
 * Creates, locks and removes the run's worktrees. Before creating one it recovers what an
 * earlier run left at that path or on that branch when doing so loses nothing, and refuses
 * with a message that names the branch and what to do otherwise.
 */
export class WorktreeManager {
  private readonly kept = new Set<string>()
  private untracked: Promise<string[]> | null = null
  /** Whether finished worktrees are kept for the next task (see reuseFinished). */
  private reuse = false
  /** Finished worktrees waiting for their next task, oldest first. */
  private readonly spares: Spare[] = []
  /** Spare paths chosen by parks under way (see sparePath). */
  private readonly sparesChosen = new Set<string>()
  /** The ends of tasks that may give a spare back (see expectReturn). */
  private readonly returns = new Set<Promise<unknown>>()
  /** What worktree-files copied into each worktree (by path): a spare's only untracked files. */
  private readonly copies = new Map<string, string[]>()

  constructor(
    private readonly git: GitCommandManager,
    private readonly logger: Logger
  ) {}

  /**
   * The tips of the branches the run will make, read at once (one git process for all of
   * them, beside what comes next): a worktree's making then reads its branch from here,
   * once, and its branch is set only while still at that tip (see create).
   */
  knowBranches(branches: readonly string[]): void {
    this.branchesRead = this.git
      .refTips(branches.map(branchRef))
      .then((tips) => {
        for (const branch of branches) {
          this.branchesSeen.set(branch, tips.get(branchRef(branch)) ?? null)
        }
      })
      .catch(() => undefined)
  }

  /** knowBranches' read (the first worktrees are begun while it runs). */
  private branchesRead: Promise<void> = Promise.resolve()

  /** What knowBranches read, until each is used (see tipOf). */
  private readonly branchesSeen = new Map<string, string | null>()

  /**
   * A branch's tip as knowBranches read it, the first time it is asked (the run has not
   * touched it since), else as git says now.
   */
  private async tipOf(branch: string): Promise<string | null> {
    await this.branchesRead
    if (this.branchesSeen.has(branch)) {
      const tip = this.branchesSeen.get(branch)!
      this.branchesSeen.delete(branch)
      return tip
    }
    return this.git.branchTip(branch)
  }

  /**
   * Makes the worktree of a task. Its branch is set only while it is where recoverLeftovers
   * saw it: when it changed since knowBranches read it (an agent made a branch of that name),
   * everything is looked at again, once.
   */
  async create(options: CreateWorktreeOptions): Promise<Worktree> {
    try {
      return await this.createFrom(options, await this.recoverLeftovers(options))
    } catch (error) {
      if (!(error instanceof BranchMovedError)) throw error
      // Looked at again, now (what knowBranches read is used once).
      const again = await this.recoverLeftovers(options)
      return this.createFrom(options, again).catch((retried: Error) => {
        if (!(retried instanceof BranchMovedError)) throw retried
        throw new WorktreeError(
          `could not create the worktree ${options.path} for ${options.branch}: ${retried.message} (something else is changing it); nothing of it was lost: run again once it is left alone`
        )
      })
    }
  }

  private async createFrom(
    options: CreateWorktreeOptions,
    { resumeFrom, tip }: { resumeFrom: string | null; tip: string | null }
  ): Promise<Worktree> {
    const folder = dirname(resolve(options.path))
    const made = await mkdir(folder, { recursive: true })
    if (made) this.rememberMade(made, folder)
    const path = realPath(options.path)
    const reason = options.reason.startsWith(LOCK_REASON_PREFIX)
      ? options.reason
      : `${LOCK_REASON_PREFIX}: ${options.reason}`
    // A resumed branch is checked out as it is, in a worktree of its own.
    const reused = resumeFrom ? null : await this.reuseSpare(options, path, reason, tip)
    if (reused) {
      return { ...this.handle(options, path, null), headReflogChecked: reused.headReflogChecked }
    }
    // The branch is set here, beside the other tasks' calls, rather than by `worktree add -B`
    // inside the one-at-a-time part (a git process fewer there); recoverLeftovers has made
    // sure that an existing branch of that name holds nothing unique. No hooks: our mechanics.
    // Registration is one at a time (the git manager's line: git reads the other worktrees'
    // half-written folders while adding one); filling the files, the slow part, runs in parallel.
    const branchBefore = resumeFrom ? null : tip
    const setBranch = resumeFrom
      ? Promise.resolve()
      : makeBranch(this.git, options.branch, options.startPoint, reason, tip)
    await setBranch
      .then(() => this.git.addWorktree(path, options.branch, reason))
      .then(() => {
        const here = this.git.at(path)
        // Marked filled once complete: a run killed before that leaves a worktree whose
        // missing files nobody deleted (see checkoutState).
        return (options.sparse?.length ? here.sparseCheckout(options.sparse) : Promise.resolve())
          .then(() => here.resetHard())
          .then(() => markFilled(here))
          .catch(async (error: Error) => {
            // Registered but not filled (a full disk): take it back, nothing is in it yet.
            await this.remove(path).catch(() => undefined)
            throw error
          })
      })
      .catch(async (error: Error) => {
        // Nothing was changed: the caller looks again.
        if (error instanceof BranchMovedError) throw error
        if (!resumeFrom) await this.takeBackBranch(options, branchBefore)
        // What git said, without the whole command line (a read-only folder, a full disk).
        const said = error instanceof GitError ? error.stderr.trim() : error.message
        throw new WorktreeError(
          `could not create the worktree ${path} for ${options.branch}: ${said}`
        )
      })
    return this.handle(options, path, resumeFrom)
  }

  private handle(
    options: CreateWorktreeOptions,
    path: string,
    resumeFrom: string | null
  ): Worktree {
    return {
      path,
      branch: options.branch,
      startPoint: options.startPoint,
      git: this.git.at(path),
      ...(resumeFrom ? { resumedFrom: resumeFrom } : {}),
      [Symbol.asyncDispose]: () => this.release(path, options.removeOnDispose)
    }
  }

  /**
   * From now on a finished worktree that loses nothing by being removed is kept instead, as a
   * spare, and the next worktree made is that one switched to its branch (only the files that
   * differ are written, where `worktree add` writes them all: 0.4 s against 3.7 s for an add
   * and 2.2 s for a removal at 100,000 files, see scripts/bench/worktree.mjs); removeSpares
   * removes what is left at the end. See park and reuseSpare.
   */
  reuseFinished(): void {
    this.reuse = true
  }

  /** Finished worktrees are parked for the next task (see reuseFinished) rather than removed. */
  get reusing(): boolean {
    return this.reuse
  }

  /**
   * A task whose end (`finishing`) may give its worktree back as a spare: a worktree made
   * meanwhile waits for it rather than writing every file anew.
   */
  expectReturn(finishing: Promise<unknown>): void {
    if (!this.reuse) return
    const entry: Promise<unknown> = finishing
      .catch(() => undefined)
      .finally(() => this.returns.delete(entry))
    this.returns.add(entry)
  }

  /** The spares left (the run is over): removed, as finished worktrees are. */
  async removeSpares(): Promise<void> {
    this.reuse = false
    await Promise.all(
      this.spares
        .splice(0)
        .map(({ path, headReflogKept }) =>
          this.remove(path, { headReflogKept }).catch((error: Error) =>
            this.logger.warning(`Could not remove the worktree ${path}: ${error.message}`)
          )
        )
    )
  }

  /**
   * Keeps a finished worktree as a spare instead of removing it, when that is as safe as its
   * removal: its fill completed (marked), its HEAD is on a branch (every commit stays there),
   * no operation is left half-done and nothing is uncommitted but worktree-files' copies.
   * Every untracked file goes, ignored build output included, as removal would delete it:
   * the next task finds nothing of this one's but its commits, which are not on its branch.
   * Its HEAD is detached (its branch free to be merged and deleted) and it is moved under a
   * name of no priority, `<repo>-wt-spare-<n>` (the priority's own name stays free for a
   * re-run), and locked as such. False when it was not kept (it is still at `path`).
   */
  private async park(
    path: string,
    { look: known, headReflogKept = false }: { look?: WorktreeStatus; headReflogKept?: boolean }
  ): Promise<boolean> {
    const here = this.git.at(path)
    const gitDir = await here.gitDir().catch(() => null)
    if (!gitDir) return false
    // One look at the worktree (the task's own, when it is still true): its branch and
    // whether anything but the copies is uncommitted.
    const [look, state, operation] = await Promise.all([
      known ?? here.worktreeStatus(),
      checkoutState(here, gitDir),
      operationInProgress(here, gitDir)
    ]).catch(() => [null, null, null])
    if (!look?.branch || state !== 'marked' || operation) return false
    if (holdsChanges(look, this.copies.get(path) ?? [])) return false
    const spare = await this.sparePath(path)
    try {
      await here.removeUntracked()
      await here.detachHead(`${LOCK_REASON_PREFIX}: finished, kept for reuse`)
      await this.git.moveWorktree(path, spare)
      // A spare is nobody's work: its lock says so (and names no priority).
      await setLockReason(gitDir, `${LOCK_REASON_PREFIX}: spare, to be reused by the next priority`)
    } catch (error) {
      this.logger.debug(`could not keep ${path} for reuse: ${gitSaid(error as Error)}`)
      if (await this.isWorktreeFolder(spare)) await this.remove(spare)
      return !(await exists(path))
    } finally {
      this.sparesChosen.delete(spare)
    }
    this.copies.delete(path)
    this.spares.push({ path: spare, gitDir, headReflogKept })
    return true
  }

  /**
   * `<repo>-wt-spare-<n>` beside `path`, one no folder has and no other end of a task has
   * chosen (`git worktree move` to a folder that exists would move the worktree into it).
   * Released by the caller once the worktree is there (or is not).
   */
  private async sparePath(path: string): Promise<string> {
    const name = basename(realPath(this.git.cwd))
    for (let n = 1; ; n += 1) {
      const spare = join(dirname(path), `${name}-wt-spare-${n}`)
      if (this.sparesChosen.has(spare) || this.spares.some((kept) => kept.path === spare)) continue
      this.sparesChosen.add(spare)
      if (!(await exists(spare))) return spare
      this.sparesChosen.delete(spare)
    }
  }

  /**
   * Makes the worktree at `path` from a spare, when there is one or a task that may give one
   * back is ending: marked as switching (a run killed before the end finds no work in it, see
   * worktree-fill), moved to `path` and locked for its task, its branch set to the start
   * point and checked out (the sparse cone set or dropped first), then marked filled. Null
   * when no spare was reused (a failure removes the spare and takes the branch back).
   */
  private async reuseSpare(
    options: CreateWorktreeOptions,
    path: string,
    reason: string,
    branchBefore: string | null
  ): Promise<Pick<Worktree, 'headReflogChecked'> | null> {
    // `git worktree move` into a folder that exists would move the worktree inside it.
    if (await exists(path)) return null
    const taken = await this.takeSpare()
    if (!taken) return null
    const { path: spare, gitDir } = taken
    const started = Date.now()
    // Its HEAD's reflog as the tasks before left it: each of those looked at it already.
    const headReflogChecked = taken.headReflogKept
      ? new Set(await reflogCommits(this.git.at(spare), 'HEAD').catch(() => []))
      : undefined
    try {
      await markSwitching(this.git.at(spare), options.branch, gitDir)
      await this.git.moveWorktree(spare, path)
      const here = this.git.at(path)
      await setLockReason(gitDir, reason)
      await makeBranch(this.git, options.branch, options.startPoint, reason, branchBefore)
      if (options.sparse?.length) await here.sparseCheckout(options.sparse)
      else if (existsSync(join(gitDir, 'info', 'sparse-checkout')) && (await here.isSparse())) {
        await here.disableSparseCheckout()
      }
      // read-tree writes what differs and reads only those files: `git checkout` would read
      // every file of the tree (its full refresh), which the spare's clean state makes useless.
      const moved = await here.moveCheckout('HEAD', options.startPoint)
      if (moved.exitCode !== 0) throw new GitError(['read-tree'], moved.exitCode, moved.stderr)
      await here.attachHead(options.branch)
      await markFilled(here, gitDir)
    } catch (error) {
      this.logger.debug(
        `could not reuse the worktree ${spare} for ${options.branch}: ${gitSaid(error as Error)}; a new one is made`
      )
      const moved = error instanceof BranchMovedError
      if (!moved) await this.takeBackBranch(options, branchBefore)
      // No agent ran in it since its last task ended: its HEAD's reflog is as that one left it.
      await this.remove((await this.isWorktreeFolder(path)) ? path : spare, {
        headReflogKept: taken.headReflogKept
      }).catch(() => undefined)
      // The branch is not as it was seen: the caller looks again before anything is made.
      if (moved) throw error
      return null
    }
    this.logger.info(
      `Reused the finished worktree ${spare} as ${path} for ${options.branch} (${Date.now() - started} ms)`
    )
    return { headReflogChecked }
  }

  /** A spare, waiting for the tasks ending now to give theirs back when there is none yet. */
  private async takeSpare(): Promise<Spare | null> {
    if (!this.reuse) return null
    this.takers += 1
    try {
      while (this.spares.length === 0 && this.returns.size > 0) await Promise.race(this.returns)
    } finally {
      this.takers -= 1
    }
    return this.spares.shift() ?? null
  }

  /** Worktrees being made that wait for a finished one to come back (see takeSpare). */
  private takers = 0

  /** Whether a worktree being made now waits for a finished one to reuse. */
  get awaitingSpare(): boolean {
    return this.takers > 0
  }

  /**
   * After a failed creation, the branch is put back as it was: deleted when this call made it,
   * moved back when it pointed elsewhere. Only while it is still at the start point
   * (compare-and-swap): nothing that was committed on it since is lost.
   */
  private async takeBackBranch(
    options: CreateWorktreeOptions,
    before: string | null
  ): Promise<void> {
    const ref = branchRef(options.branch)
    try {
      if (before === null) {
        // Made by makeBranch with its record: both go, while the branch is where it was put.
        await this.git.deleteRefs([
          { ref, expected: options.startPoint },
          { ref: madeBranchRef(options.branch), expected: options.startPoint }
        ])
      } else if (before !== options.startPoint) {
        await this.git.swapRef(ref, before, options.startPoint, { reason: 'worktree not created' })
      }
    } catch (error) {
      this.logger.debug(`could not put ${options.branch} back: ${(error as Error).message}`)
    }
  }

  /**
   * Moves a fresh worktree's branch to a newer commit of base (it was prepared ahead and
   * base has moved since): only the files that differ are touched. False when that was not
   * possible (the worktree must then be made anew).
   */
  async advance(worktree: Worktree, commit: string): Promise<boolean> {
    // A resumed branch keeps the work on it; its merge brings base's news.
    if (worktree.startPoint === commit || worktree.resumedFrom) return true
    try {
      await worktree.git.resetKeep(commit)
      worktree.earlierStarts = [...(worktree.earlierStarts ?? []), worktree.startPoint]
      worktree.startPoint = commit
      return true
    } catch (error) {
      this.logger.debug(`could not move ${worktree.path} to ${commit}: ${(error as Error).message}`)
      return false
    }
  }

  /** Removal leaves this worktree in place (it holds something that is not committed). */
  keep(path: string): void {
    this.kept.add(realPath(path))
  }

  isKept(path: string): boolean {
    return this.kept.has(realPath(path))
  }

  /** The end of a worktree's use: removed (unless kept), or unlocked for the user to look at. */
  async release(
    path: string,
    remove: boolean,
    options: {
      headReflogKept?: boolean
      /** The worktree's status, when nothing changed it since it was read (the task's end). */
      look?: WorktreeStatus
    } = {}
  ): Promise<void> {
    if (remove && !this.isKept(path)) {
      if (!(this.reuse && (await this.park(realPath(path), options)))) {
        await this.remove(path, options)
      }
    } else await this.git.unlockWorktree(path)
  }

  /**
   * Removes a worktree folder and its registration, locked or not, present or missing. A
   * folder git will not remove is deleted only when it is a worktree of this repository.
   */
  async remove(path: string, options: { headReflogKept?: boolean } = {}): Promise<void> {
    // The worktree's HEAD reflog goes with it: commits only it still reached (a detached
    // HEAD's work, a commit reset away) are kept first (unless the caller just did).
    const gitDir = await this.worktreeGitDir(path)
    if (gitDir) {
      const kept = options.headReflogKept
        ? []
        : await keepReflogOnlyCommits(this.git.at(path), ['HEAD'], `worktree-${basename(path)}`)
      if (kept.length) {
        this.logger.warning(
          `Commits that only the HEAD reflog of the worktree ${path} still reached are kept at ${kept.join(', ')}`
        )
      }
      // The files go here, beside other removals (the slow part: thousands of files); only
      // the registration below waits in line.
      await emptyWorktreeFolder(path, gitDir).catch((error: Error) =>
        this.logger.debug(`emptying ${path}: ${error.message}`)
      )
    }
    // In the git manager's one-at-a-time line, with the adds: git worktree add dies when a
    // worktree it reads is removed under it ("Invalid path").
    const removed = await this.git.removeWorktree(path)
    if (removed.exitCode !== 0) {
      this.logger.debug(`worktree remove ${path}: ${removed.stderr.trim()}`)
      if (await this.isWorktreeFolder(path)) await rm(path, { recursive: true, force: true })
      await this.git.pruneWorktrees()
    }
    await this.removeMadeFolders()
  }

  /** Folders this run made to hold worktrees (worktree-dir and its parents), deepest first. */
  private readonly madeFolders: string[] = []

  private rememberMade(first: string, deepest: string): void {
    const chain: string[] = []
    for (let folder = deepest; folder.length >= first.length; folder = dirname(folder)) {
      chain.push(folder)
      if (folder === first || dirname(folder) === folder) break
    }
    for (const folder of chain)
      if (!this.madeFolders.includes(folder)) this.madeFolders.push(folder)
    this.madeFolders.sort((a, b) => b.length - a.length)
  }

  /** The folders the run made go once they are empty (the last worktree in them removed). */
  private async removeMadeFolders(): Promise<void> {
    for (const folder of [...this.madeFolders]) {
      try {
        await rmdir(folder)
        this.madeFolders.splice(this.madeFolders.indexOf(folder), 1)
      } catch {
        // Not empty (another worktree, the user's files) or gone: left as it is.
      }
    }
  }

  /**
   * Makes the path and the branch free for a new worktree, or throws WorktreeError saying
   * why not and what to do. Everything is checked before anything is changed.
   */
  async recoverLeftovers(options: {
    branch: string
    path: string
    baseBranch: string
    startPoint?: string
    resume?: boolean
  }): Promise<{ resumeFrom: string | null; tip: string | null }> {
    let resumeFrom: string | null = null
    const { branch, baseBranch } = options
    const target = realPath(options.path)
    const entries = await listWorktrees(this.git)
    const main = entries[0]
    const holder = entries.find((entry) => entry.branch === branch)
    const atPath = entries.find((entry) => realPath(entry.path) === target)
    const fixes: { say: string; run: () => Promise<unknown> }[] = []

    /** A registration whose folder is gone can go, unless someone else locked it. */
    const dropMissing = async (entry: WorktreeEntry, what: string): Promise<boolean> => {
      if (entry === main || (await exists(entry.path))) return false
      if (entry.locked && !entry.lockReason?.startsWith(LOCK_REASON_PREFIX)) {
        throw new WorktreeError(
          `${what} is registered at ${entry.path}, which is missing and locked (${entry.lockReason ?? 'no reason given'}); if it is gone for good, run git worktree unlock ${entry.path} && git worktree prune`
        )
      }
      fixes.push({
        say: `Dropping the registration of the missing worktree ${entry.path}`,
        run: async () => {
          const removed = await this.git.removeWorktree(entry.path)
          if (removed.exitCode !== 0)
            throw new GitError(['worktree', 'remove'], 128, removed.stderr)
        }
      })
      return true
    }

    if (holder && realPath(holder.path) !== target) {
      if (!(await dropMissing(holder, `branch ${branch}`))) {
        throw new WorktreeError(
          `branch ${branch} is checked out in ${holder.path}; if that is a leftover, remove it (git worktree remove ${holder.path}), or choose another branch-template`
        )
      }
    }
    if (atPath && atPath !== holder) {
      const ours = !atPath.locked || atPath.lockReason?.startsWith(LOCK_REASON_PREFIX)
      const checkout = await checkoutState(this.git.at(target)).catch(() => 'unreadable' as const)
      if (ours && holdsNoWork(checkout) && (await exists(target))) {
        // A finished worktree stopped while it was being reused for this path's priority.
        fixes.push({
          say: `Removing the worktree ${target} of an earlier run, whose checkout did not complete`,
          run: () => this.remove(target)
        })
      } else if (
        !(await dropMissing(atPath, `another worktree (${atPath.branch ?? 'detached HEAD'})`))
      ) {
        throw new WorktreeError(
          `${target} is already a worktree (of ${atPath.branch ? `branch ${atPath.branch}` : 'a detached HEAD'}) needed for branch ${branch}; remove it (git worktree remove ${target}) or set worktree-dir`
        )
      }
    }
    if (holder && realPath(holder.path) === target) {
      if (!(await dropMissing(holder, `branch ${branch}`))) {
        const here = this.git.at(target)
        if (holdsNoWork(await checkoutState(here).catch(() => 'unreadable' as const))) {
          // Registered and never filled, or stopped while switched to the next task's branch:
          // what it lacks nobody deleted, and nothing of an agent is in it.
          fixes.push({
            say: `Removing the worktree ${target} of an earlier run, which was never filled (its checkout did not complete)`,
            run: () => this.remove(target)
          })
        } else {
          const status = await here.status().catch((error: Error) => {
            throw new WorktreeError(
              `${target} is a worktree of branch ${branch} left by an earlier run and git cannot read it (${gitSaid(error)}); its files are still there: copy out what you need, then remove it (git worktree remove --force ${target})`
            )
          })
          if (status) {
            const lock = await indexLock(here).catch(() => null)
            const unlock = lock ? `${clearLockAdvice(lock, target)}, then ` : ''
            throw new WorktreeError(
              `the worktree ${target} of an earlier run has uncommitted changes on branch ${branch}; ${unlock}commit them (git -C ${target} add -A && git -C ${target} commit) or discard them, then remove it (git worktree remove --force ${target})`
            )
          }
          fixes.push({
            say: `Removing the leftover worktree ${target} of an earlier run (nothing uncommitted in it)`,
            run: () => this.remove(target)
          })
        }
      }
    } else if (!atPath && (await exists(target))) {
      const info = await stat(target)
      if (!info.isDirectory() || (await readdir(target)).length > 0) {
        throw new WorktreeError(
          `${target} exists and is not a worktree of this repository, so branch ${branch} cannot be checked out there; move it away (or delete it if nothing in it is needed), or set worktree-dir`
        )
      }
      fixes.push({
        say: `Removing the empty folder ${target}`,
        run: () => rm(target, { recursive: true })
      })
    }

    const tip = await this.tipOf(branch)
    if (tip) {
      const exclude = [branchRef(baseBranch)]
      if (options.startPoint) exclude.push(options.startPoint)
      const unique = await this.git.countCommitsNotIn(tip, exclude)
      if (unique > 0 && options.resume) {
        await this.refuseForeignBranch(branch, baseBranch, tip, unique)
        resumeFrom = tip
        fixes.push({
          say: `Resuming branch ${branch} at ${tip.slice(0, 12)}: ${unique} commit(s) of an earlier run that are not in ${baseBranch}`,
          run: () => Promise.resolve()
        })
      } else if (unique > 0) {
        throw new WorktreeError(
          `branch ${branch} already exists with ${unique} commit(s) that are not in ${baseBranch} (left by an earlier run?); merge it into ${baseBranch}, or delete it (git branch -D ${branch}) if that work is not needed, or choose another branch-template`
        )
      } else {
        fixes.push({
          say: `Reusing the name of branch ${branch}: every commit on it is in ${baseBranch}`,
          run: () => Promise.resolve()
        })
      }
    }

    for (const fix of fixes) {
      this.logger.info(fix.say)
      await fix.run()
    }
    return { resumeFrom, tip }
  }

  /**
   * Only a branch this tool made (recorded under refs/parallel-worktree/made/) is resumed: one
   * that someone else made under that name (an agent of another priority, a person) is left
   * as it is, and the priority fails naming it, rather than merging work that is not its own.
   */
  private async refuseForeignBranch(
    branch: string,
    baseBranch: string,
    tip: string,
    unique: number
  ): Promise<void> {
    const state = await madeBranchState(this.git, branch, tip)
    if (state === 'made') return
    const why =
      state === 'missing'
        ? `no run of parallel-worktree made it (there is no ${madeBranchRef(branch)})`
        : `its history no longer holds the commit an earlier run recorded at ${madeBranchRef(branch)} (it was recreated or reset since)`
    throw new WorktreeError(
      `branch ${branch} already exists with ${unique} commit(s) that are not in ${baseBranch}, and ${why}: it is not resumed and was left untouched; if that work is this priority's, merge it into ${baseBranch} yourself, otherwise rename it (git branch -m ${branch} <new name>) or choose another branch-template`
    )
  }

  /**
   * Copies the untracked files matching worktree-files (`.env`, `config/*.local.json`) from
   * the user's checkout into a worktree: a worktree holds tracked files only. The checkout is
   * listed once per run. Returns the files copied: the run never commits them (saveWork's
   * leaveOut), nor merges or pushes a branch that holds one.
   *
   * A file is copied only from inside the checkout to inside the worktree: a source that is a
   * symbolic link (or lies under one) leading out of the checkout is not followed, and a path
   * the worktree already has (a tracked file, a symbolic link) is not written over.
   */
  async copyFiles(from: string, to: string, globs: readonly string[]): Promise<string[]> {
    if (globs.length === 0) return []
    this.untracked ??= this.git.untrackedMatching(globs, from)
    const files = await this.untracked
    const copied: string[] = []
    for (const file of files) {
      const skip = await whyNotCopied(from, to, file)
      if (skip) {
        this.logger.warning(`worktree-files: ${file} is not copied into ${to}: ${skip}`)
        continue
      }
      // Checked before the folder is made: a tracked symbolic link to a folder elsewhere
      // would have it made (and the file written) there.
      if (!isInside(realPath(dirname(join(to, file))), realPath(to))) {
        this.logger.warning(
          `worktree-files: ${file} is not copied into ${to}: its folder there leads out of the worktree (a symbolic link)`
        )
        continue
      }
      await mkdir(dirname(join(to, file)), { recursive: true })
      await copyFile(join(from, file), join(to, file), constants.COPYFILE_EXCL)
      copied.push(file)
    }
    this.copies.set(realPath(to), copied)
    return copied
  }

  /** True when `path` holds a `.git` file pointing into this repository's worktrees. */
  private async isWorktreeFolder(path: string): Promise<boolean> {
    return (await this.worktreeGitDir(path)) !== null
  }

  /** The git folder of the worktree at `path` when it is one of this repository's, or null. */
  private async worktreeGitDir(path: string): Promise<string | null> {
    const text = await readFile(join(path, '.git'), 'utf8').catch(() => '')
    const gitdir = /^gitdir: (.+)$/m.exec(text)?.[1]
    if (!gitdir) return null
    const common = await this.git.commonDir()
    const real = realPath(resolve(path, gitdir))
    return real.startsWith(`${realPath(common)}/worktrees/`) ? real : null
  }
}

/** Whether `path` is `folder` or lies under it (both with symbolic links resolved). */
function isInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}${sep}`)
}

/**
 * Why worktree-files does not copy `file` from the checkout `from` into the worktree `to`, or
 * null when it does: its source leads out of the checkout (a symbolic link to `/etc/passwd`,
 * to a file of another repository), is no regular file, or the worktree has that path already.
 */
async function whyNotCopied(from: string, to: string, file: string): Promise<string | null> {
  const source = join(from, file)
  const real = realPath(source)
  if (!isInside(real, realPath(from))) {
    return `it is a symbolic link (or under one) that leads out of the repository, to ${real}`
  }
  const info = await stat(real).catch(() => null)
  if (!info?.isFile()) return 'it is not a regular file'
  if (
    await lstat(join(to, file)).then(
      () => true,
      () => false
    )
  ) {
    return 'the worktree already has that path (a file of the branch)'
  }
  return null
}

/**
 * Deletes everything in a worktree's folder but its `.git` file (git's `worktree remove` then
 * has only the registration left to do). Called once what the worktree held is saved; it is
 * marked unfilled first (see unmarkFilled).
 */
async function emptyWorktreeFolder(path: string, gitDir: string): Promise<void> {
  await unmarkFilled(gitDir)
  const entries = (await readdir(path)).filter((name) => name !== '.git')
  await deletePaths(entries.map((name) => join(path, name)))
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}
