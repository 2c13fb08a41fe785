import type { GitCommandManager } from '../git/git-command-manager.js'
import { branchRef } from '../git/refs.js'
import type { Settings } from '../core/types.js'

/**
 * The files of the user's checkout that worktree-files copies into the worktrees (its
 * untracked files matching the globs: an `.env` and the like) that a commit of `branch` not
 * in base adds: an agent committed one (even if a later commit deletes it, the merge would
 * bring that commit). Such a branch is neither merged nor pushed (the run's own auto-commit
 * leaves them out already). Empty when worktree-files is not set.
 */
export async function copiedFilesOn(
  git: GitCommandManager,
  settings: Pick<Settings, 'worktreeFiles' | 'baseBranch'>,
  branch: string
): Promise<string[]> {
  const copied = await copiedFiles(git, settings)
  if (copied.length === 0) return []
  return git.pathsAddedSince(branchRef(settings.baseBranch), branchRef(branch), copied)
}

/**
 * What worktree-files copies into each worktree: the untracked files of the user's checkout
 * (`git`'s folder) that its globs match. Empty when worktree-files is not set.
 */
export function copiedFiles(
  git: GitCommandManager,
  settings: Pick<Settings, 'worktreeFiles'>
): Promise<string[]> {
  // Asked at every task's end and every merge and push: listed once per run (per settings).
  let listed = LISTED.get(settings)
  if (!listed) {
    listed = git.untrackedMatching(settings.worktreeFiles)
    LISTED.set(settings, listed)
    listed.catch(() => LISTED.delete(settings))
  }
  return listed
}

const LISTED = new WeakMap<object, Promise<string[]>>()

/** Why a branch holding copied files is not merged or pushed, and what to do. */
export function copiedFilesError(branch: string, files: string[], doing: string): string {
  const named = files.join(', ')
  return `${branch} is not ${doing}: it holds ${named}, which worktree-files copied into its worktree from your checkout (a file that is not the repository's, and may hold secrets); remove it from the branch (git rm --cached ${files.join(' ')} on it, then commit, or rewrite the commit that added it) and merge again`
}
