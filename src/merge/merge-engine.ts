import type { GitCommandManager } from '../git/git-command-manager.js'
import type { Logger } from '../engine/logger.js'
import { advanceBranch } from './advance-branch.js'
import { gitSupportProblem } from './git-support.js'
import { describeConflict, mergeTrees, type ConflictNote } from './merge-tree.js'
import {
  describeForecast,
  forecastMerges,
  type ForecastOptions,
  type MergeForecast
} from './forecast.js'
import { findBranchUse, listWorktrees } from './worktree-list.js'

/** One completed branch to merge. */
export interface MergeRequest {
  branch: string
  priority: number
  /** What to merge when it is not `refs/heads/<branch>` (merge mode: a fetched branch). */
  ref?: string
}

export interface MergeAttempt {
  outcome: 'merged' | 'conflict' | 'failed'
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

/** What a merge starts from: base's tip and tree and the branch's commit. */
interface ResolvedMerge {
  base: string
  tree: string
  tip: string
}

export interface MergeEngineOptions {
  /** Redo a merge on the new tip when base moved between reading it and updating it. */
  raceRetries?: number
}

export function mergeMessage(priority: number): string {
  return `Merge PRIORITY ${priority} from parallel execution`
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
  private queue: Promise<unknown> = Promise.resolve()
  private support: Promise<string | null> | null = null
  private readonly raceRetries: number
  /** Base's tip and tree as the last merge left them (null when it failed). */
  private baseAfter: { base: string; tree: string } | null = null

  constructor(
    private readonly git: GitCommandManager,
    private readonly baseBranch: string,
    private readonly logger: Logger,
    options: MergeEngineOptions = {}
  ) {
    this.raceRetries = options.raceRetries ?? 1
  }

  merge(branch: string, priority: number, ref?: string): Promise<MergeAttempt> {
    return this.serialised(() => this.mergeNow({ branch, priority, ref }))
  }

  /**
   * Merges in the order given (deterministic), one by one; a conflict does not stop the rest.
   * Base and every branch are read in one call up front; each merge then starts from the
   * commit and tree the one before it left (every update is still a compare-and-swap, and a
   * merge that finds base moved reads it again).
   */
  mergeAll(requests: readonly MergeRequest[]): Promise<MergeAttempt[]> {
    return this.serialised(async () => {
      let known = await this.resolveAll(requests)
      const attempts: MergeAttempt[] = []
      for (const [index, request] of requests.entries()) {
        const hint = known && { base: known.base, tree: known.tree, tip: known.tips[index] }
        attempts.push(await this.mergeNow(request, hint ?? undefined))
        // The next merge starts where this one left base; after a failure each reads its own.
        known = known && this.baseAfter && { ...known, ...this.baseAfter }
      }
      return attempts
    })
  }

  /**
   * Which branches would merge cleanly into base's current tip, and which conflict with each
   * other; changes nothing (objects only). Logged, and returned for the report.
   */
  async predict(
    requests: readonly MergeRequest[],
    options: ForecastOptions = {}
  ): Promise<MergeForecast> {
    const problem = await this.supportProblem()
    if (problem) throw new Error(problem)
    const forecast = await forecastMerges(this.git, this.baseBranch, requests, options)
    this.logger.group(
      `Merge forecast: ${forecast.branches.filter((b) => b.outcome === 'clean').length} of ${forecast.branches.length} branches merge cleanly into ${this.baseBranch}`,
      describeForecast(forecast).join('\n')
    )
    return forecast
  }

  /**
   * Deletes a branch whose work is in base (checked first: a branch is never lost) and that no
   * worktree has checked out. Returns whether it was deleted.
   */
  async deleteMergedBranch(branch: string): Promise<boolean> {
    const ref = `refs/heads/${branch}`
    const tip = await this.git.resolveCommit(ref)
    if (!tip || !(await this.git.isAncestor(tip, `refs/heads/${this.baseBranch}`))) return false
    const holder = (await listWorktrees(this.git)).find((wt) => wt.ref === ref)
    if (holder) {
      this.logger.debug(`Kept ${branch}: it is checked out in ${holder.path}`)
      return false
    }
    await this.git.exec(['update-ref', '-d', ref, tip])
    return true
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work)
    this.queue = next.catch(() => undefined)
    return next
  }

  private supportProblem(): Promise<string | null> {
    this.support ??= gitSupportProblem(this.git)
    return this.support
  }

