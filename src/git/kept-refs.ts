import type { GitCommandManager } from './git-command-manager.js'
import { reflogCommits } from './reflog.js'
import { branchRef } from './refs.js'

/**
 * The refs the run keeps for itself, under refs/parallel-worktree/: they are not branches
 * (no one checks them out, `git branch` does not list them) but they keep commits reachable
 * and record, across a crash, what a run had found out.
 */
export const KEPT_REFS = 'refs/parallel-worktree'

/** Where a candidate merge that failed verify-command is kept, to reproduce it. */
export function verifyFailedRef(priority: number): string {
  return `${KEPT_REFS}/verify-failed/${priority}`
}

/** Where the run notes that a branch's agent was judged successful at a given tip. */
export function judgedRef(branch: string): string {
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
  await git.run(['update-ref', judgedRef(branch), tip])
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
  await git.exec(['update-ref', '-d', judgedRef(branch)], {
    okExitCodes: [1, 128]
  })
}

/** Where the run records a branch it made for a priority: at the tip it last saw there. */
export function madeBranchRef(branch: string): string {
  return `${KEPT_REFS}/made/${branch}`
}

/**
 * Records, durably, that this tool made `branch` (or saw it at `tip` since): only such a branch
 * is resumed by a later run, and only while its history still holds `tip` (the agent's
 * commits since descend from it). Written when the branch is made, before any agent runs.
 */
export async function recordMadeBranch(
  git: GitCommandManager,
  branch: string,
  tip: string
): Promise<void> {
  await git.run(['update-ref', madeBranchRef(branch), tip])
}

/** The branch was not where the caller saw it (someone moved, made or deleted it since). */
export class BranchMovedError extends Error {
  override name = 'BranchMovedError'
}

/**
 * Points `branch` at `start` for a new task and records that this tool made it there
 * (recordMadeBranch), in one ref transaction: a run killed in between cannot leave one
 * without the other. Only while the branch is where the caller looked (`seen`, null: there
 * was none): BranchMovedError otherwise, nothing changed.
 */
export async function makeBranch(
  git: GitCommandManager,
  branch: string,
  start: string,
  reason: string,
  seen: string | null
): Promise<void> {
  const ref = branchRef(branch)
  try {
    await git.updateRefs(
      [
        { ref, to: start, from: seen },
        { ref: madeBranchRef(branch), to: start }
      ],
      { reason }
    )
  } catch (error) {
    const now = await git.resolveCommit(ref).catch(() => seen)
    if (now !== seen) {
      throw new BranchMovedError(
        `branch ${branch} is at ${now?.slice(0, 12) ?? 'nothing'} where ${seen?.slice(0, 12) ?? 'no branch'} was seen`
      )
    }
    throw error
  }
}

/**
 * Whether `branch`, now at `tip`, is one this tool made: recorded, and its history holds the
 * recorded tip. `missing`: no record (another tool, a person or an agent made it); `rewritten`:
 * the branch no longer holds what the run saw on it (recreated or reset by someone else).
 */
export async function madeBranchState(
  git: GitCommandManager,
  branch: string,
  tip: string
): Promise<'made' | 'missing' | 'rewritten'> {
  const recorded = await git.resolveCommit(madeBranchRef(branch))
  if (!recorded) return 'missing'
  return recorded === tip || (await git.isAncestor(recorded, tip)) ? 'made' : 'rewritten'
}

/** The branch is gone (merged and deleted, or deleted empty): its record goes with it. */
export async function forgetMadeBranch(git: GitCommandManager, branch: string): Promise<void> {
  await git.exec(['update-ref', '-d', madeBranchRef(branch)], {
    okExitCodes: [1, 128]
  })
}

/** The ref under which a tip of `baseBranch` that an agent moved base away from is kept. */
/** Where a tip base was moved to is kept: refs/parallel-worktree/moved-base/<base>-<sha>. */
export function movedBaseRef(baseBranch: string, tip: string): string {
  return `${KEPT_REFS}/moved-base/${baseBranch}-${tip.slice(0, 12)}`
}

export function movedBaseRefPrefix(baseBranch: string): string {
  return `${KEPT_REFS}/base/${baseBranch}-`
}

/** The tips kept under refs/parallel-worktree/base/ for `baseBranch`, with their commits. */
async function keptBaseTips(
  git: GitCommandManager,
  baseBranch: string,
  /** Only those this commit holds. */
  heldBy?: string
): Promise<{ ref: string; commit: string }[]> {
  const prefix = movedBaseRefPrefix(baseBranch)
  const folder = `${KEPT_REFS}/base/`
  const refs = heldBy ? await git.refsHeldBy(heldBy, folder) : await git.refsUnder(folder)
  // Exactly <prefix><12 hex>: base `release/x` must not take the tips of `release/x-y`.
  return refs.filter(
    ({ ref }) => ref.startsWith(prefix) && /^[0-9a-f]{12}$/.test(ref.slice(prefix.length))
  )
}

