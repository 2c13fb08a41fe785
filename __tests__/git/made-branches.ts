import { judgedRef, madeBranchRef } from '../../src/git/kept-refs.js'
import { git, writeFiles } from '../helpers/temp-repo.js'

/**
 * A branch `name` from roadmap with one commit of its own, recorded as made by the tool (and,
 * with `judged`, as judged successful at its tip), merged into roadmap or not.
 */
export function branchWithCommit(
  repo: string,
  name: string,
  merged: boolean,
  { judged = false } = {}
): string {
  git(repo, 'checkout', '-q', '-b', name, 'roadmap')
  writeFiles(repo, { [`${name}.txt`]: name })
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', name)
  const tip = git(repo, 'rev-parse', 'HEAD')
  git(repo, 'checkout', '-q', 'roadmap')
  if (merged) git(repo, 'merge', '-q', '--no-ff', '-m', `merge ${name}`, name)
  git(repo, 'update-ref', madeBranchRef(name), tip)
  if (judged) git(repo, 'update-ref', judgedRef(name), tip)
  return tip
}
