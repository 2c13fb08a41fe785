import { keepCommit } from './kept-refs.js'
import type { GitCommandManager } from './git-command-manager.js'
import { branchRef } from './refs.js'
import { holdsChanges, type WorktreeStatus } from './worktree-status.js'
import { clearLockAdvice, indexLock } from './worktree-fill.js'

/** Why uncommitted work was left where it is, in its worktree. */
export type KeptBecause =
  | 'auto-commit-off'
  | 'detached'
  | 'commit-failed'
  /** It deletes files from a worktree whose checkout is not known to be complete. */
  | 'unconfirmed-deletions'

/** What became of the uncommitted work of a worktree. */
export type SavedWork =
  /** Nothing was uncommitted. */
  | { state: 'clean'; branch: string | null }
  /**
   * It is in a new commit on `branch`. `lockLeft`: the worktree's index was locked, so the
   * commit was made through a scratch index; the index and that lock are as they were.
   */
  | { state: 'committed'; branch: string; lockLeft?: string }
  /** It is still uncommitted: the worktree must be kept. */
  | { state: 'kept'; branch: string | null; because: KeptBecause; error?: string }

export interface SaveOptions {
  autoCommit: boolean
  message: string
  /** Paths that are not the agent's work (the files worktree-files copied in): never saved. */
  leaveOut?: readonly string[]
  /**
   * The worktree's checkout is not known to be complete (no fill mark): a file missing from
   * it may be one the checkout never wrote rather than one its agent deleted, so a save that
   * would delete files is refused and the worktree kept.
   */
  unconfirmedCheckout?: boolean
  /**
   * What to do when the worktree's index is locked (a git process killed mid-commit leaves
   * index.lock): `keep` the work where it is, naming the lock (default), or `snapshot` it
   * through a scratch index onto the branch, leaving the index and the lock alone (for a
   * worktree that is removed next: nothing in it is lost).
   */
  whenIndexLocked?: 'keep' | 'snapshot'
  /**
   * The worktree as `worktreeStatus` just saw it (nothing ran there since): its branch and
   * whether it holds changes are not asked again.
   */
  status?: WorktreeStatus
}

/**
 * Saves the work of a worktree: what it holds uncommitted goes into a commit on its branch,
 * or, when it cannot (auto-commit off, a detached HEAD, a failing commit), is left in place
 * for the caller to keep. `branch` is the branch checked out there (null: detached). The run
 * after an agent and the cleanup of a killed run's leftovers both save work through here.
 */
export async function saveWork(
  worktree: GitCommandManager,
  options: SaveOptions
): Promise<SavedWork> {
  // The files worktree-files copied in are not the agent's work: never committed.
  const leaveOut = options.leaveOut ?? []
  const known = options.unconfirmedCheckout ? undefined : options.status
  const [branch, status] = known
    ? [known.branch, holdsChanges(known, leaveOut) ? 'changes' : '']
    : await Promise.all([worktree.headBranch(), worktree.status({ leaveOut })])
  if (!status) return { state: 'clean', branch }
  // Commits on a detached HEAD would be reachable only through the worktree: never made.
  if (!branch) return { state: 'kept', branch, because: 'detached' }
  if (!options.autoCommit) return { state: 'kept', branch, because: 'auto-commit-off' }
  if (options.unconfirmedCheckout) {
    const deleted = deletedPaths(status)
    if (deleted.length) {
      return {
        state: 'kept',
        branch,
        because: 'unconfirmed-deletions',
        error: `it would delete ${deleted.length} file(s) (${deleted.slice(0, 3).join(', ')}${deleted.length > 3 ? ', …' : ''}) from a worktree whose checkout is not known to be complete`
      }
    }
  }
  const lock = await indexLock(worktree)
  if (lock) {
    if (options.whenIndexLocked !== 'snapshot') {
      return {
        state: 'kept',
        branch,
        because: 'commit-failed',
        error: clearLockAdvice(lock, worktree.cwd)
      }
    }
    return snapshotOntoBranch(worktree, branch, options.message, lock, leaveOut)
  }
  try {
    await worktree.commitEverything(options.message, leaveOut)
    return { state: 'committed', branch }
  } catch (error) {
    const said = (error as Error).message.split('\n')[0]
    return { state: 'kept', branch, because: 'commit-failed', error: said }
  }
}

/** The files a `status --porcelain` listing shows deleted, staged or not. */
function deletedPaths(status: string): string[] {
  return status
    .split('\n')
    .filter((line) => line[0] === 'D' || line[1] === 'D')
    .map((line) => line.slice(3))
}

/** A commit of the files as they are, made without the (locked) index, put on the branch. */
async function snapshotOntoBranch(
  worktree: GitCommandManager,
  branch: string,
  message: string,
  lock: string,
  leaveOut: readonly string[]
): Promise<SavedWork> {
  try {
    const head = await worktree.head()
    const snapshot = await worktree.snapshotCommit(message, [], leaveOut)
    const moved = await worktree.swapRef(branchRef(branch), snapshot, head, { reason: message })
    if (moved.exitCode !== 0) throw new Error(moved.stderr.trim() || `${branch} moved meanwhile`)
    return { state: 'committed', branch, lockLeft: lock }
  } catch (error) {
    const said = (error as Error).message.split('\n')[0]
    return {
      state: 'kept',
      branch,
      because: 'commit-failed',
      error: `${clearLockAdvice(lock, worktree.cwd)}; saving through a scratch index failed too (${said})`
    }
  }
}

/** The heads git keeps while an operation is stopped half-way: the snapshot's other parents. */
const STOPPED_HEADS = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD'] as const

/**
 * Saves a worktree an agent left half-done (a merge or a rebase stopped) without finishing,
 * committing or judging it: a snapshot commit of its files as they are, whose parents are HEAD
 * and the stopped operation's other side, is kept under
 * refs/parallel-worktree/unfinished/<name>-<sha>, so that the worktree can go and nothing is
 * lost. Returns that ref.
 */
export async function saveUnfinishedWork(
  worktree: GitCommandManager,
  name: string,
  message: string,
  /** Files worktree-files copied in: not the agent's, never saved. */
  leaveOut: readonly string[] = []
): Promise<string> {
  const others: string[] = []
  for (const head of STOPPED_HEADS) {
    const commit = await worktree.resolveCommit(head)
    if (commit) others.push(commit)
  }
  const snapshot = await worktree.snapshotCommit(message, others, leaveOut)
  return keepCommit(worktree, 'unfinished', name, snapshot)
}
