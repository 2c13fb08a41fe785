import { availableParallelism } from 'node:os'
import { readFileSync } from 'node:fs'
import si from 'systeminformation'
import type { Logger } from '../engine/logger.js'
import { MAX_PARALLEL } from '../inputs/settings.js'

export interface ResourceSample {
  /** CPU use over the time since the previous sample; null while not yet measured. */
  cpuPercent: number | null
  /** Memory in use: total minus available, as a percentage of total. */
  memoryPercent: number
}

export type ResourceSampler = () => Promise<ResourceSample>

/**
 * Samples the machine through systeminformation. Its currentLoad measures CPU use since its
 * previous call; its first call primes the counters and answers only 500 ms later. So the
 * first sample here gives memory at once and CPU as unknown, while the priming runs in the
 * background; every later sample gets CPU use since the one before.
 */
export function systemSampler(): ResourceSampler {
  let priming: Promise<unknown> | null = null
  return async () => {
    const memory = await si.mem()
    const memoryPercent =
      memory.total > 0 ? ((memory.total - memory.available) / memory.total) * 100 : 0
    if (!priming) {
      priming = si.currentLoad().catch(() => undefined)
      return { cpuPercent: null, memoryPercent }
    }
    await priming
    const load = await si.currentLoad()
    return {
      cpuPercent: Number.isFinite(load.currentLoad) ? load.currentLoad : null,
      memoryPercent
    }
  }
}

export interface ResourceLimits {
  maxCpuPercent: number
  maxMemoryPercent: number
}

/** Why a new agent may not start now, or null when it may. */
export function resourceVerdict(sample: ResourceSample, limits: ResourceLimits): string | null {
  if (sample.cpuPercent !== null && sample.cpuPercent > limits.maxCpuPercent) {
    return `CPU at ${sample.cpuPercent.toFixed(0)}% (max-cpu-percent ${limits.maxCpuPercent})`
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
