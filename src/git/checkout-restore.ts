import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { WITHOUT_HOOKS, type GitCommandManager } from './git-command-manager.js'
import { someOf } from '../core/some-of.js'

/** What git says when it could not write a file it had to (a full disk, permissions). */
export const WRITE_FAILURE =
  /unable to (create|write|unlink|stat)|No space left|Permission denied|Operation not permitted|short write|cannot create|Read-only file system|Disk quota/i

export interface RestoreOutcome {
  /** True when every file the update touched is as it was at `from` again. */
  restored: boolean
  /** The files the update touched (from `from` to `to`). */
  paths: string[]
  /** What git said when putting them back failed. */
  error: string | null
}

/**
 * After a checkout update from `from` to `to` that died while writing files (read-tree checks
 * every path before it writes one, so the user had no change in any of them, and the index,
 * never written, is still at `from`): each file the update touches is put back to `from` and
 * each file it adds is removed. Nothing else in the checkout is touched.
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
  try {
    if (kept.length) {
      await git.run(
        [
          ...WITHOUT_HOOKS,
          '--literal-pathspecs',
          'checkout',
          from,
          '--pathspec-from-file=-',
          '--pathspec-file-nul'
        ],
        {
          cwd,
          input: kept.join('\0')
        }
      )
    }
    for (const path of added) await rm(join(cwd, path), { force: true })
    // Literal paths (no glob magic), as many as the update touched.
    const left = await git.run(
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
    return left
      ? {
          restored: false,
          paths,
          error: `still changed: ${someOf(left.split('\0').filter(Boolean))}`
        }
      : { restored: true, paths, error: null }
  } catch (error) {
    return {
      restored: false,
      paths,
      error: (error as Error).message.split('\n').slice(-3).join(' ')
    }
  }
}
