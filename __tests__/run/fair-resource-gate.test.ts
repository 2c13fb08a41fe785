import { spawn, type ChildProcess } from 'node:child_process'
import { cpus } from 'node:os'
import { systemSampler, type ResourceSampler } from '../../src/run/resource-monitor.js'
import { treeCpuMs } from '../../src/run/process-tree.js'
import { until } from '../helpers/processes.js'

const BUSY = 'for (;;) {}'

/** A stand-in for the run: a process whose children are its agents, `busy` of them spinning. */
function standInRun(busy: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      '-e',
      `const { spawn } = require('child_process')
       for (let i = 0; i < ${busy}; i++) spawn(process.execPath, ['-e', ${JSON.stringify(BUSY)}], { stdio: 'ignore' })
       setInterval(() => {}, 1000)`
    ],
    { stdio: 'ignore', detached: true }
  )
}

/** A busy loop of the test's own, outside the run's tree (another job on the machine). */
function busyStranger(): ChildProcess {
  return spawn(process.execPath, ['-e', BUSY], { stdio: 'ignore' })
}

const WINDOW_MS = 2000

/**
 * CPU in use over two seconds as the fair gate counts it (the run's tree left out) and as it
 * counts everything, over the same time: each sampler's two samples are taken back to back.
 */
async function sideBySide(run: number): Promise<{ fair: number; whole: number }> {
  const fair: ResourceSampler = systemSampler(() => treeCpuMs(run))
  const whole: ResourceSampler = systemSampler(() => 0)
  await fair()
  await whole()
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS))
  const [f, w] = [await fair(), await whole()]
  return { fair: f.cpuPercent!, whole: w.cpuPercent! }
}

function stop(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL')
  } catch {
    child.kill('SIGKILL')
  }
}

describe('the fair resource gate', () => {
  test('the run’s own busy agents are not held against the next start', async () => {
    const run = standInRun(2)
    try {
      // Its agents are running (and spinning) once the run's tree has used CPU.
      expect(await until(() => (treeCpuMs(run.pid) ?? 0) > 200)).toBe(true)
      const before = treeCpuMs(run.pid)!
      const { fair, whole } = await sideBySide(run.pid!)
      // The agents' share of all cores over that time (however busy the shared machine is):
      // what the fair count leaves out.
      const share = ((treeCpuMs(run.pid)! - before) / (WINDOW_MS * cpus().length)) * 100
      expect(share).toBeGreaterThan(5)
      expect(whole - fair).toBeGreaterThan(share / 2)
    } finally {
      stop(run)
    }
  })

  test('a busy process outside the run still counts', async () => {
    const run = standInRun(0)
    const stranger = busyStranger()
    try {
      expect(await until(() => (treeCpuMs(stranger.pid) ?? 0) > 200)).toBe(true)
      expect(await until(() => treeCpuMs(run.pid) !== null)).toBe(true)
      const before = treeCpuMs(stranger.pid)!
      const { fair, whole } = await sideBySide(run.pid!)
      expect(treeCpuMs(stranger.pid)! - before).toBeGreaterThan(100)
      // The run's tree was idle: the fair count is the whole count, the stranger included.
      expect(Math.abs(whole - fair)).toBeLessThan(3)
      expect(fair).toBeGreaterThan(0)
    } finally {
      stop(run)
      stranger.kill('SIGKILL')
    }
  })

  test('the run’s tree is its root and every descendant, nothing else', async () => {
    const run = standInRun(1)
    const stranger = busyStranger()
    try {
      expect(await until(() => (treeCpuMs(run.pid) ?? 0) > 300)).toBe(true)
      const own = treeCpuMs(run.pid)!
      const strangers = treeCpuMs(stranger.pid)!
      // The test's own tree holds both; the run's holds its agent only.
      expect(treeCpuMs()!).toBeGreaterThanOrEqual(own + strangers)
      expect(treeCpuMs(process.pid + 10_000_000)).toBeNull()
    } finally {
      stop(run)
      stranger.kill('SIGKILL')
    }
  })
})
