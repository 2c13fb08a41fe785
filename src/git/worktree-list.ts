import { GitError } from '../core/errors.js'
import type { GitCommandManager } from './git-command-manager.js'

/** One record of `git worktree list --porcelain -z`. */
export interface WorktreeEntry {
  path: string
  /** The commit checked out; null in a bare repository. */
  head: string | null
  /** The full ref checked out (`refs/heads/roadmap`), null when detached or bare. */
  ref: string | null
  /** The same as a branch name (`roadmap`), null when detached or bare. */
  branch: string | null
  bare: boolean
  detached: boolean
  locked: boolean
  /** Why it is locked, when a reason was given. */
  lockReason: string | null
  /** Its folder is gone: git lists it until `worktree prune`. */
  prunable: boolean
  /** The repository's own checkout (the first record), as opposed to a linked worktree. */
  main: boolean
}

/**
 * What git says when a worktree's administrative folder vanishes while it lists them: a
 * `git worktree remove` (another task's cleanup) ran at the same moment.
 */
const REMOVED_MEANWHILE = /Invalid path '[^']*\/worktrees\/|failed to read '?[^']*\/worktrees\//
const RELIST_DELAYS_MS = [20, 100, 300]

/**
 * Every worktree of the repository, the user's own checkout first. A listing that met a
 * worktree being removed is taken again (git dies on it instead of skipping it).
 */
export async function listWorktrees(git: GitCommandManager): Promise<WorktreeEntry[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { stdout } = await git.exec(['worktree', 'list', '--porcelain', '-z'])
      return parseWorktreeList(stdout)
    } catch (error) {
      const pause = RELIST_DELAYS_MS[attempt]
      const removedMeanwhile = error instanceof GitError && REMOVED_MEANWHILE.test(error.stderr)
      if (pause === undefined || !removedMeanwhile) throw error
      await new Promise((resolve) => setTimeout(resolve, pause))
    }
  }
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
        ref: null,
        branch: null,
        bare: false,
        detached: false,
        locked: false,
        lockReason: null,
        prunable: false,
        main: entries.length === 0
      }
      entries.push(current)
    } else if (current) {
      if (label === 'HEAD') current.head = value
      else if (label === 'branch') {
        current.ref = value
        current.branch = value.replace(/^refs\/heads\//, '')
      } else if (label === 'bare') current.bare = true
      else if (label === 'detached') current.detached = true
      else if (label === 'locked') {
        current.locked = true
        current.lockReason = value || null
      } else if (label === 'prunable') current.prunable = true
    }
  }
  return entries
}