  private async mergeNow(request: MergeRequest, hint?: ResolvedMerge): Promise<MergeAttempt> {
    const { branch, priority } = request
    const attempt: MergeAttempt = {
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
    this.baseAfter = null
    try {
      const problem = await this.supportProblem()
      if (problem) return { ...attempt, error: problem }
      for (;;) {
        // The hint serves the first try only: a retry means base moved, so it is read again.
        const done = await this.tryMerge(request, attempt, attempt.retries ? undefined : hint)
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
  private async tryMerge(
    request: MergeRequest,
    attempt: MergeAttempt,
    hint?: ResolvedMerge
  ): Promise<boolean> {
    const { branch, priority } = request
    const base = this.baseBranch
    this.baseAfter = null
    const [baseTip, tip, baseTree] = hint
      ? [hint.base, hint.tip, hint.tree]
      : await this.resolve(`refs/heads/${base}`, request.ref ?? `refs/heads/${branch}`)
    attempt.baseBefore = baseTip

    // Where base is checked out, listed while merge-tree runs (after baseTip was read, so a
    // checkout that moved base since shows as a race).
    const [merged, use] = await Promise.all([
      mergeTrees(this.git, baseTip, tip),
      findBranchUse(this.git, base)
    ])
    // Base's own tree back means nothing to add; only then is ancestry worth a call.
    if (merged.clean && merged.tree === baseTree && (await this.git.isAncestor(tip, baseTip))) {
      Object.assign(attempt, {
        outcome: 'merged',
        commit: baseTip,
        alreadyMerged: true,
        error: null
      })
      this.logger.info(`${branch} is already in ${base}: nothing to merge`)
      this.baseAfter = { base: baseTip, tree: baseTree }
      return true
    }
    if (!merged.clean) {
      Object.assign(attempt, {
        outcome: 'conflict',
        commit: null,
        conflictFiles: merged.conflictFiles,
        conflicts: merged.conflicts,
        error: null
      })
      this.logger.warning(
        `PRIORITY ${priority}: ${branch} conflicts with ${base} in ${describeConflict(merged)}; ${base} is unchanged and ${branch} is kept`
      )
      this.baseAfter = { base: baseTip, tree: baseTree }
      return true
    }

    const commit = await this.git.run(
      ['commit-tree', merged.tree, '-p', baseTip, '-p', tip, '-m', mergeMessage(priority)],
      { env: await this.git.identityEnv() }
    )
    const advanced = await advanceBranch(
      this.git,
      {
        branch: base,
        from: baseTip,
        to: commit,
        reason: mergeMessage(priority),
        remedy: `merge ${branch} again (parallel-worktree merge --priorities ${priority}, or git merge --no-ff ${branch})`
      },
      use
    )
    if (advanced.ok) {
      Object.assign(attempt, {
        outcome: 'merged',
        commit,
        checkout: advanced.checkout,
        error: null
      })
      const where = advanced.checkout ? ` and updated ${advanced.checkout}` : ''
      this.logger.info(`Merged ${branch} into ${base} (${commit.slice(0, 12)})${where}`)
      this.baseAfter = { base: commit, tree: merged.tree }
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

  /** Base's commit and tree and every request's commit in one call; null when one is missing. */
  private async resolveAll(
    requests: readonly MergeRequest[]
  ): Promise<{ base: string; tree: string; tips: string[] } | null> {
    if (requests.length < 2) return null
    const baseRef = `refs/heads/${this.baseBranch}`
    const tipRefs = requests.map((request) => request.ref ?? `refs/heads/${request.branch}`)
    const ids = await this.git.exec(
      [
        'rev-parse',
        `${baseRef}^{commit}`,
        `${baseRef}^{tree}`,
        ...tipRefs.map((r) => `${r}^{commit}`)
      ],
      { okExitCodes: [128] }
    )
    const lines = ids.stdout.split('\n').filter((line) => /^[0-9a-f]{40,64}$/.test(line))
    // A missing branch: each merge reads its own, so that its error names it.
    if (ids.exitCode !== 0 || lines.length !== tipRefs.length + 2) return null
    const [base, tree, ...tips] = lines
    return { base, tree, tips }
  }

  /** Base's commit, the branch's commit and base's tree in one call; names what is missing. */
  private async resolve(baseRef: string, tipRef: string): Promise<[string, string, string]> {
    const ids = await this.git.exec(
      ['rev-parse', `${baseRef}^{commit}`, `${tipRef}^{commit}`, `${baseRef}^{tree}`],
      { okExitCodes: [128] }
    )
    const [base, tip, tree] = ids.stdout
      .split('\n')
      .filter((line) => /^[0-9a-f]{40,64}$/.test(line))
    if (ids.exitCode === 0 && tree) return [base, tip, tree]
    for (const ref of [baseRef, tipRef]) {
      if (!(await this.git.resolveCommit(ref))) throw new Error(`${ref} does not name a commit`)
    }
    throw new Error(ids.stderr.trim() || `cannot resolve ${baseRef} and ${tipRef}`)
  }
}
