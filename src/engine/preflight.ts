import { InputError } from './errors.js'
import { GitCommandManager } from '../git/git-command-manager.js'

/** merge-tree --write-tree, which every merge here is made with, came in git 2.38. */
export const MIN_GIT: [number, number] = [2, 38]

/**
 * The checks that refuse a run before anything is touched (exit 2): git recent enough,
 * a repository, a base branch. Returns the manager for the repository's top level.
 */
export async function preflight(
  repo: string,
  baseBranch: string,
  env: NodeJS.ProcessEnv = process.env
): Promise<GitCommandManager> {
  const probe = new GitCommandManager(repo, env)
  let version: [number, number, number]
  try {
    version = await probe.version()
  } catch (error) {
    throw new InputError(`git is not available: ${(error as Error).message}`)
  }
  if (version[0] < MIN_GIT[0] || (version[0] === MIN_GIT[0] && version[1] < MIN_GIT[1])) {
    throw new InputError(
      `git ${version.join('.')} is too old: merges need git ${MIN_GIT.join('.')} or newer (merge-tree --write-tree)`
    )
  }
  const top = await probe.topLevel().catch(() => null)
  if (!top) throw new InputError(`${repo} is not inside a git work tree`)
  const git = probe.at(top)
  if (!(await git.branchExists(baseBranch))) {
    throw new InputError(
      `base-branch: the branch "${baseBranch}" does not exist in ${top}; create it (git branch ${baseBranch}) or fetch it`
    )
  }
  return git
}
