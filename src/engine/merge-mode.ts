import '../core/dispose-polyfill.js'
import { readFile } from 'node:fs/promises'
import { buildPlan } from '../plan/plan.js'
import { MergeEngine } from '../merge/merge-engine.js'
import { recordMergeAttempt } from '../merge/task-merge.js'
import { pendingTask } from '../run/task-runner.js'
import { buildResult } from '../report/result.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { branchRef, fetchSpec, originRef } from '../git/refs.js'
import { judgeFromBranch, readyToMerge } from '../run/verdict.js'
import type { Logger } from '../core/logger.js'
import { GitError } from '../core/errors.js'
import type { EngineOptions } from './run-mode.js'
import { openForChanges } from './preflight.js'
import { verifyGate } from './verify-runner.js'
import { deleteMergedRemoteBranches, pushAfterMerges } from './publish-branches.js'
import { taskResultPath, type TaskResultFile } from './task-mode.js'
import { chooseBaseStart, startFromBase } from './base-start.js'
import { copiedFilesError, copiedFilesOn } from './copied-files.js'
import type { Plan, RunResult, Settings, TaskResult } from '../core/types.js'
import { checkConclusion, LiveReports } from '../report/live-reports.js'
import { mergesToSkip } from '../merge/earlier-merges.js'

/**
 * `merge` mode, the last job of a fan-out: fetches the pushed branches of the priorities,
 * merges them into the base in the order given with the same engine and promises as `run`
 * mode, and reports every task with the status and timing its job recorded.
 */
export async function mergePushed(settings: Settings, options: EngineOptions): Promise<RunResult> {
  const began = Date.now()
  const { logger } = options
  await using repository = await openForChanges(settings, { env: options.env, logger })
  const { git } = repository
  // Base as run mode takes it (fetch-base): fast-forwarded to origin's, its checkout along.
  const choice = await chooseBaseStart(git, settings, logger)
  const start = await startFromBase(git, choice, logger, { moveLocal: true })
  const plan = await buildPlan(
    { ...settings, repo: git.cwd, baseCommit: start.commit },
    git,
    await mergesToSkip(git, settings, start.commit)
  )
  // Every priority given is merged, whatever the plan's separation, except one an earlier run
  // already merged (skip-merged): that one is reported with its merge.
  const tasks = plan.tasks.map((planned) =>
    pendingTask(planned.merge_commit ? planned : { ...planned, skip_reason: null }, settings)
  )
  // The fan-out's check run, `parallel-worktree`: the merge queue as it goes.
  const live = LiveReports.open(
    {
      baseBranch: settings.baseBranch,
      baseCommit: start.commit,
      tasks,
      waves: plan.separation.schedule,
      job: { role: 'merge' },
      merging: true
    },
    settings,
    {
      env: options.env ?? process.env,
      logger,
      onCheckRunCreated: options.checkRunCreated,
      liveComment: options.liveComment
    }
  )
  let result: RunResult | undefined
  try {
    result = await mergeTasks(settings, options, { git, plan, tasks, start, live, began })
    return result
  } finally {
    await live.finish(checkConclusion(result, options.signal), result)
  }
}

interface MergeParts {
  git: GitCommandManager
  plan: Plan
  tasks: TaskResult[]
  start: { commit: string; warnings: readonly string[] }
  live: LiveReports
  began: number
}

