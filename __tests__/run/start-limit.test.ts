import { progressLine } from '../../src/run/progress.js'
import { StartLimit, recoveryMs } from '../../src/run/start-limit.js'
import { memoryLogger } from '../helpers/logger.js'

/** A StartLimit on a clock the test moves; no recovery timer (an agent's clean end counts). */
function limitOf(max: number) {
  const clock = { now: 1_000 }
  const logger = memoryLogger()
  const limit = new StartLimit(logger, Number.POSITIVE_INFINITY, () => clock.now)
  limit.begin(max)
  return { limit, clock, logger }
}

describe('the start limit', () => {
  test('a burst of rate limits from agents started together halves it once; a later one halves it again, never below 1', async () => {
    const { limit, clock, logger } = limitOf(8)
    const ends = await Promise.all([1, 2, 3, 4].map((p) => limit.turn(p)))
    clock.now += 100
    for (const end of ends) end(true)
    expect(limit.current).toBe(4)
    for (const step of [2, 1, 1]) {
      clock.now += 100
      const end = await limit.turn(9)
      clock.now += 100
      end(true)
      expect(limit.current).toBe(step)
    }
    expect(limit.changes.map((c) => [c.from, c.to, c.reason, c.priority])).toEqual([
      [8, 4, 'rate-limit', 1],
      [4, 2, 'rate-limit', 9],
      [2, 1, 'rate-limit', 9]
    ])
    expect(logger.lines).toEqual([
      'Start limit 8 → 4 after a rate limit of priority 1',
      'Start limit 4 → 2 after a rate limit of priority 9',
      'Start limit 2 → 1 after a rate limit of priority 9'
    ])
  })

  test('rises by one for each agent started after the lowering that ends without a rate limit, up to max-parallel', async () => {
    const { limit, clock } = limitOf(3)
    const before = await limit.turn(1)
    clock.now += 10
    ;(await limit.turn(2))(true)
    expect(limit.current).toBe(1)
    // Started before the lowering: no evidence that the API is free again.
    before(false)
    expect(limit.current).toBe(1)
    for (const expected of [2, 3, 3]) {
      clock.now += 10
      ;(await limit.turn(3))(false)
      expect(limit.current).toBe(expected)
    }
    expect(limit.changes.at(-1)).toMatchObject({ from: 2, to: 3, reason: 'recovered', priority: 3 })
  })

  test('an agent waits for its turn while as many as the limit run, and starts when one ends', async () => {
    const { limit } = limitOf(2)
    const first = await limit.turn(1)
    const second = await limit.turn(2)
    let third: ((rateLimited: boolean) => void) | null = null
    const waiting = limit.turn(3).then((end) => (third = end))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(third).toBeNull()
    first(false)
    await waiting
    expect(limit.running).toBe(2)
    second(false)
    third!(false)
    expect(limit.running).toBe(0)
  })

  test('a cancelled run stops the wait for a turn', async () => {
    const { limit } = limitOf(1)
    const running = await limit.turn(1)
    const cancel = new AbortController()
    const waiting = limit.turn(2, cancel.signal)
    cancel.abort()
    await waiting
    running(false)
  })

  test('a minute of running without a rate limit raises it, the minute shortened by a variable', async () => {
    expect(recoveryMs({})).toBe(60_000)
    expect(recoveryMs({ PARALLEL_WORKTREE_START_LIMIT_RECOVERY_SECONDS: '0.05' })).toBe(50)
    const limit = new StartLimit(memoryLogger(), 50)
    limit.begin(4)
    ;(await limit.turn(1))(true)
    const end = await limit.turn(2)
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(limit.current).toBe(3)
    end(false)
    // Counted once: its end adds nothing more.
    expect(limit.current).toBe(3)
  })

  test('the heartbeat names the start limit while it is below max-parallel', () => {
    const line = progressLine(
      { running: [1], finishing: [], waiting: [2], done: [], held: null },
      2,
      5_000,
      {
        startedAt: () => 0,
        after: () => [],
        now: 5_000,
        startLimit: () => ({ current: 1, max: 4 })
      }
    )
    expect(line).toBe(
      'Progress 0:05: 1 running (1 for 0:05), 1 queued (2), 0 of 2 done; start limit 1 of 4 after rate limits'
    )
  })
})
