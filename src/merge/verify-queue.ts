import '../core/dispose-polyfill.js'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Logger } from '../core/logger.js'
import type { VerifyReport } from '../core/types.js'
import { addCandidateWorktree, keepCommit } from '../git/candidate-worktree.js'
import { verifyFailedRef } from '../git/kept-refs.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import {
  nextVerifyRound,
  type Candidate,
  type SearchStep,
  type VerifyOutcome
} from './culprit-search.js'
import { commitMergedTree, mergeTrees } from './merge-tree.js'

/** One branch of a batch waiting to land: merges cleanly onto base with the ones before it. */
export interface VerifyItem {
  priority: number
  branch: string
  /** The branch's commit. */
  tip: string
}

/** How one run of verify-command ended. */
export interface VerifyRun {
  passed: boolean
  /** The run was cancelled (the job is stopping): no verdict. */
  cancelled: boolean
  /** Why it failed: `exit 1`, `timed out after 30 min`. */
  detail: string
}

/** Runs verify-command in a candidate's worktree, its output into the log file. */
export type VerifyRunner = (worktree: string, logFile: string) => Promise<VerifyRun>

export interface VerifyQueueOptions {
  /** verify-command as given, for the command that reproduces a failure. */
  command: string
  /** Candidate worktrees tested at once. */
  parallel: number
  run: VerifyRunner
  logDir: string
  logger: Logger
  /** Where candidate worktrees go (default: a temporary folder). */
  workDir?: string
  /**
   * The remote a failed candidate's ref is pushed to (`push: true`): its command to reproduce
   * then fetches it first, so that it works from any clone.
   */
  remote?: string
}

export interface VerifiedSet {
  /** Items (indices into the batch) that land, in batch order. */
  good: number[]
  /** The candidate that passed with exactly the good items: base moves to it. */
  goodCommit: string
  /** The merge commit of each good item in that candidate. */
  commits: Map<number, string>
  culprits: { item: number; reproduce: string }[]
  /** verify-command fails on base itself: nothing lands, nobody is blamed. */
  baseFails: boolean
}

interface BuiltCandidate {
  commit: string
  tree: string
  /** The merge commit of each item, in order. */
  commits: string[]
  /** A merge of the chain conflicted (possible once a culprit is left out): no tree to test. */
  conflicted: boolean
}

/**
 * The verify gate: base moves only to a candidate (base plus the merges about to land) on
 * which verify-command passed. Candidates are built in the object store (merge-tree and
 * commit-tree, as the merges themselves), tested in detached worktrees of their own, up to
 * `parallel` at once, and a failing batch is searched for its culprits (culprit-search).
 * Outcomes are kept by tree id: a tree tested once is never tested again for the same answer.
 */
export class VerifyQueue {
  private readonly outcomes = new Map<string, VerifyOutcome[]>()
  /** The log of the last failing run, by tree: quoted in the report of a culprit. */
  private readonly failedLogs = new Map<string, string>()
  private readonly built = new Map<string, Promise<BuiltCandidate>>()
  /** The candidates built so far, by key, for the search's synchronous questions. */
  private readonly settled = new Map<string, BuiltCandidate>()
  private runs = 0
  private rounds = 0
  private flaky = 0
  private readonly culprits: VerifyReport['culprits'] = []
  private workDir: Promise<string> | null = null

  constructor(
    private readonly git: GitCommandManager,
    private readonly options: VerifyQueueOptions
  ) {}

  /** What the gate did so far, for the result. */
  report(): VerifyReport {
    return {
      rounds: this.rounds,
      runs: this.runs,
      culprits: [...this.culprits],
      flaky: this.flaky
    }
  }

  /**
   * The largest set of the batch's merges that passes verify-command on `base`, riskiest
   * items last in `items`. Throws when a run was cancelled (nothing may land then).
   */
  async search(
    base: string,
    items: readonly VerifyItem[],
    message: (priority: number) => string
  ): Promise<VerifiedSet> {
    const { logger, parallel } = this.options
    const label = (candidate: Candidate): string =>
      candidate.length === items.length
        ? `all ${items.length}`
        : candidate.length === 0
          ? 'base alone'
          : candidate.map((i) => items[i].priority).join('+')
    let step: SearchStep
    for (;;) {
      step = nextVerifyRound(items.length, parallel, (candidate) =>
        this.seen(base, items, candidate)
      )
      if (step.kind === 'done') break
      const { candidates } = step
      const before = candidates.map((c) => this.seen(base, items, c).length)
      const built = await Promise.all(
        candidates.map((candidate) => this.build(base, items, candidate, message))
      )
      // A candidate whose tree was already tested (another set of merges, the same files)
      // has its answer: only the others run.
      const toRun = candidates
        .map((candidate, i) => ({ candidate, built: built[i] }))
        .filter((_, i) => this.seen(base, items, candidates[i]).length === before[i])
      if (toRun.length === 0) continue
      this.rounds++
      const outcomes = await Promise.all(toRun.map((entry) => this.test(entry.built)))
      logger.info(
        `Verify round ${this.rounds}: ${toRun
          .map((entry, i) => `${label(entry.candidate)} ${outcomes[i]}`)
          .join(', ')}`
      )
    }
    const good = step.good
    const landing = await this.build(base, items, good, message)
    const commits = new Map(good.map((item, i) => [item, landing.commits[i]]))
    const culprits: VerifiedSet['culprits'] = []
    for (const { item, failed } of step.culprits) {
      const { priority, branch } = items[item]
      const candidate = await this.build(base, items, failed, message)
      const ref = verifyFailedRef(priority)
      await keepCommit(this.git, ref, candidate.commit)
      const reproduce = reproduceCommand(ref, priority, this.options.command, {
        remote: this.options.remote,
        commit: candidate.commit
      })
      culprits.push({ item, reproduce })
      const log = this.failedLogs.get(candidate.tree) ?? null
      this.culprits.push({ priority, branch, reproduce, log, ref })
    }
    await this.cleanUp()
    return { good, goodCommit: landing.commit, commits, culprits, baseFails: step.baseFails }
  }

