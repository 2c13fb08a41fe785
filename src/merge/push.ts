import type { GitCommandManager, GitOutput } from '../git/git-command-manager.js'
import type { Logger } from '../core/logger.js'
import { advanceBranch } from './advance-branch.js'
import { describeConflict, commitMergedTree, mergeTrees } from './merge-tree.js'
import { redactCredentials } from './redact.js'
import { branchRef, fetchSpec, trackingRef } from '../git/refs.js'

export interface PushOptions {
  baseBranch: string
  /** Branches that were not merged: pushed so that their work survives the runner. */
  keptBranches: readonly string[]
  logger: Logger
  remote?: string
  /** false: push only the kept branches (a matrix job's own branch), not the base. */
  withBase?: boolean
  /** Rounds of fetch, merge and push again when the remote's base moved meanwhile. */
  maxRetries?: number
  /**
   * Refs of the run's own under refs/parallel-worktree/ (a candidate that failed
   * verify-command): pushed to the same name, so that the commands that reproduce them work
   * from any clone. They replace an earlier run's ref of that name: such a ref holds no work
   * of its own (a merge of base and a branch that is kept), unlike a branch, never forced.
   */
  keptRefs?: readonly string[]
}

export interface RefPush {
  /** The branch, or for a kept ref its full name (`refs/parallel-worktree/…`). */
  branch: string
  /** A kept ref (not a branch): pushed to the same full name, replacing what is there. */
  kept?: true
  pushed: boolean
  /** The commit the remote branch now has (ours, or the merge with the remote's). */
  commit: string | null
  error: string | null
  /**
   * When the remote refused the branch for good: a new remote branch that holds the same
   * commit, so that the work outlives an ephemeral runner. Never a forced push.
   */
  rescuedAs: string | null
}

export interface PushOutcome {
  /** The base and every kept branch are on the remote. */
  pushed: boolean
  /** Rounds of fetch + merge + push after the remote's base moved. */
  retries: number
  error: string | null
  base: RefPush
  branches: RefPush[]
  /** The kept refs (keptRefs), each with how its push went. */
  refs: RefPush[]
}

const DEFAULT_MAX_RETRIES = 3

/** Rejections that mean "the remote moved" and are worth a fetch, a merge and a new push. */
const RACE_REJECTION =
  /fetch first|non-fast-forward|stale info|cannot lock|failed to (update|lock)/i

/**
 * Pushes the base and the kept branches, never forced. When the remote's base moved since we
 * branched (someone pushed), its tip is fetched and merged INTO our base with a merge commit,
 * and the push is tried again, a bounded number of times. Merging theirs into ours rather
 * than replaying our merges onto theirs keeps every merge commit the result JSON reports
 * (merge_commit) true and reachable, and needs no second round of conflict handling per
 * priority. Credentials are never in argv: git uses the repository's own configuration.
 */
export async function pushResults(
  git: GitCommandManager,
  options: PushOptions
): Promise<PushOutcome> {
  const { baseBranch, logger } = options
  const remote = options.remote ?? 'origin'
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
  const base: RefPush = {
    branch: baseBranch,
    pushed: false,
    commit: null,
    error: null,
    rescuedAs: null
  }
  const kept = [...new Set(options.keptBranches)].filter((branch) => branch !== baseBranch)
  const branches: RefPush[] = kept.map((branch) => ({
    branch,
    pushed: false,
    commit: null,
    error: null,
    rescuedAs: null
  }))
  const refs: RefPush[] = [...new Set(options.keptRefs ?? [])].map((ref) => ({
    branch: ref,
    kept: true,
    pushed: false,
    commit: null,
    error: null,
    rescuedAs: null
  }))
  const outcome: PushOutcome = { pushed: false, retries: 0, error: null, base, branches, refs }
  const withBase = options.withBase ?? true
  const all = [...(withBase ? [base] : []), ...branches, ...refs]

  const remotes = await git.remotes()
  if (!remotes.includes(remote)) {
    outcome.error = `there is no remote named ${remote}: nothing was pushed`
    for (const ref of all) ref.error = outcome.error
    logger.error(outcome.error)
    return outcome
  }

  for (const ref of all) {
    ref.commit = await git.resolveCommit(fullName(ref))
    if (!ref.commit)
      ref.error = ref.kept
        ? `${ref.branch} does not exist here`
        : `the branch ${ref.branch} does not exist here`
  }
  const refusedOnce = new Set<string>()
  const settle = (ref: RefPush, report: PushReport): void => {
    const line = report.lines.get(fullName(ref))
    if (line && line.flag !== '!') {
      Object.assign(ref, { pushed: true, error: null })
      return
    }
    ref.pushed = false
    if (line) refusedOnce.add(ref.branch)
    ref.error = line
      ? `the remote refused it: ${line.summary}`
      : `git push failed: ${report.failure ?? 'no report for this branch'}`
  }
  const toPush = all.filter((ref) => ref.commit)
  let report = await push(git, remote, toPush)
  for (const ref of [...branches, ...refs]) if (ref.commit) settle(ref, report)
  if (withBase && base.commit) settle(base, report)

  while (withBase && base.commit && !base.pushed && outcome.retries < maxRetries) {
    if (!RACE_REJECTION.test(base.error ?? '')) break
    const next = await integrateRemoteBase(git, remote, baseBranch, base.commit, logger)
    if (next.error) {
      base.error = next.error
      break
    }
    if (next.alreadyThere) {
      Object.assign(base, { pushed: true, error: null, commit: next.commit })
      break
    }
    outcome.retries++
    logger.info(
      next.commit === base.commit
        ? `${remote} refused ${baseBranch} while another push landed: pushing again`
        : `${remote}/${baseBranch} moved: merged it into ${baseBranch}, pushing again`
    )
    base.commit = next.commit
    report = await push(git, remote, [base])
    settle(base, report)
  }

  // Only a branch the remote refused is pushed under a new name: when the remote cannot be
  // reached at all, another push would fail the same way.
  for (const ref of all) {
    if (!ref.pushed && !ref.kept && ref.commit && refusedOnce.has(ref.branch))
      await rescue(git, remote, ref, logger)
  }
  const failed = all.filter((ref) => !ref.pushed)
  outcome.pushed = failed.length === 0
  if (failed.length) {
    outcome.error = failed
      .map(
        (ref) =>
          `${ref.branch}: ${ref.error}${ref.rescuedAs ? ` (its commit was pushed as ${ref.rescuedAs})` : ''}`
      )
      .join('; ')
    logger.error(`Push to ${remote} incomplete: ${outcome.error}`)
  } else {
    logger.info(`Pushed ${all.map((ref) => ref.branch).join(', ')} to ${remote}`)
  }
  return outcome
}

