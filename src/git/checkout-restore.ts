import { lstat, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { GitCommandManager } from './git-command-manager.js'
import { someOf } from '../core/some-of.js'

/** What git says when it could not write a file it had to (a full disk, permissions). */
export const WRITE_FAILURE =
  /unable to (create|write|unlink|stat)|No space left|Permission denied|Operation not permitted|short write|cannot create|Read-only file system|Disk quota/i

export interface RestoreOutcome {
  /** True when every file the update touched is as it was at `from` again. */
  restored: boolean
  /** The files the update touched (from `from` to `to`). */
  paths: string[]
  /** The files the update added, removed again (first: they give back the room git needs). */
  removed: string[]
  /** The files still not as they were at `from` (none when `restored`). */
  left: string[]
  /** What git said when putting them back failed. */
  error: string | null
}

/**
 * After a checkout update from `from` to `to` that died while writing files (read-tree checks
 * every path before it writes one, so the user had no change in any of them, and the index,
 * never written, is still at `from`): each file the update adds is removed, first (on a full
 * disk that is what makes room for the `index.lock` of the checkout that follows), then each
 * file it changed or deleted is put back to `from`. Nothing else in the checkout is touched.
 * The outcome says what was put back and what was not, file by file.
 */
export async function restoreCheckoutFiles(
  git: GitCommandManager,
  cwd: string,
  from: string,
  to: string
): Promise<RestoreOutcome> {
  const diff = await git.run(['diff-tree', '-r', '-z', '--no-renames', '--name-status', from, to], {
    cwd
  })
  const fields = diff.split('\0')
  const kept: string[] = []
  const added: string[] = []
  for (let k = 0; k + 1 < fields.length; k += 2) {
    ;(fields[k] === 'A' ? added : kept).push(fields[k + 1])
  }
  const paths = [...kept, ...added]
  const removed: string[] = []
  let error: string | null = null
  for (const path of added) {
    try {
      // Only what the update had written counts as removed.
      if (!(await lstat(join(cwd, path)).then(Boolean, () => false))) continue
      await rm(join(cwd, path), { force: true })
      removed.push(path)
    } catch (problem) {
      error ??= (problem as Error).message
    }
  }
  try {
    if (kept.length) {
      await git.run(
        ['--literal-pathspecs', 'checkout', from, '--pathspec-from-file=-', '--pathspec-file-nul'],
        {
          cwd,
          input: kept.join('\0')
        }
      )
    }
  } catch (problem) {
    error ??= (problem as Error).message.split('\n').slice(-3).join(' ')
  }
  // Literal paths (no glob magic), as many as the update touched.
  const left = await git
    .run(
      [
        '--literal-pathspecs',
        'status',
        '--porcelain',
        '-z',
        '--untracked-files=all',
        '--',
        ...paths
      ],
      { cwd }
    )
    .then(
      (status) => statusPaths(status),
      () => paths.filter((path) => !removed.includes(path))
    )
  if (left.length === 0) return { restored: true, paths, removed, left, error: null }
  return {
    restored: false,
    paths,
    removed,
    left,
    error: error ?? `still changed: ${someOf(left)}`
  }
}

/** The paths of `status --porcelain -z` (a rename's second field, its source, skipped). */
function statusPaths(status: string): string[] {
  const fields = status.split('\0').filter(Boolean)
  const paths: string[] = []
  for (let k = 0; k < fields.length; k += 1) {
    paths.push(fields[k].slice(3))
    if (/^[RC]/.test(fields[k])) k += 1
  }
  return paths
}
