import type { GitCommandManager } from '../git/git-command-manager.js'
import { agentGroupsIn, cleanupLeftovers } from '../run/leftover-cleanup.js'
import { LOCK_REASON_PREFIX } from '../run/worktree-manager.js'
import { listWorktrees } from '../git/worktree-list.js'
import type { Logger } from '../core/logger.js'

/**
 * Cleans up after runs that died without cleaning up (the coordinator killed with SIGKILL,
 * the machine lost), as the action's post step would: their agents stopped, what each of
 * their worktrees holds uncommitted saved in a commit on its branch, the worktrees removed,
 * branches with commits kept. Called with the run lock held: a worktree this tool locked
 * while no run of it holds the repository belongs to a run that is gone.
 */
export async function recoverAbandonedWorktrees(
  git: GitCommandManager,
  baseBranch: string,
  logger: Logger,
  /** The worktree-files globs: the copies they made are not saved as work. */
  worktreeFiles: string[] = []
): Promise<void> {
  const abandoned = (await listWorktrees(git))
    .slice(1)
    .filter((entry) => entry.locked && entry.lockReason?.startsWith(LOCK_REASON_PREFIX))
  if (abandoned.length === 0) return
  logger.warning(
    `Found ${abandoned.length} worktree(s) of an earlier run that did not finish (${abandoned.map((entry) => entry.path).join(', ')}): stopping its agents, saving their work on their branches, removing the worktrees`
  )
  const worktrees = abandoned.map((entry) => ({
    path: entry.path,
    branch: entry.branch ?? '',
    priority: Number(/priority (\d+(?:\.\d+)?)/.exec(entry.lockReason ?? '')?.[1] ?? 0)
  }))
  const pids = agentGroupsIn(worktrees.map((worktree) => worktree.path))
  await cleanupLeftovers({ repo: git.cwd, worktrees, pids, baseBranch, worktreeFiles }, logger)
}
