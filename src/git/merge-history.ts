import type { GitCommandManager } from './git-command-manager.js'
import { branchRef } from './refs.js'

/** A merge commit of a branch's own line of history. */
export interface FirstParentMerge {
  commit: string
  subject: string
}

/**
 * The merge commits on `branch`'s first-parent history (the merges made into it, not those
 * of the branches it merged) whose message contains `fragment`, newest first; from `commit`
 * when given (the commit a run starts from, which may be origin's tip of the branch). One
 * walk, whatever the number of merges sought; a missing branch has none.
 */
export async function firstParentMerges(
  git: GitCommandManager,
  branch: string,
  fragment: string,
  commit?: string
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
      commit ?? branchRef(branch),
      '--'
    ],
    { okExitCodes: [128] }
  )
  if (listed.exitCode !== 0) return []
  const merges: FirstParentMerge[] = []
  let merge: string | null = null
  for (const line of listed.stdout.split('\n')) {
    const header = /^commit ([0-9a-f]{40,64})$/.exec(line)
    if (header) merge = header[1]
    else if (merge) {
      merges.push({ commit: merge, subject: line })
      merge = null
    }
  }
  return merges
}