  /** Outcomes seen for a candidate: by its tree, once it is built (unbuilt: none yet). */
  private seen(base: string, items: readonly VerifyItem[], candidate: Candidate): VerifyOutcome[] {
    const built = this.settled.get(key(base, items, candidate))
    if (!built) return []
    if (built.conflicted) return ['fail', 'fail']
    return this.outcomes.get(built.tree) ?? []
  }

  /** Base plus the merges of the candidate's items, each on the one before (memoised). */
  private build(
    base: string,
    items: readonly VerifyItem[],
    candidate: Candidate,
    message: (priority: number) => string
  ): Promise<BuiltCandidate> {
    const id = key(base, items, candidate)
    let built = this.built.get(id)
    if (!built) {
      built = (async () => {
        const before = candidate.length
          ? await this.build(base, items, candidate.slice(0, -1), message)
          : { commit: base, tree: '', commits: [], conflicted: false }
        if (!candidate.length) {
          const tree = await this.git.treeOf(base)
          return { ...before, tree }
        }
        if (before.conflicted) return before
        const item = items[candidate[candidate.length - 1]]
        const merged = await mergeTrees(this.git, before.commit, item.tip)
        if (!merged.clean) return { ...before, conflicted: true }
        const commit = await commitMergedTree(
          this.git,
          merged.tree,
          before.commit,
          item.tip,
          message(item.priority)
        )
        return {
          commit,
          tree: merged.tree,
          commits: [...before.commits, commit],
          conflicted: false
        }
      })()
      this.built.set(id, built)
    }
    return built.then((done) => {
      this.settled.set(id, done)
      return done
    })
  }

  /** One run of verify-command on a candidate, in a worktree of its own, recorded by tree. */
  private async test(candidate: BuiltCandidate): Promise<string> {
    if (candidate.conflicted) return 'conflicts (counted as failing)'
    const number = ++this.runs
    const path = join(await this.folder(), `candidate-${number}`)
    const logFile = join(this.options.logDir, `verify-${number}.log`)
    const run = await this.runIn(path, candidate.commit, logFile)
    if (run.cancelled) throw new Error('verify-command was stopped: the run was cancelled')
    const seen = this.outcomes.get(candidate.tree) ?? []
    const outcome: VerifyOutcome = run.passed ? 'pass' : 'fail'
    if (outcome === 'pass' && seen.includes('fail')) this.flaky++
    this.outcomes.set(candidate.tree, [...seen, outcome])
    if (!run.passed) this.failedLogs.set(candidate.tree, logFile)
    return run.passed ? 'passed' : `failed (${run.detail}; log ${logFile})`
  }

  private async runIn(path: string, commit: string, logFile: string): Promise<VerifyRun> {
    await using _candidate = await addCandidateWorktree(this.git, path, commit)
    return await this.options.run(path, logFile)
  }

  private folder(): Promise<string> {
    this.workDir ??= this.options.workDir
      ? Promise.resolve(this.options.workDir)
      : mkdtemp(join(tmpdir(), 'parallel-worktree-verify-'))
    return this.workDir
  }

  private async cleanUp(): Promise<void> {
    if (!this.workDir || this.options.workDir) return
    const dir = await this.workDir
    this.workDir = null
    await rm(dir, { recursive: true, force: true }).catch(() => undefined)
    await this.git.pruneWorktrees().catch(() => undefined)
  }
}

function key(base: string, items: readonly VerifyItem[], candidate: Candidate): string {
  return `${base}:${candidate.map((i) => items[i].tip).join(',')}`
}

/**
 * A command a person can paste to run the failing candidate's verify on their machine. With
 * a remote (the ref was pushed), it fetches the ref first (into FETCH_HEAD: no local ref is
 * moved) and checks out the candidate by its commit id, so that it works in any clone, and in
 * this one whatever became of the push.
 */
export function reproduceCommand(
  ref: string,
  priority: number,
  command: string,
  pushed: { remote?: string; commit?: string } = {}
): string {
  const dir = `../verify-${priority}`
  const quoted = `'${command.replace(/'/g, `'\\''`)}'`
  const run = `(cd ${dir} && bash -c ${quoted})`
  if (!pushed.remote || !pushed.commit) return `git worktree add --detach ${dir} ${ref} && ${run}`
  return `git fetch -q ${pushed.remote} ${ref}; git worktree add --detach ${dir} ${pushed.commit} && ${run}`
}
