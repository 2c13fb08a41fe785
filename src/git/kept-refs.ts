import { WITHOUT_HOOKS, type GitCommandManager } from './git-command-manager.js'

/**
 * The refs the run keeps for itself, under refs/parallel-worktree/: they are not branches
 * (no one checks them out, `git branch` does not list them) but they keep commits reachable
 * and record, across a crash, what a run had found out.
 */
export const KEPT_REFS = 'refs/parallel-worktree'

/** Where the run notes that a branch's agent was judged successful at a given tip. */
function judgedRef(branch: string): string {
  return `${KEPT_REFS}/completed/${branch}`
}

/**
 * Notes, durably (a ref survives the coordinator's death), that the agent working on `branch`
 * was judged successful with the branch at `tip`: a run that resumes that branch at that same
 * tip goes straight to the merge.
 */
export async function recordJudgedSuccessful(
  git: GitCommandManager,
  branch: string,
  tip: string
): Promise<void> {
  await git.run([...WITHOUT_HOOKS, 'update-ref', judgedRef(branch), tip])
}

/** True when an earlier run judged the agent successful with the branch at exactly `tip`. */
export async function wasJudgedSuccessful(
  git: GitCommandManager,
  branch: string,
  tip: string
): Promise<boolean> {
  return (await git.resolveCommit(judgedRef(branch))) === tip
}

/** The note is spent (the branch was merged, or work on it goes on). */
export async function forgetJudgement(git: GitCommandManager, branch: string): Promise<void> {
  await git.exec([...WITHOUT_HOOKS, 'update-ref', '-d', judgedRef(branch)], {
    okExitCodes: [1, 128]
  })
}

/**
 * Keeps `commit` reachable under refs/parallel-worktree/<kind>/<name>-<short sha> (a commit an
 * agent dropped, a tip of base an agent moved away from) and returns the ref's name.
 */
export async function keepCommit(
  git: GitCommandManager,
  kind: string,
  name: string,
  commit: string
): Promise<string> {
  const ref = `${KEPT_REFS}/${kind}/${name}-${commit.slice(0, 12)}`
  await git.run([...WITHOUT_HOOKS, 'update-ref', ref, commit])
  return ref
}

/**
 * Before a ref's last trace goes (a branch deleted with its reflog, a worktree removed with
 * its HEAD's reflog): every commit that only those reflogs still reach is kept under
 * refs/parallel-worktree/dropped/<name>-<sha>. Returns the refs made (empty when nothing was
 * only there). `logs` are ref names as `git reflog` reads them in `git`'s folder.
 */
export async function keepReflogOnlyCommits(
  git: GitCommandManager,
  logs: readonly string[],
  name: string
): Promise<string[]> {
  const kept: string[] = []
  for (const log of logs) {
    const listed = await git.exec(['reflog', 'show', '--format=%H', log, '--'], {
      okExitCodes: [128]
    })
    if (listed.exitCode !== 0) continue
    const tips = [...new Set(listed.stdout.split('\n').filter(Boolean))]
    for (const tip of tips) {
      // Reachable from no ref (branches, tags, ours, the other worktrees' HEADs)?
      const unreachable = await git.exec(['rev-list', '-1', tip, '--not', '--all', '--'], {
        okExitCodes: [128]
      })
      if (unreachable.exitCode === 0 && unreachable.stdout.trim()) {
        kept.push(await keepCommit(git, 'dropped', name, tip))
      }
    }
  }
  return kept
}
