import type { GitCommandManager } from '../git/git-command-manager.js'
import { listWorktrees } from '../git/worktree-list.js'

/**
 * The checkouts of the base branch (the user's own, usually), as they were when the run
 * started. The merge engine keeps them true; when one shows changes at the end that it did not
 * have at the start, something moved base past it (an agent's update-ref) or someone edited
 * it during the run. The run leaves it as it is, and says so.
 */
export async function watchBaseCheckouts(
  git: GitCommandManager,
  baseBranch: string
): Promise<{ changes(): Promise<string[]> }> {
  const statusOf = (path: string): Promise<string> =>
    git
      .at(path)
      .status({ untracked: false })
      .catch(() => '')
  const checkouts = (await listWorktrees(git)).filter(
    (entry) => entry.branch === baseBranch && !entry.prunable && !entry.bare
  )
  const before = new Map<string, string>()
  for (const checkout of checkouts) before.set(checkout.path, await statusOf(checkout.path))
  return {
    async changes() {
      const warnings: string[] = []
      for (const [path, was] of before) {
        const now = await statusOf(path)
        if (now === was) continue
        const files = now.split('\n').filter((line) => line && !was.split('\n').includes(line))
        warnings.push(
          `the checkout ${path} of ${baseBranch} shows changes it did not have when the run started (${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}): base was moved past it outside the merge (an agent?) or it was edited during the run; look with git status and git diff --cached before committing there`
        )
      }
      return warnings
    }
  }
}
