import '../core/dispose-polyfill.js'
import { buildPlan, inStartOrder } from '../plan/plan.js'
import { formatPlan } from '../plan/plan-text.js'
import { MergeEngine } from '../merge/merge-engine.js'
import { recordMergeAttempt } from '../merge/task-merge.js'
import type { ResourceSampler } from '../run/resource-monitor.js'
import type { HeldBase } from '../run/base-tip.js'
import { runAgents } from '../run/run-stage.js'
import { StartLimit, recoveryMs } from '../run/start-limit.js'
import { pendingTask, type RunEvents } from '../run/task-runner.js'
import { readyToMerge } from '../run/verdict.js'
import { buildResult } from '../report/result.js'
import type { CheckRunRef } from '../report/check-run.js'
import { checkConclusion, LiveReports } from '../report/live-reports.js'
import { forgetJudgement, judgedRef } from '../git/kept-refs.js'
import { BranchSweep } from '../git/branch-deletion.js'
import { BaseGuard } from './base-guard.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import type { Logger } from '../core/logger.js'
import { openForChanges } from './preflight.js'
import { watchBaseCheckouts } from './checkout-watch.js'
import { sharedConfigWarnings } from './config-watch.js'
import { copiedFilesError, copiedFilesOn } from './copied-files.js'
import { pushAfterMerges } from './publish-branches.js'
import { verifyGate } from './verify-runner.js'
import { settleConflicts } from './conflict-policy.js'
import { checkScope, waitForEndedAgents } from './scope-check.js'
import { chooseCheckedStart, startFromBase, type CheckedStart } from './base-start.js'
import type { RunResult, Settings, TaskResult } from '../core/types.js'
import { mergesToSkip } from '../merge/earlier-merges.js'

export interface EngineOptions {
  logger: Logger
  /** Aborting it cancels the run: agents stopped, their tasks `cancelled`, the rest cleaned up. */
  signal?: AbortSignal
  events?: RunEvents
  /** The environment agents inherit (minus secrets); defaults to this process's. */
  env?: NodeJS.ProcessEnv
  /** Time between TERM and KILL when stopping an agent's tree. */
  killGraceMs?: number
  resourceSampler?: ResourceSampler
  resourceIntervalMs?: number
  /** Time between two progress lines (default 60 s on a runner, 30 s elsewhere; 0: none). */
  progressIntervalMs?: number
  /** Told the live check run's id once it exists (the action's post step completes it). */
  checkRunCreated?: (ref: CheckRunRef) => void
  /** The shell writes the final report comment: an earlier one may be kept current meanwhile. */
  liveComment?: boolean
}

/**
 * The whole job on this machine: plan, worktrees, agents within the limits, each completed
 * branch merged as soon as it is done (so that priorities waiting on it start from a base
 * that holds its work), cleanup, and the result.
 */
export async function runParallel(settings: Settings, options: EngineOptions): Promise<RunResult> {
  const { logger } = options
  const env = options.env ?? process.env
  const began = Date.now()
  let checked: CheckedStart | undefined
  await using repository = await openForChanges(settings, {
    env,
    logger,
    agentsRun: true,
    beforeChanges: async (git) => {
      checked = await chooseCheckedStart(git, settings, logger, { env, agentsRun: true })
    }
  })
  const { git } = repository
  const signal = options.signal ?? new AbortController().signal
  // Plan and worktrees start from one commit: the plan reads the tree the first tasks get.
  const start = await startFromBase(git, checked!.choice, logger, { moveLocal: true })
  const plan = await buildPlan(
    { ...settings, repo: git.cwd, baseCommit: start.commit },
    git,
    await mergesToSkip(git, settings, start.commit),
    checked!.tree
  )
  plan.base_warnings = [...start.warnings]
  logger.group(`Plan: ${plan.separation.schedule.length} wave(s)`, formatPlan(plan, settings))

  const tasks = plan.tasks.map((planned) => pendingTask(planned, settings))
  // Shared by the agents and the conflict re-runs: a rate limit lowers it for both.
  const startLimit = new StartLimit(logger, recoveryMs(env))
  const live = LiveReports.open(
    {
      baseBranch: settings.baseBranch,
      baseCommit: start.commit,
      tasks,
      waves: plan.separation.schedule,
      startLimitChanges: startLimit.changes,
      merging: settings.merge
    },
    settings,
    {
      env,
      logger,
      onCheckRunCreated: options.checkRunCreated,
      liveComment: options.liveComment
    }
  )
  let result: RunResult | undefined
  try {
    result = await runTasks(settings, options, {
      git,
      logger,
      env,
      signal,
      plan,
      tasks,
      start,
      live,
      began,
      startLimit
    })
    return result
  } finally {
    await live.finish(checkConclusion(result, signal), result)
  }
}

