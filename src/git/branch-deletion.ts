import type { GitCommandManager } from './git-command-manager.js'
import { forgetMadeBranch, keepReflogOnlyCommits } from './kept-refs.js'
import { branchRef } from './refs.js'
import { listWorktrees } from './worktree-list.js'

/** What became of a branch the run asked to delete. */
export type BranchDeletion =
  /** `kept`: commits that only the branch's reflog still reached, kept under refs of ours. */
  | { deleted: true; kept: string[] }
  | { deleted: false; because: 'missing' | 'no-base' | 'checked-out' | 'moved'; where?: string }
  | { deleted: false; because: 'unique-commits'; commits: number }

/**
 * Deletes a branch only when that loses nothing, and only if it still points where we looked:
 * every commit on it is in `base` or in `startPoint` (where the run made it), no worktree has
 * it checked out, and the deletion is a compare-and-swap on the tip that was checked. The
 * deletion takes the branch's reflog with it: commits only that still reached (an agent's
 * commit it then reset away) are kept first, and the record that this tool made the branch
 * goes. The run, the modes and the cleanup of leftovers all delete branches through here.
 */
export async function deleteBranchIfSafe(
  git: GitCommandManager,
  branch: string,
  options: { base?: string; startPoint?: string }
): Promise<BranchDeletion> {
  const ref = branchRef(branch)
  const tip = await git.resolveCommit(ref)
  if (!tip) return { deleted: false, because: 'missing' }
  const excluded: string[] = []
  if (options.base && (await git.branchExists(options.base))) excluded.push(branchRef(options.base))
  if (options.startPoint) excluded.push(options.startPoint)
  if (excluded.length === 0) return { deleted: false, because: 'no-base' }
  if (tip !== options.startPoint) {
    const commits = await git.countCommitsNotIn(tip, excluded)
    if (commits > 0) return { deleted: false, because: 'unique-commits', commits }
  }
  const holder = (await listWorktrees(git)).find((worktree) => worktree.ref === ref)
  if (holder) return { deleted: false, because: 'checked-out', where: holder.path }
  const kept = await keepReflogOnlyCommits(git, [ref], branch)
  if (!(await git.deleteRef(ref, tip))) return { deleted: false, because: 'moved' }
  // A branch of that name made later by anyone else must not pass for ours.
  await forgetMadeBranch(git, branch)
  return { deleted: true, kept }
}