interface PushLine {
  flag: string
  summary: string
}

/** The ref a push names: a branch's `refs/heads/…`, or a kept ref's own name. */
function fullName(ref: Pick<RefPush, 'branch' | 'kept'>): string {
  return ref.kept ? ref.branch : branchRef(ref.branch)
}

interface PushReport {
  lines: Map<string, PushLine>
  failure: string | null
}

/** `git push --porcelain`, one refspec per ref; maps each destination ref to its line. */
async function push(
  git: GitCommandManager,
  remote: string,
  refs: readonly Pick<RefPush, 'branch' | 'commit' | 'kept'>[],
  destination: (ref: Pick<RefPush, 'branch' | 'kept'>) => string = fullName
): Promise<PushReport> {
  // Only a kept ref of the run's own is forced (see PushOptions.keptRefs); a branch never is.
  const specs = refs.map((ref) => `${ref.kept ? '+' : ''}${ref.commit}:${destination(ref)}`)
  const result = await git.push(remote, specs)
  const lines = new Map<string, PushLine>()
  for (const line of result.stdout.split('\n')) {
    const match = /^([ +\-*!=])\t([^\t]*)\t(.*)$/.exec(line)
    if (!match) continue
    const dst = match[2].slice(match[2].lastIndexOf(':') + 1)
    lines.set(dst, { flag: match[1], summary: match[3] })
  }
  return { lines, failure: result.exitCode === 0 ? null : gitMessage(result) }
}

interface Integration {
  commit: string | null
  /** The remote's base already holds our base: nothing left to push. */
  alreadyThere: boolean
  error: string | null
}

/** Fetches the remote's base and merges it into ours (a merge commit; our commits untouched). */
async function integrateRemoteBase(
  git: GitCommandManager,
  remote: string,
  baseBranch: string,
  ours: string,
  logger: Logger
): Promise<Integration> {
  const tracking = trackingRef(remote, baseBranch)
  const fetched = await git.fetch(remote, [fetchSpec(baseBranch, remote)])
  if (fetched.exitCode !== 0) {
    return {
      commit: null,
      alreadyThere: false,
      error: `fetching ${remote}/${baseBranch} failed: ${gitMessage(fetched)}`
    }
  }
  const theirs = await git.resolveCommit(tracking)
  if (!theirs) return { commit: null, alreadyThere: false, error: `${remote} has no ${baseBranch}` }
  if (await git.isAncestor(ours, theirs)) return { commit: theirs, alreadyThere: true, error: null }
  if (await git.isAncestor(theirs, ours)) {
    // The remote did not move past us: a push raced with ours, try again as it is.
    return { commit: ours, alreadyThere: false, error: null }
  }
  const merged = await mergeTrees(git, ours, theirs)
  if (!merged.clean) {
    return {
      commit: null,
      alreadyThere: false,
      error: `${remote}/${baseBranch} moved during the run and conflicts with the merged priorities in ${describeConflict(merged)}; ${baseBranch} was not pushed (merge ${remote}/${baseBranch} into it by hand, then push)`
    }
  }
  const message = `Merge ${remote}/${baseBranch} into ${baseBranch} (parallel-worktree push)`
  const commit = await commitMergedTree(git, merged.tree, ours, theirs, message)
  const local = await advanceBranch(git, {
    branch: baseBranch,
    from: ours,
    to: commit,
    reason: message,
    remedy: `git pull ${remote} ${baseBranch}`
  })
  if (!local.ok) {
    // The remote still gets the merge (pushed by id): only the local branch stays behind.
    logger.warning(`${baseBranch} here was left at ${ours.slice(0, 12)}: ${local.error}`)
  }
  return { commit, alreadyThere: false, error: null }
}

/** Pushes a refused branch's commit under a new name, so the work is on the remote. */
async function rescue(
  git: GitCommandManager,
  remote: string,
  ref: RefPush,
  logger: Logger
): Promise<void> {
  const name = `parallel-worktree/${ref.branch}-${ref.commit!.slice(0, 12)}`
  const report = await push(git, remote, [ref], () => branchRef(name))
  const line = report.lines.get(branchRef(name))
  if (line && line.flag !== '!') {
    ref.rescuedAs = name
    logger.warning(
      `${ref.branch} could not be pushed; its commit ${ref.commit!.slice(0, 12)} is on ${remote} as ${name}`
    )
  }
}

function gitMessage(output: GitOutput): string {
  const text = redactCredentials((output.stderr || output.stdout).trim())
    .split('\n')
    .filter((line) => !line.startsWith('hint:'))
    .join(' ')
  return text.length > 500 ? `${text.slice(0, 500)}…` : text || `exit ${output.exitCode}`
}
