import type { GitCommandManager } from './git-command-manager.js'

/** One commit, as `status` and `clean` name it. */
export interface NamedCommit {
  sha: string
  subject: string
}

/**
 * The commits reachable from `tip` and from none of `excluded` (refs or commits), newest
 * first, with their subjects: what deleting a ref to `tip` would drop.
 */
export async function commitsNotIn(
  git: GitCommandManager,
  tip: string,
  excluded: readonly string[]
): Promise<NamedCommit[]> {
  const not = excluded.map((ref) => `^${ref}`)
  const listed = await git.run(['log', '--format=%H%x00%s', tip, ...not, '--'])
  return listed
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, subject] = line.split('\0')
      return { sha, subject: subject ?? '' }
    })
}
