import '../core/dispose-polyfill.js'
import type { GitCommandManager } from './git-command-manager.js'

/** A candidate worktree: `await using` removes it, whatever its state. */
export interface CandidateWorktree extends AsyncDisposable {
  path: string
  /** git in the worktree. */
  git: GitCommandManager
}

/**
 * A throwaway worktree with a commit checked out detached (a verify candidate, a resolve
 * attempt): no branch, so it moves no ref and cannot be mistaken for work; never the user's
 * checkout. It holds nothing anyone needs once used, so disposing removes it whatever its
 * state. Without hooks: post-checkout could run a file a branch just wrote.
 */
export async function addCandidateWorktree(
  git: GitCommandManager,
  path: string,
  commit: string
): Promise<CandidateWorktree> {
  await git.addDetachedWorktree(path, commit)
  return {
    path,
    git: git.at(path),
    [Symbol.asyncDispose]: async () => {
      await git.removeWorktree(path)
    }
  }
}

/** Keeps a commit reachable under a ref of the run (a failed candidate, to reproduce). */
export async function keepCommit(
  git: GitCommandManager,
  ref: string,
  commit: string
): Promise<void> {
  const update = await git.swapRef(ref, commit, undefined)
  if (update.exitCode !== 0)
    throw new Error(`keeping ${commit} under ${ref} failed: ${update.stderr.trim()}`)
}

/** What a branch changes since it left `base`: the files and the lines added plus removed. */
export async function changeSize(
  git: GitCommandManager,
  base: string,
  tip: string
): Promise<{ files: string[]; lines: number }> {
  const out = await git.run(['diff', '--numstat', '-z', '--no-renames', `${base}...${tip}`, '--'])
  const files: string[] = []
  let lines = 0
  for (const record of out.split('\0').filter(Boolean)) {
    const [added, removed, path] = record.split('\t')
    files.push(path)
    // Binary files show `-`: count them as one line each.
    lines += (Number(added) || 1) + (Number(removed) || 0)
  }
  return { files, lines }
}

/**
 * Files changed in a worktree since its branch left `base` (a ref or commit): committed, uncommitted and
 * untracked (not ignored) alike, as the agent left them. With `under`, only the files at or
 * under these paths (literal: git looks nowhere else).
 */
export async function changedInWorktree(
  worktree: GitCommandManager,
  base: string,
  under?: readonly string[],
  /** The worktree's untracked files, when a status of it is at hand: git is not asked again. */
  knownUntracked?: Promise<readonly string[]>
): Promise<string[]> {
  const paths = under ? ['--literal-pathspecs'] : []
  const pathspecs = under ?? []
  const [tracked, untracked] = await Promise.all([
    // --merge-base: against where HEAD left `base`, in the same call.
    worktree.run([
      ...paths,
      'diff',
      '--name-only',
      '-z',
      '--no-renames',
      '--merge-base',
      base,
      '--',
      ...pathspecs
    ]),
    knownUntracked
      ? knownUntracked.then((files) => files.filter((file) => isUnder(file, under)).join('\0'))
      : worktree.run([
          ...paths,
          'ls-files',
          '--others',
          '--exclude-standard',
          '-z',
          '--',
          ...pathspecs
        ])
  ])
  return [...new Set([...tracked.split('\0'), ...untracked.split('\0')].filter(Boolean))].sort()
}

/** Whether a path is one of `under` or lies beneath one (no `under`: everywhere). */
function isUnder(path: string, under?: readonly string[]): boolean {
  return !under || under.some((top) => path === top || path.startsWith(`${top}/`))
}
