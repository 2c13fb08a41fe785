import type { Logger } from '../core/logger.js'
import { SerialQueue } from '../core/serial-queue.js'
import { deleteBranchIfSafe } from '../git/branch-deletion.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { branchRef } from '../git/refs.js'
import { advanceBranch } from './advance-branch.js'
import {
  commitMergedTree,
  describeConflict,
  mergeTrees,
  type ConflictNote,
  type TreeMerge
} from './merge-tree.js'
import { findBranchUse } from './branch-use.js'
import { riskOrder } from './risk-order.js'
import type { VerifyItem, VerifyQueue } from './verify-queue.js'

/** One completed branch to merge. */
export interface MergeRequest {
  branch: string
  priority: number
  /** What to merge when it is not `refs/heads/<branch>` (merge mode: a fetched branch). */
  ref?: string
}

export interface MergeAttempt {
  outcome: 'merged' | 'conflict' | 'failed' | 'verify-failed'
  /** The merge commit when merged (the base tip when the branch was already in base). */
  commit: string | null
  conflictFiles: string[]
  error: string | null
  branch: string
  priority: number
  /** What kind of conflict, per path (modify/delete, binary, rename...). */
  conflicts: ConflictNote[]
  /** The base tip the merge was made on (or that stayed in place). */
  baseBefore: string | null
  /** The checkout of base that was brought to the merge, when base is checked out. */
  checkout: string | null
  /** Times base moved under the merge and it was redone on the new tip. */
  retries: number
  /** The branch's tip was already in base: nothing was committed. */
  alreadyMerged: boolean
}

/** A merge made in the object store on a tip of base, not applied to the branch yet. */
type PreparedMerge =
  | { kind: 'already-merged' }
  | { kind: 'conflict'; merged: TreeMerge }
  | { kind: 'commit'; commit: string; tree: string }

export interface MergeEngineOptions {
  /** Redo a merge on the new tip when base moved between reading it and updating it. */
  raceRetries?: number
  /** The verify gate: base moves only to a candidate that passed verify-command. */
  verify?: VerifyQueue
  /** The plan's import hubs (separation.hub_files): a branch changing one merges later. */
  importHubs?: ReadonlySet<string>
  /**
   * Asked with each tip of base a merge read (null: base is gone) before anything is made on
   * it: a reason not to merge onto it (the run's base guard: base was moved off the run's
   * history), or null. A refused merge fails with that reason, base untouched.
   */
  baseCheck?: (tip: string | null) => Promise<string | null>
}

function newAttempt({ branch, priority }: MergeRequest): MergeAttempt {
  return {
    outcome: 'failed',
    commit: null,
    conflictFiles: [],
    error: null,
    branch,
    priority,
    conflicts: [],
    baseBefore: null,
    checkout: null,
    retries: 0,
    alreadyMerged: false
  }
}

/** The message of a merge commit, and of base's reflog entry when several go in at once. */
export function mergeMessage(...priorities: number[]): string {
  return `Merge PRIORITY ${priorities.join(', ')} from parallel execution`
}

/**
 * Merges branches into the base branch in the object store: merge-tree, commit-tree (a
 * `--no-ff` merge: parents base tip and branch tip), then the base moves by compare-and-swap,
 * or by a fast-forward in the checkout that has it (see advance-branch). A conflict is judged
 * by merge-tree's exit status, never by markers, and leaves base, every checkout, index and
 * file exactly as they were; the branch is kept. Calls are serialised: one merge at a time,
 * each on the tip the previous one left.
 */
export class MergeEngine {
  private readonly queue = new SerialQueue()
  private waiting: { request: MergeRequest; done: (attempt: MergeAttempt) => void }[] = []
  private support: Promise<string | null> | null = null
  private readonly raceRetries: number
  private readonly verify: VerifyQueue | undefined
  private readonly importHubs: ReadonlySet<string>

