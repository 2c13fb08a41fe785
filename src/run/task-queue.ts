import type { Logger } from '../core/logger.js'

export interface ScheduledTask {
  priority: number
  /** Priorities that must settle (finish, and be merged if they will be) before this starts. */
  after: readonly number[]
}

/**
 * A started task. Its slot is held until `released` (its agent has ended); the tasks that
 * wait on it start after `settled` (its verdict, cleanup and merge are done).
 */
export interface TaskHandle {
  released: Promise<unknown>
  settled: Promise<unknown>
}

/** What the scheduler asks before each start. */
export interface StartGate {
  /** Null when a start may go ahead now, else why not. */
  check(): Promise<string | null>
  /** Resolves when the answer may have changed. */
  nextSample?(): Promise<void>
  readonly intervalMs: number
}

/** A live view of the schedule, kept up to date for the progress line. */
export interface ScheduleState {
  running: number[]
  finishing: number[]
  waiting: number[]
  done: number[]
  /** Why the next start is held back, while it is. */
  held: string | null
}

export interface ScheduleOptions {
  maxParallel: number
  gate?: StartGate
  signal?: AbortSignal
  logger: Logger
  /**
   * Starts one task. A promise: the task holds its slot until the promise settles, and it
   * settles then too. A TaskHandle: the slot is freed at `released`. Should never reject.
   */
  start: (priority: number) => Promise<void> | TaskHandle
  /** Gets a task that is next in line ready before its start (no slot held). */
  prepare?: (priority: number) => void
  /** How many ready tasks beyond the running ones are prepared ahead (default: maxParallel). */
  lookahead?: number
  /**
   * When nothing of this run is running and the gate has held the next start back this long,
   * the schedule stops: the tasks not started are returned with the gate's reason.
   */
  maxIdleWaitMs?: number
  state?: ScheduleState
  /** Least time between two starts (rate limits of the agents' APIs); 0: none. */
  startSpacingMs?: number
  /**
   * Fewer starts than maxParallel while it says so (agents that hit their API's rate limit):
   * asked before each start, and a change of it wakes the schedule.
   */
  startLimit?: { readonly current: number; changed(): Promise<void> }
  /**
   * Asked before each start: a reason means no task starts any more (a budget is spent); the
   * running ones finish, the rest are returned not started, with the reason.
   */
  stopStarting?: () => string | null
  /**
   * Asked before a start the slot and the gate allow: it may make the task wait for more
   * (push onto its `after`); the task starts only while it is still ready after it.
   */
  beforeStart?: (priority: number) => Promise<void>
}

export interface ScheduleOutcome {
  /** Tasks never started (the run was cancelled, or the gate held them past maxIdleWaitMs). */
  notStarted: number[]
  /** The gate's reason when it held starts back past maxIdleWaitMs, else null. */
  gaveUp: string | null
  /** stopStarting's reason when it stopped the starts, else null. */
  stopped: string | null
}

export const DEFAULT_MAX_IDLE_WAIT_MS = 10 * 60_000

/**
 * Starts tasks in the order given (the plan's start order: the longest estimate first) as soon
 * as the tasks they wait on have settled, keeping at most
 * `maxParallel` running and asking the gate before each start. It wakes on events only: a
 * task released or settled, a new resource sample while a start is held, cancellation.
 */
