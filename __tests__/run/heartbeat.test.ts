import {
  PROGRESS_INTERVAL_VARIABLE,
  progressIntervalMs,
  progressLine,
  startProgress
} from '../../src/run/progress.js'
import { runSchedule, sameReason, type StartGate } from '../../src/run/task-queue.js'
import { memoryLogger } from '../helpers/logger.js'

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('the heartbeat', () => {
  it('names each agent running with its time, those queued with what they wait on, and what holds a start', () => {
    const started = new Map([
      [65, 1_000],
      [66, 50_000]
    ])
    const line = progressLine(
      {
        running: [66, 65],
        finishing: [64],
        waiting: [67, 68],
        done: [1],
        held: 'memory in use at 91% (max-memory-percent 80)'
      },
      6,
      90_000,
      {
        startedAt: (p) => started.get(p) ?? null,
        after: (p) => (p === 67 ? [65, 1] : []),
        now: 91_000
      }
    )
    expect(line).toBe(
      'Progress 1:30: 3 running (64 finishing, 65 for 1:30, 66 for 0:41), 2 queued (67 after 65, 68), 1 of 6 done; next start held: memory in use at 91% (max-memory-percent 80)'
    )
  })

  it('comes every 60 s on a runner, every 30 s in a terminal, or as PARALLEL_WORKTREE_PROGRESS_SECONDS says', () => {
    expect(progressIntervalMs({ GITHUB_ACTIONS: 'true' })).toBe(60_000)
    expect(progressIntervalMs({})).toBe(30_000)
    expect(progressIntervalMs({ [PROGRESS_INTERVAL_VARIABLE]: '0.2' })).toBe(200)
    expect(progressIntervalMs({ [PROGRESS_INTERVAL_VARIABLE]: '0' })).toBe(0)
    expect(progressIntervalMs({ [PROGRESS_INTERVAL_VARIABLE]: 'often' })).toBe(30_000)
  })

  it('keeps a steady pace while the agents say nothing', async () => {
    const logger = memoryLogger()
    const state = { running: [1], finishing: [], waiting: [], done: [], held: null }
    const began = Date.now()
    const progress = startProgress(state, 1, logger, 40, began, {
      startedAt: () => began,
      after: () => []
    })
    // Three beats with nothing else said; a loaded machine may take longer than 3 × 40 ms.
    const deadline = Date.now() + 20_000
    while (logger.lines.length < 3 && Date.now() < deadline) await tick()
    progress.stop()
    expect(logger.lines.length).toBeGreaterThanOrEqual(3)
    expect(
      logger.lines.every((line) => /^Progress 0:\d\d: 1 running \(1 for 0:\d\d\)/.test(line))
    ).toBe(true)
  })
})

describe('wait reasons', () => {
  it('are one reason when only the figure moves', () => {
    expect(sameReason('CPU at 99% (max-cpu-percent 80)', 'CPU at 89% (max-cpu-percent 80)')).toBe(
      true
    )
    expect(
      sameReason('CPU at 99% (max-cpu-percent 80)', 'memory in use at 85% (max-memory-percent 80)')
    ).toBe(false)
  })

  it('are said when they change, not when the percentage moves', async () => {
    const logger = memoryLogger()
    const reasons = [
      'CPU at 99% (max-cpu-percent 80)',
      'CPU at 89% (max-cpu-percent 80)',
      'CPU at 94% (max-cpu-percent 80)',
      'memory in use at 85% (max-memory-percent 80)',
      'memory in use at 86% (max-memory-percent 80)',
      null
    ]
    // One sample per reason: the schedule asks again each time the gate samples.
    const waiting: (() => void)[] = []
    const gate: StartGate = {
      intervalMs: 60_000,
      check: () => Promise.resolve(reasons[0]),
      nextSample: () => new Promise<void>((resolve) => waiting.push(resolve))
    }
    const starts: number[] = []
    const done = runSchedule([{ priority: 1, after: [] }], {
      maxParallel: 1,
      logger,
      gate,
      start: (priority) => {
        starts.push(priority)
        return Promise.resolve()
      }
    })
    while (reasons.length > 1) {
      while (waiting.length === 0) await tick()
      reasons.shift()
      waiting.shift()!()
    }
    await done
    expect(starts).toEqual([1])
    expect(logger.lines).toEqual([
      'Priority 1 waits to start: CPU at 99% (max-cpu-percent 80)',
      'Priority 1 waits to start: memory in use at 85% (max-memory-percent 80)',
      'Resources are below the limits again: starting priority 1'
    ])
  })
})