  constructor(
    private readonly git: GitCommandManager,
    private readonly baseBranch: string,
    private readonly logger: Logger,
    options: MergeEngineOptions = {}
  ) {
    this.raceRetries = options.raceRetries ?? 1
    this.verify = options.verify
    this.importHubs = options.importHubs ?? new Set()
    this.baseCheck = options.baseCheck ?? (() => Promise.resolve(null))
  }

  private readonly baseCheck: (tip: string | null) => Promise<string | null>

  /**
   * Merges one branch. Calls made while another merge is in progress wait for it and then go
   * in together, as one chain (mergeAll): agents that end together are merged at once.
   */
  merge(branch: string, priority: number, ref?: string): Promise<MergeAttempt> {
    return new Promise((done) => {
      this.waiting.push({ request: { branch, priority, ref }, done })
      if (this.waiting.length > 1) return // the turn already queued takes this one too
      void this.queue.run(async () => {
        const turn = this.waiting.splice(0)
        const requests = turn.map((waiting) => waiting.request)
        // Every caller gets an answer, whatever happens: a run waits on these to end.
        const attempts = await this.mergeInOrder(requests).catch((error: Error) =>
          requests.map((request) => ({
            ...newAttempt(request),
            error: `merging ${request.branch} into ${this.baseBranch} failed: ${error.message}`
          }))
        )
        turn.forEach((waiting, index) => waiting.done(attempts[index]))
      })
    })
  }

  /**
   * Merges in the order given (deterministic), each on the one before it; a conflict does not
   * stop the rest. Made as a chain first (see mergeChain); when the chain cannot be applied,
   * one by one, which says exactly which merge is refused and why.
   */
  mergeAll(requests: readonly MergeRequest[]): Promise<MergeAttempt[]> {
    return this.queue.run(() => this.mergeInOrder(requests))
  }

  /** mergeAll's work, in the queue's turn. */
  private async mergeInOrder(requests: readonly MergeRequest[]): Promise<MergeAttempt[]> {
    if (this.verify) return this.mergeVerified(requests, this.verify)
    const chained = await this.mergeChain(requests)
    if (chained) return chained
    const attempts: MergeAttempt[] = []
    for (const request of requests) attempts.push(await this.mergeNow(request))
    return attempts
  }

  /**
   * Deletes a branch whose work is in base (checked first: a branch is never lost) and that no
   * worktree has checked out. Returns whether it was deleted.
   */
  async deleteMergedBranch(branch: string): Promise<boolean> {
    const deletion = await deleteBranchIfSafe(this.git, branch, { base: this.baseBranch })
    if (!deletion.deleted && deletion.because === 'checked-out') {
      this.logger.debug(`Kept ${branch}: it is checked out in ${deletion.where}`)
    }
    return deletion.deleted
  }

  private supportProblem(): Promise<string | null> {
    this.support ??= this.git.versionProblem()
    return this.support
  }