interface RunParts {
  git: GitCommandManager
  logger: Logger
  env: NodeJS.ProcessEnv
  signal: AbortSignal
  plan: Awaited<ReturnType<typeof buildPlan>>
  tasks: TaskResult[]
  start: Awaited<ReturnType<typeof startFromBase>>
  live: LiveReports
  /** When the run began (ms), for its duration. */
  began: number
  startLimit: StartLimit
}

/** Agents, merges, conflicts settled, pushes: the run once its plan and tasks are made. */
async function runTasks(
  settings: Settings,
  options: EngineOptions,
  { git, logger, env, signal, plan, tasks, start, live, began, startLimit }: RunParts
): Promise<RunResult> {
  const guard = await BaseGuard.start(git, settings.baseBranch)
  const verify = await verifyGate(settings, git, logger, {
    env,
    signal,
    killGraceMs: options.killGraceMs
  })
  const merger = new MergeEngine(git, settings.baseBranch, logger, {
    verify,
    importHubs: new Set(Object.keys(plan.separation.hub_files ?? {})),
    baseCheck: (tip) => guard.checkTip(tip)
  })
  // Merged branches go with the run's other deletions, once their worktrees are gone.
  const sweep = new BranchSweep(git)
  const merging = { merger, sweep, settings, git, guard, logger }
  // Its snapshot (a status of each checkout of base) is taken while the first worktrees are
  // made; a merge, which changes those checkouts, waits for it.
  const checkouts = watchBaseCheckouts(git, settings.baseBranch)
  checkouts.catch(() => undefined)
  // unknown-scope parallel: their merges wait for every other priority's, then go in order.
  const mergeLast = new Set(plan.separation.merge_last ?? [])
  const deferred: TaskResult[] = []
  // Among the priorities free to start, the longest estimate goes first (see startOrder).
  // Once an agent moved base, every task starts from the last tip of base that was the run's.
  const heldBase: HeldBase = Object.assign(
    async (): Promise<string | null> => ((await guard.checkForStart()) ? guard.lastGoodTip : null),
    { tipRead: () => guard.tipRead }
  )
  const taskWarnings: string[] = []
  await runAgents(inStartOrder(plan), tasks, {
    settings,
    startLimit,
    heldBase,
    warnings: taskWarnings,
    git,
    logger,
    signal,
    env,
    killGraceMs: options.killGraceMs,
    events: {
      ...options.events,
      taskStarted: (task) => {
        options.events?.taskStarted?.(task)
        live.changed()
      }
    },
    resourceSampler: options.resourceSampler,
    resourceIntervalMs: options.resourceIntervalMs,
    progressIntervalMs: options.progressIntervalMs,
    baseTip: start.tip,
    branchSweep: sweep,
    onAgentEnded: (task, startPoint, look) =>
      checkScope(task, startPoint, plan.tasks, tasks, git, settings, logger, look).catch(
        (error: Error) => logger.debug(`scope check of ${task.priority}: ${error.message}`)
      ),
    beforeStart: async (priority, ended) => {
      const next = plan.tasks.find((task) => task.priority === priority)
      if (next) await waitForEndedAgents(next, ended, plan.tasks, tasks, git, settings, logger)
    },
    onTaskDone: async (task) => {
      if (readyToMerge(task) && settings.merge) {
        if (mergeLast.has(task.priority)) {
          deferred.push(task)
          return
        }
        await checkouts
        await mergeTask(task, merging)
      }
      options.events?.taskEnded?.(task)
      live.taskEnded()
    }
  })
  deferred.sort(
    (a, b) => settings.priorities.indexOf(a.priority) - settings.priorities.indexOf(b.priority)
  )
  for (const task of deferred) {
    // A cancelled run merges nothing more: the branch is kept, as for any task not merged.
    if (!signal.aborted) {
      await checkouts
      await mergeTask(task, merging)
    }
    options.events?.taskEnded?.(task)
  }
  await settleConflicts(tasks, {
    settings,
    startLimit,
    heldBase,
    warnings: taskWarnings,
    git,
    merger,
    logger,
    env,
    signal,
    killGraceMs: options.killGraceMs,
    progressIntervalMs: options.progressIntervalMs,
    began,
    recordMerge: async (task) => {
      await mergeTask(task, merging)
      live.changed()
    }
  })
  // The end of the run: base's guard after the last deletions (both write refs), and beside
  // them what became of base's checkouts and of the shared config (they only read).
  const [, checkoutChanges, configWarnings] = await Promise.all([
    sweep
      .flush()
      .then(() => guard.check())
      .then(() => guard.finish()),
    checkouts.then((watch) => watch.changes()),
    sharedConfigWarnings(git)
  ])
  const warnings = [...guard.warnings(), ...checkoutChanges, ...configWarnings]
  for (const warning of warnings) logger.warning(warning)
  warnings.unshift(...start.warnings)
  // Said as they happened: into the result only.
  warnings.push(...taskWarnings)
  const published = await pushAfterMerges(git, settings, tasks, logger, warnings, {
    baseMoved: guard.moved
  })
  const result = buildResult(
    settings,
    plan.separation,
    tasks,
    began,
    warnings,
    verify?.report() ?? null,
    published
  )
  result.base_commit = start.commit
  result.start_limit_changes = startLimit.changes
  return result
}

