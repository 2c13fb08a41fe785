import { availableParallelism, cpus } from 'node:os'
import { readFileSync } from 'node:fs'
import si from 'systeminformation'
import type { Logger } from '../core/logger.js'
import { MAX_PARALLEL } from '../inputs/settings.js'
import { treeCpuMs } from './process-tree.js'

export interface ResourceSample {
  /**
   * CPU used by everything but this run (its own process tree: the coordinator, its git
   * processes, its agents) over the time since the previous sample, as a share of all cores;
   * null while not yet measured.
   */
  cpuPercent: number | null
  /** Memory in use: total minus available, as a percentage of total. */
  memoryPercent: number
}

export type ResourceSampler = () => Promise<ResourceSample>

/**
 * Samples the machine: memory through systeminformation, CPU from the kernel's counters that
 * os.cpus() reads (/proc/stat), as the share of CPU time not idle since the previous sample,
 * less the CPU time the run's own process tree used meanwhile (`ownCpuMs`, see treeCpuMs).
 * The gate is fair so: agents already running and the run's own git are never held against
 * the next start (CPU is shared by time: they slow down, and a busy shared machine held starts
 * for 36 s per hand-over while counted); what others use holds it. Memory is counted whole: an
 * agent's memory is not given back to the next one. Not systeminformation's currentLoad: on
 * Linux each of its calls runs a shell pipeline (cat /proc/stat | grep) synchronously, three
 * processes that stop this process's event loop every sample, for hours. The first sample
 * gives memory, and CPU as unknown.
 */
export function systemSampler(ownCpuMs: () => number | null = () => treeCpuMs()): ResourceSampler {
  let previous: CpuTimes | null = null
  return async () => {
    const memory = await si.mem()
    const memoryPercent =
      memory.total > 0 ? ((memory.total - memory.available) / memory.total) * 100 : 0
    const now = { ...cpuTimes(), own: ownCpuMs() }
    const since = previous
    previous = now
    const total = since ? now.total - since.total : 0
    // A process that left the tree takes its time with it: never below nothing.
    const own =
      since && now.own !== null && since.own !== null ? Math.max(0, now.own - since.own) : 0
    const others = since ? Math.max(0, now.busy - since.busy - own) : 0
    return {
      cpuPercent: since && total > 0 ? Math.min(100, (others / total) * 100) : null,
      memoryPercent
    }
  }
}

interface CpuTimes {
  busy: number
  total: number
  /** The run's own tree's CPU time, when it can be read. */
  own: number | null
}

/** CPU time of every core since boot, in ms: all of it, and all but idle. */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0
  let total = 0
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle
    total += all
    busy += all - times.idle
  }
  return { busy, total }
}

export interface ResourceLimits {
  maxCpuPercent: number
  maxMemoryPercent: number
}

/** Why a new agent may not start now, or null when it may. */
export function resourceVerdict(sample: ResourceSample, limits: ResourceLimits): string | null {
  if (sample.cpuPercent !== null && sample.cpuPercent > limits.maxCpuPercent) {
    return `CPU used outside this run at ${sample.cpuPercent.toFixed(0)}% (max-cpu-percent ${limits.maxCpuPercent})`
  }
  if (sample.memoryPercent > limits.maxMemoryPercent) {
    return `memory in use at ${sample.memoryPercent.toFixed(0)}% (max-memory-percent ${limits.maxMemoryPercent})`
  }
  return null
}

export const DEFAULT_RESOURCE_INTERVAL_MS = 2000

/**
 * The gate consulted before every start (the seed's monitor never was). It samples on a
 * steady timer in the background, so that asking it costs nothing and never delays a start:
 * `verdict()` answers from the latest sample. The first sample is taken when the gate starts.
 */
export class ResourceGate {
  private latest: ResourceSample | null = null
  private timer: NodeJS.Timeout | undefined
  private started: Promise<void> | null = null
  private waiters: (() => void)[] = []
  private failures = 0

  constructor(
    private readonly limits: ResourceLimits,
    private readonly logger: Logger,
    private readonly sampler: ResourceSampler = systemSampler(),
    readonly intervalMs = DEFAULT_RESOURCE_INTERVAL_MS
  ) {}

  /** Takes the first sample, then keeps sampling every intervalMs until stop(). */
  start(): Promise<void> {
    this.started ??= this.sample().then(() => this.schedule())
    return this.started
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.started = Promise.resolve()
    this.wake()
  }

  /** The last sample taken, or null before the first. */
  get sampleNow(): ResourceSample | null {
    return this.latest
  }

  /** Why a start must wait now (from the latest sample), or null when it may go ahead. */
  verdict(): string | null {
    return this.latest ? resourceVerdict(this.latest, this.limits) : null
  }

  /** Starts the gate if needed and answers as verdict() does. */
  async check(): Promise<string | null> {
    await this.start()
    return this.verdict()
  }

  /** Resolves when the next sample has been taken (or the gate stopped). */
  nextSample(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  private schedule(): void {
    if (this.started === null) return
    this.timer = setTimeout(() => {
      void this.sample().then(() => {
        if (this.timer) this.schedule()
      })
    }, this.intervalMs)
    this.timer.unref()
  }

  private async sample(): Promise<void> {
    try {
      this.latest = await this.sampler()
      this.failures = 0
    } catch (error) {
      // A machine we cannot measure must not stop the run.
      this.failures += 1
      if (this.failures === 3) {
        this.logger.warning(
          `Cannot measure CPU and memory (${(error as Error).message}): starts are not held back by max-cpu-percent or max-memory-percent`
        )
      }
      this.latest = null
    }
    this.wake()
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }
}

const GIB = 1024 ** 3
/** Memory an agent is assumed to need when max-parallel is `auto`. */
export const AUTO_MEMORY_PER_AGENT = 2 * GIB

export interface AutoParallelism {
  maxParallel: number
  cores: number
  availableMemory: number
}

/**
 * `max-parallel: auto`: one agent per usable core (a container's CPU quota counts), and about
 * 2 GiB of available memory per agent, from 1 to 32.
 */
export async function explainAutoParallelism(): Promise<AutoParallelism> {
  const memory = await si.mem()
  const cores = usableCores()
  const byMemory = Math.floor(memory.available / AUTO_MEMORY_PER_AGENT)
  const maxParallel = Math.max(1, Math.min(MAX_PARALLEL, cores, byMemory))
  return { maxParallel, cores, availableMemory: memory.available }
}

/** Cores this process may use: affinity, and a cgroup v2 CPU quota where there is one. */
export function usableCores(): number {
  const affinity = availableParallelism()
  let quota = Infinity
  if (process.platform === 'linux') {
    try {
      const [max, period] = readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim().split(/\s+/)
      if (max !== 'max' && Number(period) > 0) quota = Math.floor(Number(max) / Number(period))
    } catch {
      // No cgroup v2 quota.
    }
  }
  return Math.max(1, Math.min(affinity, quota))
}
