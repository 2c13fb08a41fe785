import { getMaxListeners, setMaxListeners } from 'node:events'
import type { WorktreeLook } from '../git/worktree-status.js'
import type { Logger } from '../core/logger.js'
import type { PlannedTask, Settings, TaskResult } from '../core/types.js'
import { costSpent, formatUsd } from '../core/usage.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { BaseTip, type HeldBase } from './base-tip.js'
import { progressIntervalMs, startProgress } from './progress.js'
import { ResourceGate, explainAutoParallelism, type ResourceSampler } from './resource-monitor.js'
import { runSchedule, type ScheduleState } from './task-queue.js'
import { StartLimit, recoveryMs } from './start-limit.js'
import { TaskRun, createTaskContext, type RunEvents } from './task-runner.js'
import { BranchSweep } from '../git/branch-deletion.js'

export interface RunStageOptions {
  settings: Settings
  /** Where tasks start once an agent moved base (the run's base guard); see BaseTip. */
  heldBase?: HeldBase
  /** The run's `warnings`: what a task finds that the user must hear of is added here. */
  warnings?: string[]
  /** The repository's top level (from preflight). */
  git: GitCommandManager
  logger: Logger
  /** Aborting it stops every agent tree; their tasks and those not started are `cancelled`. */
  signal?: AbortSignal
  /** The environment agents inherit (minus secrets); defaults to this process's. */
  env?: NodeJS.ProcessEnv
  /** Time between TERM and KILL when stopping an agent's tree (default 10 s). */
  killGraceMs?: number
  events?: RunEvents
  /** The wait before a failed agent's next attempt (tests make it short). */
  retryDelay?: (failedAttempts: number, rateLimited: boolean) => number
  resourceSampler?: ResourceSampler
  /** Time between two resource samples (default 2 s). */
  resourceIntervalMs?: number
  /** Time between two progress lines (default: progressIntervalMs(env); 0: none). */
  progressIntervalMs?: number
  /** How long starts may be held back by resources while nothing runs (default 10 min). */
  maxIdleWaitMs?: number
  /** The first wait before a rate-limited agent starts again (default 30 s; it doubles). */
  rateLimitWaitMs?: number
  /**
   * Called for each task that ran, once its verdict is in; the tasks that wait on it start
   * after this resolves. The engine merges here: its worktree is removed after that, beside
   * other tasks' removals and starts.
   */
  onTaskDone?: (task: TaskResult) => Promise<void> | void
  /**
   * Where the branches that go are gathered (an empty branch once its worktree is removed; the
   * engine adds merged ones): flushed in one ref transaction whenever no worktree is left to
   * remove, and at the end of the stage. One of the stage's own when absent.
   */
  branchSweep?: BranchSweep
  /**
   * Called when a task's agent has ended, in its worktree, once its slot went to the next task
   * and that task has started (before the verdict).
   */
  onAgentEnded?: (
    task: TaskResult,
    startPoint: string | null,
    look: () => Promise<WorktreeLook>
  ) => Promise<void> | void
  /**
   * Asked before each start while agents have ended whose onAgentEnded has not finished
   * (`ended`): it may make the priority wait for more (push onto its plan's `after`).
   */
  beforeStart?: (priority: number, ended: readonly EndedAgent[]) => Promise<void>
  /** Where worktrees start, from the commit the plan read (the local base's tip when absent). */
  baseTip?: BaseTip
  /**
   * How many agents may run at once after rate limits (the engine's, shared with conflict
   * re-runs); one of the run stage's own when absent. It starts at max-parallel.
   */
  startLimit?: StartLimit
}

/** A task whose agent has ended, and the commit of base it started from. */
export interface EndedAgent {
  task: TaskResult
  startPoint: string | null
  /** Its worktree looked at once, as the agent left it (the status its finish judges by). */
  look?: () => Promise<WorktreeLook>
}

/**
 * The run stage: every `pending` task of the plan through worktree, agent and verdict, at
 * most max-parallel agents at once, each started when the priorities it waits on are done
 * and the machine has room. Worktrees of the tasks next in line are made ahead, one at a
 * time, while agents run; the verdict and worktree removal of a finished agent happen after
 * its slot is freed. So a slot goes from one agent to the next without waiting on git.
 */
