import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Locks the worktree whose own git folder is `gitDir` with this reason, replacing the reason of
 * the lock it has: git's lock is that folder's `locked` file, holding the reason (see
 * gitrepository-layout(5)). For a worktree the run moves from one task to the next, where
 * `git worktree unlock` then `lock` would be two processes, and a moment without a lock.
 */
export async function setLockReason(gitDir: string, reason: string): Promise<void> {
  await writeFile(join(gitDir, 'locked'), `${reason}\n`)
}