  /**
   * The batch way: every merge made in the object store, each on the one before it, then base
   * moved once, from the tip read at the start to the last merge, with its checkout brought
   * along in one update (never half-merged: all or nothing). Two git calls per merge instead of
   * five to seven. Null when the chain was not applied (base moved meanwhile, the checkout
   * refused, a branch is missing, an error): nothing was changed then.
   */
  private async mergeChain(requests: readonly MergeRequest[]): Promise<MergeAttempt[] | null> {
    if (requests.length < 2) return null
    try {
      if (await this.supportProblem()) return null
      const known = await this.resolveAll(requests)
      if (!known) return null
      const refused = await this.baseCheck(known.base)
      if (refused) return requests.map((request) => ({ ...newAttempt(request), error: refused }))
      const use = await findBranchUse(this.git, this.baseBranch)
      let tip = known.base
      let tree = known.tree
      const attempts: MergeAttempt[] = []
      const reports: (() => void)[] = []
      for (const [index, request] of requests.entries()) {
        const attempt = newAttempt(request)
        attempt.baseBefore = tip
        const prepared = await this.prepareMerge(request, tip, tree, known.tips[index])
        reports.push(this.record(attempt, prepared, tip))
        if (prepared.kind === 'commit') [tip, tree] = [prepared.commit, prepared.tree]
        attempts.push(attempt)
      }
      if (tip !== known.base) {
        const merged = attempts.filter((a) => a.outcome === 'merged' && !a.alreadyMerged)
        const advanced = await advanceBranch(
          this.git,
          {
            branch: this.baseBranch,
            from: known.base,
            to: tip,
            reason: mergeMessage(...merged.map((a) => a.priority)),
            remedy: 'merge again'
          },
          use
        )
        if (!advanced.ok) {
          this.logger.info(
            `Merging the ${requests.length} branches one at a time (all at once was not possible: ${advanced.error})`
          )
          return null
        }
        for (const attempt of merged) attempt.checkout = advanced.checkout
      }
      for (const report of reports) report()
      return attempts
    } catch (error) {
      this.logger.debug(`merging as a chain failed: ${(error as Error).message}`)
      return null
    }
  }

  /**
   * The gated way: the batch's merges made in the object store in risk order (conflicts and
   * branches already in base settled there), the verify gate finds the largest set of them
   * that passes verify-command, and base moves once, to exactly the candidate that passed.
   * A culprit's merge is `verify-failed` and its branch kept. When base moved meanwhile, all
   * of it is done again on the new tip (a candidate on an old base proves nothing).
   */
  private async mergeVerified(
    requests: readonly MergeRequest[],
    gate: VerifyQueue
  ): Promise<MergeAttempt[]> {
    const problem = await this.supportProblem()
    if (problem) return requests.map((request) => ({ ...newAttempt(request), error: problem }))
    for (let race = 0; ; race++) {
      const attempts = requests.map(newAttempt)
      const read = await this.git.resolveCommit(branchRef(this.baseBranch))
      const refused = await this.baseCheck(read)
      if (refused) return requests.map((request) => ({ ...newAttempt(request), error: refused }))
      const base = read ?? (await this.git.requireBranchTip(this.baseBranch))
      const baseTree = await this.git.treeOf(base)
      const tips = await Promise.all(
        requests.map((r) => this.git.resolveCommit(r.ref ?? branchRef(r.branch)))
      )
      const present = requests.map((_, i) => i).filter((i) => tips[i])
      for (const [i, request] of requests.entries()) {
        attempts[i].baseBefore = base
        if (!tips[i])
          attempts[i].error = `${request.ref ?? branchRef(request.branch)} does not name a commit`
      }
      const order = (
        await riskOrder(
          this.git,
          base,
          present.map((i) => tips[i]!),
          this.importHubs
        )
      ).map((k) => present[k])
      const items: VerifyItem[] = []
      const itemRequest: number[] = []
      const reports: (() => void)[] = []
      let [tip, tree] = [base, baseTree]
      for (const index of order) {
        const request = requests[index]
        const prepared = await this.prepareMerge(request, tip, tree, tips[index]!)
        if (prepared.kind === 'commit') {
          items.push({ priority: request.priority, branch: request.branch, tip: tips[index]! })
          itemRequest.push(index)
          ;[tip, tree] = [prepared.commit, prepared.tree]
        } else reports.push(this.record(attempts[index], prepared, tip))
      }
      if (items.length === 0) {
        for (const report of reports) report()
        return attempts
      }
      const found = await gate.search(base, items, mergeMessage)
      if (found.baseFails) {
        for (const index of itemRequest) {
          attempts[index].error =
            `verify-command fails on ${this.baseBranch} (${base.slice(0, 12)}) without any branch: nothing was merged and nobody was blamed; make ${this.baseBranch} pass it, then merge again`
        }
        this.logger.error(attempts[itemRequest[0]].error!)
        return attempts
      }
      for (const culprit of found.culprits) {
        const attempt = attempts[itemRequest[culprit.item]]
        Object.assign(attempt, {
          outcome: 'verify-failed',
          error: `verify-command failed on ${this.baseBranch} with ${attempt.branch} merged (and passed without it); ${attempt.branch} is kept. To reproduce: ${culprit.reproduce}`
        })
        reports.push(() => this.logger.warning(`PRIORITY ${attempt.priority}: ${attempt.error}`))
      }
      if (found.good.length) {
        const landing = found.good.map((item) => attempts[itemRequest[item]])
        const advanced = await advanceBranch(this.git, {
          branch: this.baseBranch,
          from: base,
          to: found.goodCommit,
          reason: `Merge PRIORITY ${landing.map((a) => a.priority).join(', ')} from parallel execution (verified)`,
          remedy: 'merge again'
        })
        if (!advanced.ok && advanced.raced && race < this.raceRetries) {
          this.logger.info(
            `${this.baseBranch} moved while verifying: verifying again on its new tip`
          )
          continue
        }
        for (const item of found.good) {
          const attempt = attempts[itemRequest[item]]
          if (advanced.ok) {
            Object.assign(attempt, {
              outcome: 'merged',
              commit: found.commits.get(item) ?? null,
              checkout: advanced.checkout,
              retries: race
            })
            reports.push(() =>
              this.logger.info(`Merged ${attempt.branch} into ${this.baseBranch} (verified)`)
            )
          } else {
            Object.assign(attempt, {
              error: `${attempt.branch} was verified but not merged: ${advanced.error}`,
              checkout: advanced.checkout
            })
          }
        }
      }
      for (const report of reports) report()
      return attempts
    }
  }