/** The pushed branches fetched, judged, merged and published: the job once its tasks are made. */
async function mergeTasks(
  settings: Settings,
  options: EngineOptions,
  { git, plan, tasks, start, live, began }: MergeParts
): Promise<RunResult> {
  const { logger } = options
  await fetchTaskBranches(git, tasks, logger)
  // What the merges land on: start.commit, unless the local base could not follow origin.
  const baseCommit = await git.requireBranchTip(settings.baseBranch)

  const verify = await verifyGate(settings, git, logger, {
    env: options.env ?? process.env,
    signal: options.signal,
    killGraceMs: options.killGraceMs
  })
  const merger = new MergeEngine(git, settings.baseBranch, logger, {
    verify,
    importHubs: new Set(Object.keys(plan.separation.hub_files ?? {}))
  })
  for (const task of tasks) {
    if (task.status !== 'skipped') await recordTaskOutcome(git, task, settings, logger)
  }
  // Each priority as its job left it: what the queue is about to merge.
  live.changed()
  const ready: TaskResult[] = []
  for (const task of tasks.filter((task) => readyToMerge(task) && settings.merge)) {
    const copied = await copiedFilesOn(git, settings, task.branch)
    if (copied.length === 0) ready.push(task)
    else {
      task.merge = 'failed'
      task.error = [task.error, copiedFilesError(task.branch, copied, 'merged')]
        .filter(Boolean)
        .join('; ')
    }
  }
  // unknown-scope parallel: those priorities are merged after all the others.
  const last = new Set(plan.separation.merge_last ?? [])
  for (const batch of [
    ready.filter((task) => !last.has(task.priority)),
    ready.filter((task) => last.has(task.priority))
  ]) {
    if (batch.length === 0) continue
    const requests = batch.map((task) => ({ branch: task.branch, priority: task.priority }))
    const attempts = await merger.mergeAll(requests)
    batch.forEach((task, index) => recordMergeAttempt(task, attempts[index]))
    live.taskEnded()
  }
  const warnings: string[] = []
  const published = await pushAfterMerges(git, settings, tasks, logger, warnings)
  if (settings.cleanup) {
    for (const task of tasks) {
      if (task.merge === 'merged') await merger.deleteMergedBranch(task.branch)
    }
    if (settings.push && warnings.length === 0) await deleteMergedRemoteBranches(git, tasks, logger)
  }
  const result = buildResult(
    settings,
    plan.separation,
    tasks,
    began,
    [...start.warnings, ...warnings],
    verify?.report() ?? null,
    published
  )
  result.base_commit = baseCommit
  // The run's length is the fan-out's, from the first task's start to now.
  const starts = tasks.map((task) => Date.parse(task.started_at ?? '')).filter(Number.isFinite)
  if (starts.length) {
    result.timings.total_ms = Date.now() - Math.min(...starts)
    result.timings.speedup =
      Math.round((result.timings.sum_of_tasks_ms / result.timings.total_ms) * 100) / 100
  }
  return result
}

/** Local branches of each priority, brought up to origin's where origin is ahead. */
async function fetchTaskBranches(
  git: GitCommandManager,
  tasks: TaskResult[],
  logger: Logger
): Promise<void> {
  if (!(await git.remotes()).includes('origin')) {
    logger.info('No origin remote: merging the local branches')
    return
  }
  const onOrigin = await git.remoteBranches('origin')
  const wanted = tasks.map((task) => task.branch).filter((b) => onOrigin.has(b))
  if (wanted.length === 0) return
  const refspecs = wanted.map((branch) => fetchSpec(branch))
  const fetched = await git.fetch('origin', refspecs)
  if (fetched.exitCode !== 0) {
    throw new GitError(['fetch', 'origin', ...refspecs], fetched.exitCode, fetched.stderr)
  }
  for (const branch of wanted) {
    const theirs = await git.resolveCommit(originRef(branch))
    const ours = await git.branchTip(branch)
    if (!theirs || theirs === ours) continue
    if (ours && !(await git.isAncestor(ours, theirs))) {
      logger.warning(`${branch} differs here and on origin; using this repository's ${branch}`)
      continue
    }
    // Fast-forward (or create) the local branch; compare-and-swap against what we saw.
    const moved = await git.swapRef(branchRef(branch), theirs, ours)
    if (moved.exitCode !== 0) {
      logger.warning(`${branch} moved here while it was fetched; using this repository's ${branch}`)
    }
  }
}

/** The task as its job recorded it, or as its branch shows when no result reached us. */
async function recordTaskOutcome(
  git: GitCommandManager,
  task: TaskResult,
  settings: Settings,
  logger: Logger
): Promise<void> {
  const file = await readTaskResult(settings.resultsDir, task.priority)
  const tip = await git.branchTip(task.branch)
  if (file) {
    Object.assign(task, file.task, { merge: 'not-merged', merge_commit: null, conflict_files: [] })
  } else {
    logger.warning(
      `No task result for priority ${task.priority} in ${settings.resultsDir}: judging from its branch`
    )
  }
  const base = branchRef(settings.baseBranch)
  const pushed = { tip, commits: 0, inBase: false }
  if (tip && !file) {
    pushed.commits = task.commits = await git.countCommits(base, tip)
    pushed.inBase = await git.isAncestor(tip, base)
  }
  const recorded = file ? { status: task.status, error: task.error } : null
  const verdict = judgeFromBranch(recorded, task.branch, pushed)
  task.status = verdict.status
  task.error = verdict.error
}

async function readTaskResult(dir: string, priority: number): Promise<TaskResultFile | null> {
  try {
    const parsed = JSON.parse(
      await readFile(taskResultPath(dir, priority), 'utf8')
    ) as TaskResultFile
    return parsed.format === 'parallel-worktree-task/1' && parsed.task?.priority === priority
      ? parsed
      : null
  } catch {
    return null
  }
}