interface Merging {
  merger: MergeEngine
  /** Where a merged branch goes to be deleted (once its worktree is removed). */
  sweep: BranchSweep
  settings: Settings
  git: GitCommandManager
  guard: BaseGuard
  logger: Logger
}

async function mergeTask(
  task: TaskResult,
  { merger, sweep, settings, git, guard, logger }: Merging
): Promise<void> {
  const copied = await copiedFilesOn(git, settings, task.branch)
  if (copied.length) {
    task.merge = 'failed'
    task.error = [task.error, copiedFilesError(task.branch, copied, 'merged')]
      .filter(Boolean)
      .join('; ')
    return
  }
  const before = task.error
  // Nothing is merged onto a base moved off its history (reruns of conflicts neither): the
  // merge engine asks the guard about the tip it read (baseCheck), and fails the merge.
  const attempt = await merger.merge(task.branch, task.priority)
  recordMergeAttempt(task, attempt)
  if (attempt.outcome === 'failed' && guard.moved) {
    task.error = [before, attempt.error].filter(Boolean).join('; ')
  }
  if (attempt.outcome === 'merged') await guard.merged(attempt.commit, attempt.baseBefore)
  if (attempt.outcome !== 'merged') return
  if (!settings.cleanup) return forgetJudgement(git, task.branch)
  // The judgement is spent: it goes in the branch deletion's ref transaction (one process).
  const forget = [judgedRef(task.branch)]
  sweep
    .add({ branch: task.branch, base: settings.baseBranch, forget })
    .then((deletion) => {
      if (!deletion.deleted && deletion.because === 'checked-out') {
        logger.debug(`Kept ${task.branch}: it is checked out in ${deletion.where}`)
      }
    })
    .catch(async (error: Error) => {
      logger.debug(`could not delete ${task.branch}: ${error.message}`)
      await forgetJudgement(git, task.branch).catch(() => {})
    })
}