export async function runAgents(
  planned: readonly PlannedTask[],
  tasks: readonly TaskResult[],
  options: RunStageOptions
): Promise<void> {
  const { settings, git, logger } = options
  const signal = options.signal ?? new AbortController().signal
  const began = Date.now()
  const byPriority = new Map(tasks.map((task) => [task.priority, task]))
  const runnable = planned.filter((task) => byPriority.get(task.priority)?.status === 'pending')
  if (runnable.length === 0) return

  const preparer = new Preparer()
  const sweep = options.branchSweep ?? new BranchSweep(git)
  /** Worktree removals under way: the branches wait until none is. */
  const removals = new Set<Promise<void>>()
  const gate = new ResourceGate(
    settings,
    logger,
    options.resourceSampler,
    options.resourceIntervalMs
  )
  // Independent of each other, and all before the first start: side by side.
  const baseTip = options.baseTip ?? BaseTip.local(git, settings.baseBranch)
  if (options.heldBase) baseTip.holdWith(options.heldBase)
  const [maxParallel] = await Promise.all([
    resolveMaxParallel(settings, logger),
    // Registrations of worktrees an earlier run left and whose folders are gone.
    git.pruneWorktrees(),
    gate.start(),
    git.identityEnv()
  ])
  // Each running agent (and the schedule) listens for the run's cancellation: more than
  // Node's default of 10 at max-parallel 8 and above, which is no leak.
  setMaxListeners(Math.max(getMaxListeners(signal), 2 * maxParallel + 10), signal)
  const startLimit = options.startLimit ?? new StartLimit(logger, recoveryMs(options.env))
  startLimit.begin(maxParallel)
  const ctx = createTaskContext(
    settings,
    git,
    { ...options, signal, startLimit },
    { baseTip, starting: () => preparer.hold() }
  )
  // A finished worktree becomes the next one (a checkout of what differs, not every file).
  if (settings.cleanup) ctx.worktrees.reuseFinished()
  // Every task's branch read at once, rather than one read per worktree made.
  ctx.worktrees.knowBranches(runnable.map((task) => byPriority.get(task.priority)!.branch))
  const runs = new Map(
    runnable.map((task) => [task.priority, new TaskRun(byPriority.get(task.priority)!, ctx, task)])
  )
  const state: ScheduleState = { running: [], finishing: [], waiting: [], done: [], held: null }
  const afterOf = new Map(runnable.map((task) => [task.priority, task.after]))
  const progress = startProgress(
    state,
    runnable.length,
    logger,
    options.progressIntervalMs ?? progressIntervalMs(options.env),
    began,
    {
      startedAt: (priority) => {
        const at = byPriority.get(priority)?.started_at
        return at ? Date.parse(at) : null
      },
      after: (priority) => afterOf.get(priority) ?? [],
      startLimit: () => startLimit.lowered()
    }
  )
  /** A removal under way: the run waits for it, and the branches for the last one. */
  const track = (removal: Promise<void>): void => {
    const tracked: Promise<void> = removal.finally(() => {
      removals.delete(tracked)
      if (removals.size === 0) void sweep.flush()
    })
    removals.add(tracked)
  }
  /**
   * Whether a finished worktree may still be taken: a worktree being made waits for one, or a
   * task not started yet has none yet.
   */
  const worktreeStillWanted = (): boolean =>
    ctx.worktrees.awaitingSpare ||
    [...runs.values()].some((run) => run.task.status === 'pending' && !run.hasWorktree)
  /**
   * Once every task left has its worktree, finished ones are removed rather than kept, and
   * the spares kept so far go now, beside the agents still running, instead of at the end.
   */
  const stopReusing = (): void => track(ctx.worktrees.removeSpares())
  /** Agents that ended and whose onAgentEnded has not finished: see beforeStart. */
  const ended = new Map<number, EndedAgent>()
  // Whether a freed slot goes to another task at once: one is ready, and resources allow.
  const startsNext = (): boolean =>
    !state.held &&
    state.waiting.some((priority) =>
      (afterOf.get(priority) ?? []).every((other) => state.done.includes(other) || !runs.has(other))
    )
  logger.info(
    `Running ${runnable.length} priorit${runnable.length === 1 ? 'y' : 'ies'}, at most ${maxParallel} at once, from ${settings.baseBranch}`
  )

  try {
    const outcome = await runSchedule(runnable, {
      maxParallel,
      gate,
      signal,
      logger,
      state,
      maxIdleWaitMs: options.maxIdleWaitMs,
      startSpacingMs: settings.startSpacingMs,
      startLimit,
      stopStarting: () => budgetSpent(settings.maxCostUsd, tasks),
      prepare: (priority) => preparer.ahead(runs.get(priority)!),
      beforeStart: async (priority) => {
        if (ended.size) await options.beforeStart?.(priority, [...ended.values()])
      },
      start: (priority) => {
        const run = runs.get(priority)!
        const released = run
          .execute()
          .catch((error: Error) => logger.debug(`priority ${priority}: ${error.message}`))
        options.events?.taskStarted?.(run.task)
        // The bookkeeping of a finished agent (scope check, verdict, removal, merge) waits
        // until the task that takes over its slot has started: its dozens of git calls would
        // otherwise hold up that start. What the scope check learns reaches the scheduler
        // through beforeStart meanwhile.
        const settled = released
          .then(() => {
            const look = (): Promise<WorktreeLook> => run.lookAtWorktree()
            ended.set(priority, { task: run.task, startPoint: run.startPoint, look })
            if (startsNext()) preparer.handOver()
            return preparer.quiet()
          })
          .then(() => {
            // From here (not before the quiet: a start waits on it) its worktree may come back:
            // parked for the next task before the merge (a merge may run a verify command for
            // minutes; a park is a few git calls), removed after it otherwise (below). Told to
            // the worktrees at once, before the scope check: a worktree made ahead now waits
            // for this one rather than adding another.
            const finished = Promise.resolve()
              .then(() =>
                options.onAgentEnded?.(run.task, run.startPoint, () => run.lookAtWorktree())
              )
              .catch((error: Error) => logger.debug(`priority ${priority}: ${error.message}`))
              .finally(() => ended.delete(priority))
              .then(() => run.finish())
              .then(() => {
                if (ctx.worktrees.reusing && !worktreeStillWanted()) stopReusing()
                return ctx.worktrees.reusing ? run.releaseWorktree(sweep) : undefined
              })
            ctx.worktrees.expectReturn(finished)
            return finished
          })
          .then(() => options.onTaskDone?.(run.task))
          .catch((error: Error) => logger.error(`priority ${priority}: ${error.message}`))
          .finally(() => preparer.baseMoved([...runs.values()]))
        // Merged first, removed after: the merge waits on no file deletion, and removals run
        // side by side (only their registrations take turns in the git manager's line). A
        // worktree parked above is released already: this does nothing for it.
        track(
          settled
            .then(() => run.releaseWorktree(sweep))
            .catch((error: Error) => logger.error(`priority ${priority}: ${error.message}`))
        )
        return { released, settled }
      }
    })
    preparer.close()
    for (const priority of outcome.notStarted) {
      const task = byPriority.get(priority)!
      if (signal.aborted) {
        task.status = 'cancelled'
        task.error = 'the run was cancelled before this priority started'
      } else if (outcome.stopped) {
        task.status = 'skipped'
        task.error = outcome.stopped
      } else {
        task.status = 'skipped'
        task.error = outcome.gaveUp
          ? `not started: ${outcome.gaveUp} while nothing else of this run was running; free resources or raise the limit`
          : 'not started: a priority it waits on never finished'
      }
    }
    await Promise.all([
      ...outcome.notStarted.map((priority) => runs.get(priority)!.discard()),
      ctx.worktrees.removeSpares()
    ])
  } finally {
    preparer.close()
    gate.stop()
    progress.stop()
    // Even when the schedule failed: no removal may still run when the stage returns.
    while (removals.size > 0) await Promise.all(removals)
    await sweep.flush()
  }
  await git.pruneWorktrees()
}

