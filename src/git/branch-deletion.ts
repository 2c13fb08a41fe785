import { SerialQueue } from '../core/serial-queue.js'
import type { GitCommandManager } from './git-command-manager.js'
import { forgetMadeBranch, keepReflogOnlyCommitsOfEach, madeBranchRef } from './kept-refs.js'
import { branchRef } from './refs.js'
import { listWorktrees } from './worktree-list.js'

/** What became of a branch the run asked to delete. */
export type BranchDeletion =
  /** `kept`: commits that only the branch's reflog still reached, kept under refs of ours. */
  | { deleted: true; kept: string[] }
  | { deleted: false; because: 'missing' | 'no-base' | 'checked-out' | 'moved'; where?: string }
  | { deleted: false; because: 'unique-commits'; commits: number }

/** A branch to delete when that loses nothing: every commit on it is in `base` or `startPoint`. */
export interface BranchDeletionRequest {
  branch: string
  base?: string
  startPoint?: string
  /**
   * Records of ours that go whatever becomes of the branch (a merged branch's judgement): in
   * the same ref transaction as the deletions, or on their own when none is made.
   */
  forget?: readonly string[]
}

/**
 * Deletes a branch only when that loses nothing, and only if it still points where we looked:
 * every commit on it is in `base` or in `startPoint` (where the run made it), no worktree has
 * it checked out, and the deletion is a compare-and-swap on the tip that was checked. The
 * deletion takes the branch's reflog with it: commits only that still reached (an agent's
 * commit it then reset away) are kept first, and the record that this tool made the branch
 * goes. The run, the modes and the cleanup of leftovers all delete branches through here.
 */
export async function deleteBranchIfSafe(
  git: GitCommandManager,
  branch: string,
  options: { base?: string; startPoint?: string }
): Promise<BranchDeletion> {
  const [deletion] = await deleteBranchesIfSafe(git, [{ branch, ...options }])
  return deletion
}

/**
 * deleteBranchIfSafe for many branches at once, with the same checks for each, and the
 * branches that pass them (and their records under refs/parallel-worktree/made/) deleted in
 * one ref transaction: one git process for all of them, and all or none. When the transaction
 * fails (a branch moved since it was checked), each is deleted on its own, so that only the
 * one that moved stays. Answers in the order of `requests`.
 */
export async function deleteBranchesIfSafe(
  git: GitCommandManager,
  requests: readonly BranchDeletionRequest[]
): Promise<BranchDeletion[]> {
  const results: BranchDeletion[] = []
  if (requests.length === 0) return results
  const forget = [...new Set(requests.flatMap((request) => request.forget ?? []))].map((ref) => ({
    ref
  }))
  // Whatever the checks below decide about the branches, these records go (as forgetJudgement:
  // one that is missing already is no error).
  const forgetAlone = async (): Promise<void> => {
    await git.deleteRefs(forget)
  }
  const refs = requests.map((request) => branchRef(request.branch))
  const bases = requests.flatMap((request) => (request.base ? [branchRef(request.base)] : []))
  const made = requests.map((request) => madeBranchRef(request.branch))
  const tips = await git.refTips([...new Set([...refs, ...bases, ...made])])
  // The branches each base holds whole, for all of them at once (the common case: merged).
  const held = new Set<string>()
  for (const base of new Set(bases)) {
    const baseTip = tips.get(base)
    const theirs = refs.filter(
      (ref, index) => requests[index].base && branchRef(requests[index].base) === base
    )
    if (!baseTip || theirs.length === 0) continue
    for (const { ref, commit } of await git.refsHeldBy(baseTip, ...theirs)) {
      if (tips.get(ref) === commit) held.add(`${base}\0${ref}`)
    }
  }
  const safe: { index: number; ref: string; tip: string }[] = []
  await Promise.all(
    requests.map(async (request, index) => {
      const ref = refs[index]
      const tip = tips.get(ref)
      if (!tip) return (results[index] = { deleted: false, because: 'missing' })
      const excluded: string[] = []
      if (request.base && tips.has(branchRef(request.base))) excluded.push(branchRef(request.base))
      if (request.startPoint) excluded.push(request.startPoint)
      if (excluded.length === 0) return (results[index] = { deleted: false, because: 'no-base' })
      const inBase = request.base && held.has(`${branchRef(request.base)}\0${ref}`)
      if (!inBase && tip !== request.startPoint) {
        const commits = await git.countCommitsNotIn(tip, excluded)
        if (commits > 0) {
          return (results[index] = { deleted: false, because: 'unique-commits', commits })
        }
      }
      safe.push({ index, ref, tip })
    })
  )
  if (safe.length === 0) {
    await forgetAlone()
    return results
  }
  const worktrees = await listWorktrees(git)
  const going = safe.filter(({ index, ref }) => {
    const holder = worktrees.find((worktree) => worktree.ref === ref)
    if (holder) results[index] = { deleted: false, because: 'checked-out', where: holder.path }
    return !holder
  })
  // What only the branch's reflog, or the record of it that goes with it, reaches.
  const kept = await keepReflogOnlyCommitsOfEach(
    git,
    going.map(({ index, ref }) => ({
      logs: [ref],
      name: requests[index].branch,
      tips: tips.has(made[index]) ? [tips.get(made[index])!] : []
    })),
    going.flatMap(({ index, ref }) => [ref, made[index]])
  )
  // A branch of that name made later by anyone else must not pass for ours: its record goes.
  const together = await git.deleteRefs([
    ...going.flatMap(({ index, ref, tip }) => [{ ref, expected: tip }, { ref: made[index] }]),
    ...forget
  ])
  if (!together) await forgetAlone()
  await Promise.all(
    going.map(async ({ index, ref, tip }, at) => {
      if (!together) {
        if (!(await git.deleteRef(ref, tip))) {
          return (results[index] = { deleted: false, because: 'moved' })
        }
        await forgetMadeBranch(git, requests[index].branch)
      }
      results[index] = { deleted: true, kept: kept[at] }
    })
  )
  return results
}

/**
 * Branch deletions gathered while a run ends its tasks, made together: `add` queues one (its
 * promise settles at the next flush), `flush` deletes every queued branch through
 * deleteBranchesIfSafe, in one ref transaction. The run flushes once nothing is pending (no
 * worktree left to remove), so that a branch's worktree is gone before its branch is looked at.
 */
export class BranchSweep {
  private queued: {
    request: BranchDeletionRequest
    settle: (deletion: BranchDeletion) => void
    fail: (error: Error) => void
  }[] = []

  /** Flushes one after the other: a flush returns only when the ones before it are done. */
  private readonly line = new SerialQueue()

  constructor(private readonly git: GitCommandManager) {}

  add(request: BranchDeletionRequest): Promise<BranchDeletion> {
    return new Promise((settle, fail) => this.queued.push({ request, settle, fail }))
  }

  get pending(): number {
    return this.queued.length
  }

  /** Resolves once every deletion queued so far is done (also those an earlier flush took). */
  flush(): Promise<void> {
    return this.line.run(() => this.deleteQueued())
  }

  private async deleteQueued(): Promise<void> {
    const batch = this.queued.splice(0)
    if (batch.length === 0) return
    try {
      const deletions = await deleteBranchesIfSafe(
        this.git,
        batch.map(({ request }) => request)
      )
      batch.forEach(({ settle }, at) => settle(deletions[at]))
    } catch (error) {
      for (const { fail } of batch) fail(error as Error)
    }
  }
}
