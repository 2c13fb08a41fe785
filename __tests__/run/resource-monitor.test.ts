import {
  ResourceGate,
  explainAutoParallelism,
  resourceVerdict,
  systemSampler,
  usableCores,
  type ResourceSample
} from '../../src/run/resource-monitor.js'
import { formatElapsed, progressLine } from '../../src/run/progress.js'
import { memoryLogger } from './run-helpers.js'

const limits = { maxCpuPercent: 80, maxMemoryPercent: 70 }

describe('the resource verdict', () => {
  test('CPU or memory in use above its limit holds a start, and says which', () => {
    expect(resourceVerdict({ cpuPercent: 81, memoryPercent: 10 }, limits)).toBe(
      'CPU used outside this run at 81% (max-cpu-percent 80)'
    )
    expect(resourceVerdict({ cpuPercent: 10, memoryPercent: 70.6 }, limits)).toBe(
      'memory in use at 71% (max-memory-percent 70)'
    )
    expect(resourceVerdict({ cpuPercent: 80, memoryPercent: 70 }, limits)).toBeNull()
    // CPU not measured yet: memory alone decides.
    expect(resourceVerdict({ cpuPercent: null, memoryPercent: 5 }, limits)).toBeNull()
  })
})

describe('the resource gate', () => {
  test('answers from the latest sample, taken in the background', async () => {
    const samples: ResourceSample[] = [
      { cpuPercent: 99, memoryPercent: 5 },
      { cpuPercent: 5, memoryPercent: 5 }
    ]
    let calls = 0
    const gate = new ResourceGate(
      limits,
      memoryLogger(),
      () => Promise.resolve(samples[Math.min(calls++, samples.length - 1)]),
      10
    )
    expect(await gate.check()).toBe('CPU used outside this run at 99% (max-cpu-percent 80)')
    await gate.nextSample()
    expect(gate.verdict()).toBeNull()
    expect(gate.sampleNow).toEqual({ cpuPercent: 5, memoryPercent: 5 })
    gate.stop()
    const seen = calls
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(calls).toBe(seen)
  })

  test('a machine it cannot measure does not hold starts; it says so once', async () => {
    const logger = memoryLogger()
    const gate = new ResourceGate(limits, logger, () => Promise.reject(new Error('no /proc')), 5)
    expect(await gate.check()).toBeNull()
    for (let i = 0; i < 4; i += 1) await gate.nextSample()
    gate.stop()
    expect(logger.lines.filter((line) => line.includes('Cannot measure'))).toHaveLength(1)
  })

  test('the system sampler: memory at once, CPU from the second sample on', async () => {
    const sample = systemSampler()
    const first = await sample()
    expect(first.cpuPercent).toBeNull()
    expect(first.memoryPercent).toBeGreaterThan(0)
    expect(first.memoryPercent).toBeLessThanOrEqual(100)
    await new Promise((resolve) => setTimeout(resolve, 100)) // the kernel counts in ticks
    const second = await sample()
    expect(second.cpuPercent).toBeGreaterThanOrEqual(0)
    expect(second.cpuPercent).toBeLessThanOrEqual(100)
  })

  test('max-parallel auto is from 1 to 32 and no more than the usable cores', async () => {
    const auto = (await explainAutoParallelism()).maxParallel
    expect(auto).toBeGreaterThanOrEqual(1)
    expect(auto).toBeLessThanOrEqual(Math.min(32, usableCores()))
  })
})

describe('the progress line', () => {
  test('running, queued, done, elapsed and what holds the next start', () => {
    expect(formatElapsed(65_400)).toBe('1:05')
    expect(formatElapsed(3_725_000)).toBe('1:02:05')
    expect(
      progressLine(
        { running: [66, 65], finishing: [64], waiting: [67, 68], done: [1], held: null },
        6,
        90_000
      )
    ).toBe('Progress 1:30: 3 running (64, 65, 66), 2 queued, 1 of 6 done')
    expect(
      progressLine(
        {
          running: [],
          finishing: [],
          waiting: [2],
          done: [],
          held: 'CPU at 90% (max-cpu-percent 80)'
        },
        1,
        0
      )
    ).toBe(
      'Progress 0:00: 0 running, 1 queued, 0 of 1 done; next start held: CPU at 90% (max-cpu-percent 80)'
    )
  })
})