/** Why no agent may start any more (max-cost-usd is reached), or null. */
function budgetSpent(maxCostUsd: number | null, tasks: readonly TaskResult[]): string | null {
  if (maxCostUsd === null) return null
  const spent = costSpent(tasks)
  if (spent < maxCostUsd) return null
  return `not started: the budget max-cost-usd (${formatUsd(maxCostUsd)}) is spent: the agents reported ${formatUsd(spent)}`
}

async function resolveMaxParallel(settings: Settings, logger: Logger): Promise<number> {
  if (settings.maxParallel !== 'auto') return settings.maxParallel
  const auto = await explainAutoParallelism()
  logger.info(
    `max-parallel auto: ${auto.maxParallel} (${auto.cores} usable core(s); ${(auto.availableMemory / 1024 ** 3).toFixed(1)} GiB memory available, about 2 GiB per agent)`
  )
  return auto.maxParallel
}

/**
 * Work done ahead of the start of tasks (making their worktrees, keeping them current), one
 * piece at a time, and only while no task is starting: it must never slow a start down.
 */
class Preparer {
  private queue: { run: TaskRun; work: () => Promise<unknown> }[] = []
  private quietWaiters: (() => void)[] = []
  private busy = false
  private holds = 0
  private closed = false
  private refreshTimer: NodeJS.Timeout | undefined

