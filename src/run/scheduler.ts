import type { ResourceGate } from './resource-monitor.js'
import type { Logger } from '../engine/logger.js'

export interface ScheduledTask {
  priority: number
  /** Priorities that must settle (finish, and be merged if they will be) before this starts. */
  after: readonly number[]
}

export interface ScheduleOptions {
  maxParallel: number
  gate?: ResourceGate
  signal?: AbortSignal
  logger: Logger
  /** Runs one task to its end (agent, then merge); never rejects. */
  start: (priority: number) => Promise<void>
  /**
   * When nothing of ours runs and the gate has held a start back this long, start one anyway
   * with a warning: a machine busy with something else must not hang the run forever.
   */
  maxIdleWaitMs?: number
}

/**
 * Starts tasks in input order as soon as their `after` priorities have settled, keeping at
 * most `maxParallel` running and consulting the resource gate before each start. It wakes on
 * completions (events), and only re-samples resources on a timer while a start is held back.
 */
export async function runSchedule(
  tasks: readonly ScheduledTask[],
  options: ScheduleOptions
): Promise<{ notStarted: number[] }> {
  const known = new Set(tasks.map((task) => task.priority))
  const settled = new Set<number>()
  const running = new Map<number, Promise<void>>()
  const waiting = [...tasks]
  const aborted = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve()
    options.signal?.addEventListener('abort', () => resolve(), { once: true })
  })
  const maxIdleWaitMs = options.maxIdleWaitMs ?? 10 * 60_000
  let heldSince: number | null = null

  while (!options.signal?.aborted) {
    const next = waiting.find((task) =>
      task.after.every((priority) => settled.has(priority) || !known.has(priority))
    )
    if (!next && running.size === 0) break
    if (next && running.size < options.maxParallel) {
      const reason = options.gate ? await options.gate.check() : null
      const idleTooLong =
        running.size === 0 && heldSince !== null && Date.now() - heldSince >= maxIdleWaitMs
      if (!reason || idleTooLong) {
        if (reason)
          options.logger.warning(
            `Starting priority ${next.priority} anyway: ${reason}, and nothing else of this run is running`
          )
        heldSince = null
        waiting.splice(waiting.indexOf(next), 1)
        running.set(
          next.priority,
          options.start(next.priority).finally(() => {
            running.delete(next.priority)
            settled.add(next.priority)
          })
        )
        continue
      }
      heldSince ??= Date.now()
      await Promise.race([...running.values(), aborted, delay(options.gate!.intervalMs)])
      continue
    }
    await Promise.race([...running.values(), aborted])
  }
  await Promise.allSettled(running.values())
  return { notStarted: waiting.map((task) => task.priority) }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
