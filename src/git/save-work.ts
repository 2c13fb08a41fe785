import { keepCommit } from './kept-refs.js'
import type { GitCommandManager } from './git-command-manager.js'

/** Why uncommitted work was left where it is, in its worktree. */
export type KeptBecause = 'auto-commit-off' | 'detached' | 'commit-failed'

/** What became of the uncommitted work of a worktree. */
export type SavedWork =
  /** Nothing was uncommitted. */
  | { state: 'clean'; branch: string | null }
  /** It is in a new commit on `branch`. */
  | { state: 'committed'; branch: string }
  /** It is still uncommitted: the worktree must be kept. */
  | { state: 'kept'; branch: string | null; because: KeptBecause; error?: string }

/**
 * Saves the work of a worktree: what it holds uncommitted goes into a commit on its branch,
 * or, when it cannot (auto-commit off, a detached HEAD, a failing commit), is left in place
 * for the caller to keep. `branch` is the branch checked out there (null: detached). The run
 * after an agent and the cleanup of a killed run's leftovers both save work through here.
 */
export async function saveWork(
  worktree: GitCommandManager,
  options: { autoCommit: boolean; message: string; leaveOut?: readonly string[] }
): Promise<SavedWork> {
  // The files worktree-files copied in are not the agent's work: never committed.
  const leaveOut = options.leaveOut ?? []
  const [branch, dirty] = await Promise.all([worktree.headBranch(), worktree.isDirty(leaveOut)])
  if (!dirty) return { state: 'clean', branch }
  // Commits on a detached HEAD would be reachable only through the worktree: never made.
  if (!branch) return { state: 'kept', branch, because: 'detached' }
  if (!options.autoCommit) return { state: 'kept', branch, because: 'auto-commit-off' }
  try {
    await worktree.commitEverything(options.message, leaveOut)
    return { state: 'committed', branch }
  } catch (error) {
    const said = (error as Error).message.split('\n')[0]
    return { state: 'kept', branch, because: 'commit-failed', error: said }
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
  message: string
): Promise<string> {
  const others: string[] = []
  for (const head of STOPPED_HEADS) {
    const commit = await worktree.resolveCommit(head)
    if (commit) others.push(commit)
  }
  const snapshot = await worktree.snapshotCommit(message, others)
  return keepCommit(worktree, 'unfinished', name, snapshot)
}
