import { runSchedule, type StartGate, type TaskHandle } from '../../src/run/task-queue.js'
import { memoryLogger } from './run-helpers.js'

/** A task the test ends by hand: release (agent ended) then settle (merged). */
interface Manual {
  priority: number
  release: () => void
  settle: () => void
}

function manualTasks() {
  const started: Manual[] = []
  const start = (priority: number): TaskHandle => {
    let release!: () => void
    let settle!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const settledInner = new Promise<void>((resolve) => (settle = resolve))
    started.push({ priority, release, settle })
    return { released, settled: released.then(() => settledInner) }
  }
  return { started, start }
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5))

describe('the schedule', () => {
  test('never more than maxParallel hold a slot; a slot frees when the agent ends', async () => {
    const { started, start } = manualTasks()
    const tasks = [1, 2, 3, 4].map((priority) => ({ priority, after: [] }))
    const done = runSchedule(tasks, { maxParallel: 2, logger: memoryLogger(), start })
    await tick()
    expect(started.map((t) => t.priority)).toEqual([1, 2])
    started[0].release() // agent 1 ended; its merge is still going on
    await tick()
    expect(started.map((t) => t.priority)).toEqual([1, 2, 3])
    for (const task of started) task.release()
    await tick()
    expect(started.map((t) => t.priority)).toEqual([1, 2, 3, 4])
    for (const task of started) {
      task.release()
      task.settle()
    }
    expect(await done).toEqual({ notStarted: [], gaveUp: null, stopped: null })
  })

  test('a task starts only when the tasks it waits on have settled (merged), not just released', async () => {
    const { started, start } = manualTasks()
    const tasks = [
      { priority: 1, after: [] },
      { priority: 2, after: [1] },
      { priority: 3, after: [] },
      { priority: 4, after: [99] } // not in this schedule (skipped): no reason to wait
    ]
    const done = runSchedule(tasks, { maxParallel: 4, logger: memoryLogger(), start })
    await tick()
    expect(started.map((t) => t.priority)).toEqual([1, 3, 4])
    started[0].release()
    await tick()
    expect(started.map((t) => t.priority)).toEqual([1, 3, 4])
    started[0].settle()
    await tick()
    expect(started.map((t) => t.priority)).toEqual([1, 3, 4, 2])
    for (const task of started) {
      task.release()
      task.settle()
    }
    await done
  })

  test('tasks next in line are prepared ahead, once each, in order', async () => {
    const { started, start } = manualTasks()
    const prepared: number[] = []
    const tasks = [1, 2, 3, 4, 5].map((priority) => ({ priority, after: [] }))
    const done = runSchedule(tasks, {
      maxParallel: 1,
      lookahead: 2,
      logger: memoryLogger(),
      start,
      prepare: (priority) => prepared.push(priority)
    })
    await tick()
    expect(prepared).toEqual([2, 3])
    started[0].release()
    await tick()
    expect(prepared).toEqual([2, 3, 4])
    for (let i = 0; i < 5; i += 1) {
      await tick()
      for (const task of started) task.release()
    }
    for (const task of started) task.settle()
    await done
    expect(prepared).toEqual([2, 3, 4, 5])
  })

  test('the gate holds a start back, says why once, and lets it go when it clears', async () => {
    const { started, start } = manualTasks()
    const logger = memoryLogger()
    let reason: string | null = 'CPU at 95% (max-cpu-percent 80)'
    let wake!: () => void
    const gate: StartGate = {
      intervalMs: 10_000,
      check: () => Promise.resolve(reason),
      nextSample: () => new Promise((resolve) => (wake = resolve))
    }
    const done = runSchedule([{ priority: 1, after: [] }], { maxParallel: 1, logger, start, gate })
    await tick()
    wake()
    await tick()
    expect(started).toEqual([])
    expect(logger.lines).toEqual(['Priority 1 waits to start: CPU at 95% (max-cpu-percent 80)'])
    reason = null
    wake()
    await tick()
    expect(started.map((t) => t.priority)).toEqual([1])
    expect(logger.lines[1]).toBe('Resources are below the limits again: starting priority 1')
    started[0].release()
    started[0].settle()
    await done
  })

  test('cancellation starts nothing more; what was not started is returned', async () => {
    const { started, start } = manualTasks()
    const controller = new AbortController()
    const tasks = [1, 2, 3].map((priority) => ({ priority, after: [] }))
    const done = runSchedule(tasks, {
      maxParallel: 1,
      logger: memoryLogger(),
      start,
      signal: controller.signal
    })
    await tick()
    controller.abort()
    started[0].release()
    started[0].settle()
    expect(await done).toEqual({ notStarted: [2, 3], gaveUp: null, stopped: null })
    expect(started).toHaveLength(1)
  })

  test('a plain promise holds the slot until it settles; a start that throws frees its slot', async () => {
    const logger = memoryLogger()
    const order: number[] = []
    const outcome = await runSchedule(
      [1, 2, 3].map((priority) => ({ priority, after: [] })),
      {
        maxParallel: 1,
        logger,
        start: async (priority) => {
          order.push(priority)
          await tick()
          if (priority === 2) throw new Error('boom')
        }
      }
    )
    expect(order).toEqual([1, 2, 3])
    expect(outcome.notStarted).toEqual([])
    expect(logger.lines).toContain('error: priority 2: boom')
  })
})