  private async mergeNow(request: MergeRequest): Promise<MergeAttempt> {
    const { branch } = request
    const attempt = newAttempt(request)
    try {
      const problem = await this.supportProblem()
      if (problem) return { ...attempt, error: problem }
      for (;;) {
        const done = await this.tryMerge(request, attempt)
        if (done || attempt.retries >= this.raceRetries) return attempt
        attempt.retries++
        this.logger.info(
          `${this.baseBranch} moved while merging ${branch}: merging again on its new tip`
        )
      }
    } catch (error) {
      attempt.outcome = 'failed'
      attempt.error = `merging ${branch} into ${this.baseBranch} failed: ${(error as Error).message}`
      this.logger.error(attempt.error)
      return attempt
    }
  }

  /** One merge on base's current tip; false when base moved under it (worth redoing). */
  private async tryMerge(request: MergeRequest, attempt: MergeAttempt): Promise<boolean> {
    const { branch, priority } = request
    const base = this.baseBranch
    // A missing branch: this merge's error names it.
    const known = await this.resolveAll([request])
    const refused = await this.baseCheck(
      known ? known.base : await this.git.resolveCommit(branchRef(base))
    )
    if (refused) {
      Object.assign(attempt, { outcome: 'failed', commit: null, error: refused })
      return true
    }
    if (!known) throw await this.missing(request)
    const { base: baseTip, tree: baseTree } = known
    const [tip] = known.tips
    attempt.baseBefore = baseTip

    // Where base is checked out, listed while the merge is made (after baseTip was read, so a
    // checkout that moved base since shows as a race).
    const [prepared, use] = await Promise.all([
      this.prepareMerge(request, baseTip, baseTree, tip),
      findBranchUse(this.git, base)
    ])
    if (prepared.kind !== 'commit') {
      this.record(attempt, prepared, baseTip)()
      return true
    }
    const advanced = await advanceBranch(
      this.git,
      {
        branch: base,
        from: baseTip,
        to: prepared.commit,
        reason: mergeMessage(priority),
        remedy: `merge ${branch} again (parallel-worktree merge --priorities ${priority}, or git merge --no-ff ${branch})`
      },
      use
    )
    if (advanced.ok) {
      const report = this.record(attempt, prepared, baseTip)
      attempt.checkout = advanced.checkout
      report()
      return true
    }
    Object.assign(attempt, {
      outcome: 'failed',
      commit: null,
      checkout: advanced.checkout,
      error: `${branch} was not merged: ${advanced.error}`
    })
    if (!advanced.raced) this.logger.error(`PRIORITY ${priority}: ${attempt.error}`)
    return !advanced.raced
  }

