import type { GitCommandManager } from './git-command-manager.js'
import { branchRef } from './refs.js'

/** A merge commit of a branch's own line of history. */
export interface FirstParentMerge {
  commit: string
  subject: string
}

/**
 * The merge commits on `branch`'s first-parent history (the merges made into it, not those
 * of the branches it merged) whose message contains `fragment`, newest first. One walk,
 * whatever the number of merges sought; a missing branch has none.
 */
export async function firstParentMerges(
  git: GitCommandManager,
  branch: string,
  fragment: string
): Promise<FirstParentMerge[]> {
  // rev-list rather than log: no pager, no signature check or other program from config.
  const listed = await git.exec(
    [
      'rev-list',
      '--first-parent',
      '--merges',
      '--fixed-strings',
      `--grep=${fragment}`,
      '--format=%s',
      branchRef(branch),
      '--'
    ],
    { okExitCodes: [128] }
  )
  if (listed.exitCode !== 0) return []
  const merges: FirstParentMerge[] = []
  let commit: string | null = null
  for (const line of listed.stdout.split('\n')) {
    const header = /^commit ([0-9a-f]{40,64})$/.exec(line)
    if (header) commit = header[1]
    else if (commit) {
      merges.push({ commit, subject: line })
      commit = null
    }
  }
  return merges
}
