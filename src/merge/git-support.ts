import { MIN_GIT } from '../engine/preflight.js'
import type { GitCommandManager } from '../git/git-command-manager.js'

/**
 * What the merge engine needs from git, and since when: `merge-tree --write-tree` with
 * `--name-only` and `-z` (2.38) for every merge and forecast; `worktree list --porcelain -z`
 * (2.36) and `rev-parse --path-format` (2.31) to find checkouts of the base. The run's
 * preflight refuses older git with exit 2 (MIN_GIT); this check makes the engine safe when
 * it is used on its own (the library, the bench).
 */
export async function gitSupportProblem(git: GitCommandManager): Promise<string | null> {
  const version = await git.version()
  const [major, minor] = MIN_GIT
  if (version[0] > major || (version[0] === major && version[1] >= minor)) return null
  return `git ${version.join('.')} is too old to merge without a checkout: git ${major}.${minor} or newer is needed (merge-tree --write-tree)`
}