  ahead(run: TaskRun): void {
    this.push(run, () => run.prepare())
  }

  /**
   * Base may have moved (a task was merged): worktrees made ahead follow it, once the burst of
   * merges that ends a round of agents is over.
   */
  baseMoved(runs: readonly TaskRun[]): void {
    clearTimeout(this.refreshTimer)
    this.refreshTimer = setTimeout(() => {
      for (const run of runs) {
        if (run.waitingAhead && !this.queue.some((item) => item.run === run)) {
          this.push(run, () => run.refreshAhead())
        }
      }
    }, REFRESH_DEBOUNCE_MS)
    this.refreshTimer.unref()
  }

  /**
   * A slot was freed: work ahead waits until the task that takes it starts (its own hold
   * takes over), or HAND_OVER_WAIT_MS when none does (nothing ready, resources short).
   */
  handOver(): void {
    this.holds += 1
    const timer = setTimeout(() => this.dropHandOver(timer), HAND_OVER_WAIT_MS)
    this.handOvers.push(timer)
  }

  private readonly handOvers: NodeJS.Timeout[] = []

  private dropHandOver(timer: NodeJS.Timeout): void {
    const index = this.handOvers.indexOf(timer)
    if (index < 0) return
    this.handOvers.splice(index, 1)
    clearTimeout(timer)
    this.holds -= 1
    this.pump()
  }

  /** A task is starting: work ahead waits until the returned function is called. */
  hold(): () => void {
    this.holds += 1
    // The start a freed slot waited for: its hand-over hold is this one now.
    if (this.handOvers.length) this.dropHandOver(this.handOvers[0])
    return () => {
      // A little longer: the agent's own start (an interpreter loading) is part of its start.
      setTimeout(() => {
        this.holds -= 1
        this.pump()
        // Not unref'd: finishing work may be waiting on it, with nothing else keeping us alive.
      }, START_SETTLE_MS)
    }
  }

  /** Resolves when no task is starting (at once when none is). */
  quiet(): Promise<void> {
    if (this.holds === 0 || this.closed) return Promise.resolve()
    return new Promise((resolve) => this.quietWaiters.push(resolve))
  }

  close(): void {
    this.closed = true
    for (const timer of this.handOvers.splice(0)) clearTimeout(timer)
    this.wakeQuiet()
    this.queue = []
    clearTimeout(this.refreshTimer)
  }

  private push(run: TaskRun, work: () => Promise<unknown>): void {
    if (this.closed) return
    this.queue.push({ run, work })
    this.pump()
  }

  private wakeQuiet(): void {
    for (const wake of this.quietWaiters.splice(0)) wake()
  }

  private pump(): void {
    if (this.holds === 0) this.wakeQuiet()
    if (this.busy || this.holds > 0 || this.closed) return
    const next = this.queue.shift()
    if (!next) return
    this.busy = true
    void next
      .work()
      .catch(() => undefined)
      .finally(() => {
        this.busy = false
        this.pump()
      })
  }
}

/** How long a freed slot keeps work ahead waiting for the start that takes it. */
const HAND_OVER_WAIT_MS = 200
/** How long after an agent's process started work ahead keeps waiting. */
const START_SETTLE_MS = 250
/** How long base must stay still before worktrees made ahead are moved to its tip. */
const REFRESH_DEBOUNCE_MS = 300
