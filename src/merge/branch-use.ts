import { access, readFile, readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { branchRef } from '../git/refs.js'
import { listWorktrees, type WorktreeEntry } from '../git/worktree-list.js'

export { listWorktrees, type WorktreeEntry }

/** A worktree where the branch is in the middle of an operation that will move it. */
export interface BusyWorktree {
  path: string
  operation: 'rebase' | 'bisect' | 'merge' | 'cherry-pick' | 'revert' | 'am'
}

export interface BranchUse {
  /** Worktrees (existing folders) with the branch checked out. */
  checkouts: WorktreeEntry[]
  /**
   * Worktrees rebasing or bisecting the branch (git shows them as detached), or with the
   * branch checked out and a merge, cherry-pick, revert or am in progress.
   */
  busy: BusyWorktree[]
}

/**
 * Where a branch is in use, as git itself judges it before moving a branch (`git branch -f`
 * refuses the same cases): checked out, or being rebased or bisected (the rebase would put
 * its own result on the branch when it ends, dropping whatever we had put there).
 */
export async function findBranchUse(
  git: GitCommandManager,
  branch: string,
  worktrees?: WorktreeEntry[]
): Promise<BranchUse> {
  const ref = branchRef(branch)
  const all = worktrees ?? (await listWorktrees(git))
  const checkouts = all.filter((wt) => wt.ref === ref && !wt.bare && !wt.prunable)
  const detached = all.filter((wt) => wt.detached && !wt.prunable)
  const busy: BusyWorktree[] = []
  if (detached.length === 0 && checkouts.length === 0) return { checkouts, busy }

  const adminDirs = await worktreeAdminDirs(git, all)
  for (const wt of detached) {
    const admin = adminDirs.get(wt.path)
    const operation = admin ? await operationOn(admin, branch) : null
    if (operation) busy.push({ path: wt.path, operation })
  }
  for (const wt of checkouts) {
    const admin = adminDirs.get(wt.path)
    const operation = admin ? await operationInProgress(admin) : null
    if (operation) busy.push({ path: wt.path, operation })
  }
  return { checkouts, busy }
}

/** Worktree path → its administrative folder (the common git dir for the main checkout). */
async function worktreeAdminDirs(
  git: GitCommandManager,
  worktrees: WorktreeEntry[]
): Promise<Map<string, string>> {
  const common = await git.commonDir()
  const dirs = new Map<string, string>()
  const main = worktrees.find((wt) => wt.main && !wt.bare)
  if (main) dirs.set(main.path, common)
  const linked = join(common, 'worktrees')
  const names = await readdir(linked).catch(() => [] as string[])
  for (const name of names) {
    const gitdir = await readFile(join(linked, name, 'gitdir'), 'utf8').catch(() => null)
    if (gitdir) dirs.set(dirname(gitdir.trim()), join(linked, name))
  }
  return dirs
}

async function operationOn(
  admin: string,
  branch: string
): Promise<BusyWorktree['operation'] | null> {
  const read = (file: string): Promise<string | null> =>
    readFile(join(admin, file), 'utf8').then(
      (text) => text.trim(),
      () => null
    )
  for (const file of ['rebase-merge/head-name', 'rebase-apply/head-name']) {
    if ((await read(file)) === branchRef(branch)) return 'rebase'
  }
  const bisected = await read('BISECT_START')
  if (bisected === branch || bisected === branchRef(branch)) return 'bisect'
  return null
}

/** The state files git leaves while an operation on the checked-out branch is unfinished. */
const IN_PROGRESS: [string, BusyWorktree['operation']][] = [
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
  ['rebase-apply', 'am'],
  ['rebase-merge', 'rebase']
]

async function operationInProgress(admin: string): Promise<BusyWorktree['operation'] | null> {
  for (const [file, operation] of IN_PROGRESS) {
    if (
      await access(join(admin, file)).then(
        () => true,
        () => false
      )
    )
      return operation
  }
  return null
}