export async function runSchedule(
  tasks: readonly ScheduledTask[],
  options: ScheduleOptions
): Promise<ScheduleOutcome> {
  const { gate, signal, logger } = options
  const known = new Set(tasks.map((task) => task.priority))
  const running = new Set<number>()
  const finishing = new Set<number>()
  const settled = new Set<number>()
  const prepared = new Set<number>()
  const waiting = [...tasks]
  const ends: Promise<unknown>[] = []
  const maxIdleWaitMs = options.maxIdleWaitMs ?? DEFAULT_MAX_IDLE_WAIT_MS
  const lookahead = options.prepare ? (options.lookahead ?? options.maxParallel) : 0
  const state: ScheduleState = options.state ?? {
    running: [],
    finishing: [],
    waiting: [],
    done: [],
    held: null
  }
  let notify = (): void => {}
  const onAbort = (): void => notify()
  signal?.addEventListener('abort', onAbort, { once: true })
  let heldSince: number | null = null
  let gaveUp: string | null = null
  let stopped: string | null = null
  // In an object: it is set inside launch(), which the loop's narrowing does not see.
  const last = { launch: 0 }
  const spacingMs = options.startSpacingMs ?? 0
  const { startLimit } = options
  const room = (): boolean =>
    running.size < Math.min(options.maxParallel, startLimit?.current ?? options.maxParallel)

  const isReady = (task: ScheduledTask): boolean =>
    task.after.every((priority) => settled.has(priority) || !known.has(priority))
  const publish = (): void => {
    state.running = [...running]
    state.finishing = [...finishing]
    state.waiting = waiting.map((task) => task.priority)
    state.done = [...settled]
  }
  const launch = (task: ScheduledTask): void => {
    waiting.splice(waiting.indexOf(task), 1)
    running.add(task.priority)
    last.launch = Date.now()
    let handle: TaskHandle
    try {
      const started = options.start(task.priority)
      handle = started instanceof Promise ? { released: started, settled: started } : started
    } catch (error) {
      const failed = Promise.reject(error instanceof Error ? error : new Error(String(error)))
      handle = { released: failed, settled: failed }
    }
    const released = handle.released
      .catch((error: Error) => logger.error(`priority ${task.priority}: ${error.message}`))
      .finally(() => {
        running.delete(task.priority)
        finishing.add(task.priority)
        publish()
        notify()
      })
    ends.push(
      Promise.allSettled([released, handle.settled]).then(() => {
        finishing.delete(task.priority)
        settled.add(task.priority)
        publish()
        notify()
      })
    )
    publish()
  }

  try {
    publish()
    while (!signal?.aborted) {
      const changed = new Promise<void>((resolve) => (notify = resolve))
      const ready = waiting.filter(isReady)
      const idle = running.size === 0 && finishing.size === 0
      if (ready.length === 0 && idle) break
      stopped ??= ready.length && options.stopStarting ? options.stopStarting() : null
      if (stopped && idle) break
      const next = stopped ? undefined : ready[0]
      const spacingLeft = last.launch ? last.launch + spacingMs - Date.now() : 0
      if (next && room() && spacingLeft <= 0) {
        const reason = gate ? await gate.check() : null
        if (signal?.aborted) break
        if (!reason && options.beforeStart) {
          await options.beforeStart(next.priority)
          if (signal?.aborted) break
          if (!isReady(next)) continue
        }
        if (!reason) {
          if (state.held) {
            logger.info(`Resources are below the limits again: starting priority ${next.priority}`)
          }
          state.held = null
          heldSince = null
          launch(next)
          continue
        }
        // Said when the reason changes (CPU → memory), not each time its figure moves.
        if (state.held === null || !sameReason(reason, state.held))
          logger.info(`Priority ${next.priority} waits to start: ${reason}`)
        state.held = reason
        heldSince ??= Date.now()
        if (idle && Date.now() - heldSince >= maxIdleWaitMs) {
          gaveUp = reason
          break
        }
      }
      for (const task of ready.slice(0, stopped ? 0 : lookahead)) {
        if (prepared.has(task.priority)) continue
        prepared.add(task.priority)
        options.prepare?.(task.priority)
      }
      const wakeUps: Promise<unknown>[] = [changed]
      const timers: NodeJS.Timeout[] = []
      const after = (ms: number): Promise<void> =>
        new Promise((resolve) => timers.push(setTimeout(resolve, Math.max(0, ms))))
      if (next && room() && spacingLeft > 0) {
        wakeUps.push(after(spacingLeft))
      }
      if (next && startLimit && !room()) wakeUps.push(startLimit.changed())
      if (state.held && gate) {
        // A timer of our own keeps the process alive while only the gate's sampling runs.
        wakeUps.push(after(gate.intervalMs))
        if (gate.nextSample) wakeUps.push(gate.nextSample())
        if (idle) wakeUps.push(after(maxIdleWaitMs - (Date.now() - (heldSince ?? Date.now()))))
      }
      await Promise.race(wakeUps)
      for (const timer of timers) clearTimeout(timer)
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
  await Promise.allSettled(ends)
  publish()
  return { notStarted: waiting.map((task) => task.priority), gaveUp, stopped }
}

/** Two wait reasons that differ only in their figures (`CPU at 99%`, `CPU at 89%`) are one. */
export function sameReason(a: string, b: string): boolean {
  const shape = (text: string): string => text.replace(/\d+(\.\d+)?/g, '#')
  return shape(a) === shape(b)
}
