import { access, readFile, readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { GitCommandManager } from '../git/git-command-manager.js'

/** One record of `git worktree list --porcelain -z`. */
export interface WorktreeEntry {
  path: string
  /** The commit checked out; null in a bare repository. */
  head: string | null
  /** The full ref checked out (`refs/heads/roadmap`), null when detached or bare. */
  branch: string | null
  bare: boolean
  detached: boolean
  /** Its folder is gone: git lists it until `worktree prune`. */
  prunable: boolean
  /** The repository's own checkout (the first record), as opposed to a linked worktree. */
  main: boolean
}

/** Every worktree of the repository, the user's own checkout first. */
export async function listWorktrees(git: GitCommandManager): Promise<WorktreeEntry[]> {
  const { stdout } = await git.exec(['worktree', 'list', '--porcelain', '-z'])
  return parseWorktreeList(stdout)
}

/**
 * Reads the porcelain format (git-worktree(1), "Porcelain Format") with -z: attributes
 * `label value` or `label`, each NUL-terminated; an empty attribute ends a record.
 */
export function parseWorktreeList(output: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = []
  let current: WorktreeEntry | null = null
  for (const field of output.split('\0')) {
    if (field === '') {
      current = null
      continue
    }
    const space = field.indexOf(' ')
    const label = space === -1 ? field : field.slice(0, space)
    const value = space === -1 ? '' : field.slice(space + 1)
    if (label === 'worktree') {
      current = {
        path: value,
        head: null,
        branch: null,
        bare: false,
        detached: false,
        prunable: false,
        main: entries.length === 0
      }
      entries.push(current)
    } else if (current) {
      if (label === 'HEAD') current.head = value
      else if (label === 'branch') current.branch = value
      else if (label === 'bare') current.bare = true
      else if (label === 'detached') current.detached = true
      else if (label === 'prunable') current.prunable = true
    }
  }
  return entries
}

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
  const ref = `refs/heads/${branch}`
  const all = worktrees ?? (await listWorktrees(git))
  const checkouts = all.filter((wt) => wt.branch === ref && !wt.bare && !wt.prunable)
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
  const common = await commonDir(git)
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
    if ((await read(file)) === `refs/heads/${branch}`) return 'rebase'
  }
  const bisected = await read('BISECT_START')
  if (bisected === branch || bisected === `refs/heads/${branch}`) return 'bisect'
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

const commonDirs = new Map<string, Promise<string>>()

/** The repository's common git folder (asked once per folder: it does not change). */
function commonDir(git: GitCommandManager): Promise<string> {
  let dir = commonDirs.get(git.cwd)
  if (!dir) {
    dir = git.run(['rev-parse', '--path-format=absolute', '--git-common-dir'])
    dir.catch(() => commonDirs.delete(git.cwd))
    commonDirs.set(git.cwd, dir)
  }
  return dir
}