/**
 * Drops the tips kept for `baseBranch` that base holds again (put back, or never moved away):
 * nothing is reachable only from them.
 */
export async function dropHeldBaseTips(git: GitCommandManager, baseBranch: string): Promise<void> {
  const tip = await git.resolveCommit(branchRef(baseBranch))
  if (!tip) return
  // One listing and one transaction for all of them (a run keeps one per merge); each only
  // while it still points where it was read, else one at a time, so that only that one stays.
  const held = await keptBaseTips(git, baseBranch, tip)
  if (await git.deleteRefs(held.map(({ ref, commit }) => ({ ref, expected: commit })))) return
  for (const { ref, commit } of held) await git.deleteRef(ref, commit)
}

/**
 * The tips of `baseBranch` that a run kept because an agent moved base away from them (or
 * that a run killed before it ended kept as its last good tip), and that base still does not
 * hold (nobody put them back).
 */
export async function movedAwayBaseTips(
  git: GitCommandManager,
  baseBranch: string
): Promise<string[]> {
  const tip = await git.resolveCommit(branchRef(baseBranch))
  const lost: string[] = []
  for (const { ref, commit } of await keptBaseTips(git, baseBranch)) {
    if (!tip || !(await git.isAncestor(commit, tip))) lost.push(ref)
  }
  return lost
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
  const ref = keptRef(kind, name, commit)
  await git.run(['update-ref', ref, commit])
  return ref
}

/** The ref keepCommit keeps `commit` under: refs/parallel-worktree/<kind>/<name>-<short sha>. */
export function keptRef(kind: string, name: string, commit: string): string {
  return `${KEPT_REFS}/${kind}/${name}-${commit.slice(0, 12)}`
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
  name: string,
  /** Commits known to be on a ref that stays (the branch's own): no walk is needed for them. */
  reachable: ReadonlySet<string> = new Set()
): Promise<string[]> {
  const tips: string[] = []
  for (const log of logs) tips.push(...(await reflogCommits(git, log)))
  const unknown = [...new Set(tips)].filter((tip) => !reachable.has(tip))
  return keepUnreachable(git, unknown, 'dropped', name)
}

/**
 * keepReflogOnlyCommits for several names at once: the reflogs read side by side, and one walk
 * over all their commits says whether any is kept (the common answer, none, costs one call).
 * Returns the refs made, in the order of `items`.
 */
export async function keepReflogOnlyCommitsOfEach(
  git: GitCommandManager,
  items: readonly { logs: readonly string[]; name: string; tips?: readonly string[] }[],
  /** Refs deleted with those logs: what only they reach counts as unreachable. */
  going: readonly string[] = []
): Promise<string[][]> {
  const tips = await Promise.all(
    items.map(async ({ logs, tips: more = [] }) => [
      ...new Set([
        ...(await Promise.all(logs.map((log) => reflogCommits(git, log)))).flat(),
        ...more
      ])
    ])
  )
  const every = [...new Set(tips.flat())]
  if (every.length === 0 || !(await anyUnreachable(git, every, going))) {
    return items.map(() => [])
  }
  const kept: string[][] = []
  for (const [at, { name }] of items.entries()) {
    kept.push(await keepUnreachable(git, tips[at], 'dropped', name, going))
  }
  return kept
}

/** `--not --all`, but for the refs `going` (about to be deleted). */
function notReachedBy(going: readonly string[]): string[] {
  return ['--not', ...going.map((ref) => `--exclude=${ref}`), '--all']
}

/** Whether any of `tips` is reached by no ref (but those `going`): one walk. */
async function anyUnreachable(
  git: GitCommandManager,
  tips: readonly string[],
  going: readonly string[] = []
): Promise<boolean> {
  const walked = await git.exec(['rev-list', '--stdin', ...notReachedBy(going)], {
    input: `${tips.join('\n')}\n`,
    okExitCodes: [128]
  })
  return walked.exitCode === 0 && walked.stdout.trim() !== ''
}

/**
 * Keeps, under refs/parallel-worktree/<kind>/<name>-<sha>, each of `tips` (newest first) that
 * no ref reaches (branches, tags, ours, the other worktrees' HEADs). Returns the refs made.
 */
export async function keepUnreachable(
  git: GitCommandManager,
  tips: readonly string[],
  kind: string,
  name: string,
  /** Refs about to be deleted: what only they reach is kept too. */
  going: readonly string[] = []
): Promise<string[]> {
  if (tips.length === 0) return []
  // One walk says whether any tip is unreachable: the common answer, none, costs one call.
  if (!(await anyUnreachable(git, tips, going))) return []
  const kept: string[] = []
  // Newest first: once a tip is kept, the older ones it holds are reachable.
  for (const tip of tips) {
    const unreachable = await git.exec(['rev-list', '-1', tip, ...notReachedBy(going), '--'], {
      okExitCodes: [128]
    })
    if (unreachable.exitCode === 0 && unreachable.stdout.trim()) {
      kept.push(await keepCommit(git, kind, name, tip))
    }
  }
  return kept
}
