import type { GitCommandManager } from './git-command-manager.js'
import { branchRef } from './refs.js'

/**
 * In a worktree on a detached copy of a branch: `git merge <base>` stopped on its conflicts,
 * the state a person (or resolve-command) settles a conflict from. Returns the conflicted paths
 * (empty when the merge went through on its own). Hooks off: the branch's files are not ours
 * to run.
 */
export async function mergeStoppedOnConflict(
  worktree: GitCommandManager,
  base: string,
  message: string
): Promise<string[]> {
  const merge = await worktree.exec(['merge', '--no-ff', '--no-edit', '-m', message, base], {
    okExitCodes: [1],
    env: await worktree.identityEnv()
  })
  if (merge.exitCode === 0) return []
  const unmerged = await worktree.run(['diff', '--name-only', '--diff-filter=U', '-z'])
  return unmerged.split('\0').filter(Boolean)
}

/** Moves a branch from `from` to `to` only if it is still at `from` (compare-and-swap). */
export async function moveBranch(
  git: GitCommandManager,
  branch: string,
  from: string,
  to: string,
  reason: string
): Promise<boolean> {
  return (await git.swapRef(branchRef(branch), to, from, { reason })).exitCode === 0
}

/** A new branch at a commit, refusing to overwrite one that exists. */
export async function createBranchAt(
  git: GitCommandManager,
  branch: string,
  commit: string
): Promise<boolean> {
  return (await git.swapRef(branchRef(branch), commit, null)).exitCode === 0
}