  /** The merge of a branch's commit into a tip of base, made in the object store only. */
  private async prepareMerge(
    request: MergeRequest,
    baseTip: string,
    baseTree: string,
    tip: string
  ): Promise<PreparedMerge> {
    const merged = await mergeTrees(this.git, baseTip, tip)
    // Base's own tree back means nothing to add; only then is ancestry worth a call.
    if (merged.clean && merged.tree === baseTree && (await this.git.isAncestor(tip, baseTip))) {
      return { kind: 'already-merged' }
    }
    if (!merged.clean) return { kind: 'conflict', merged }
    const commit = await commitMergedTree(
      this.git,
      merged.tree,
      baseTip,
      tip,
      mergeMessage(request.priority)
    )
    return { kind: 'commit', commit, tree: merged.tree }
  }

  /**
   * Writes a prepared merge into its attempt, as applied; returns what to log about it, to be
   * called once it is (a chain logs only when the whole chain went in).
   */
  private record(attempt: MergeAttempt, prepared: PreparedMerge, baseTip: string): () => void {
    const { branch, priority } = attempt
    const base = this.baseBranch
    if (prepared.kind === 'already-merged') {
      Object.assign(attempt, {
        outcome: 'merged',
        commit: baseTip,
        alreadyMerged: true,
        error: null
      })
      return () => this.logger.info(`${branch} is already in ${base}: nothing to merge`)
    }
    if (prepared.kind === 'conflict') {
      const { merged } = prepared
      Object.assign(attempt, {
        outcome: 'conflict',
        commit: null,
        conflictFiles: merged.conflictFiles,
        conflicts: merged.conflicts,
        error: null
      })
      return () =>
        this.logger.warning(
          `PRIORITY ${priority}: ${branch} conflicts with ${base} in ${describeConflict(merged)}; ${base} is unchanged and ${branch} is kept`
        )
    }
    Object.assign(attempt, { outcome: 'merged', commit: prepared.commit, error: null })
    return () => {
      const where = attempt.checkout ? ` and updated ${attempt.checkout}` : ''
      this.logger.info(`Merged ${branch} into ${base} (${prepared.commit.slice(0, 12)})${where}`)
    }
  }

  /** Base's commit and tree and every request's commit in one call; null when one is missing. */
  private async resolveAll(
    requests: readonly MergeRequest[]
  ): Promise<{ base: string; tree: string; tips: string[] } | null> {
    const baseRef = branchRef(this.baseBranch)
    const ids = await this.git.resolveAll([
      `${baseRef}^{commit}`,
      `${baseRef}^{tree}`,
      ...requests.map((request) => `${tipRef(request)}^{commit}`)
    ])
    if (!ids) return null
    const [base, tree, ...tips] = ids
    return { base, tree, tips }
  }

  /** What resolveAll could not find for this merge, as the error of its attempt. */
  private async missing(request: MergeRequest): Promise<Error> {
    for (const ref of [branchRef(this.baseBranch), tipRef(request)]) {
      if (!(await this.git.resolveCommit(ref))) return new Error(`${ref} does not name a commit`)
    }
    return new Error(`cannot resolve ${branchRef(this.baseBranch)} and ${tipRef(request)}`)
  }
}

/** What a request merges: its fetched ref (merge mode), or its branch. */
function tipRef(request: MergeRequest): string {
  return request.ref ?? branchRef(request.branch)
}
