import si from 'systeminformation'
import type { Logger } from '../engine/logger.js'
import { MAX_PARALLEL } from '../inputs/settings.js'

export interface ResourceSample {
  cpuPercent: number
  /** Memory in use: total minus available, as a percentage of total. */
  memoryPercent: number
}

export type ResourceSampler = () => Promise<ResourceSample>

export const sampleSystem: ResourceSampler = async () => {
  const [load, memory] = await Promise.all([si.currentLoad(), si.mem()])
  return {
    cpuPercent: load.currentLoad,
    memoryPercent: memory.total > 0 ? ((memory.total - memory.available) / memory.total) * 100 : 0
  }
}

export interface ResourceLimits {
  maxCpuPercent: number
  maxMemoryPercent: number
}

/** Why a new agent may not start now, or null when it may. */
export function resourceVerdict(sample: ResourceSample, limits: ResourceLimits): string | null {
  if (sample.cpuPercent > limits.maxCpuPercent) {
    return `CPU at ${sample.cpuPercent.toFixed(0)}% (limit ${limits.maxCpuPercent}%)`
  }
  if (sample.memoryPercent > limits.maxMemoryPercent) {
    return `memory at ${sample.memoryPercent.toFixed(0)}% (limit ${limits.maxMemoryPercent}%)`
  }
  return null
}

/**
 * The gate consulted before every start (the seed's monitor never was). While a limit is
 * exceeded it samples again every `intervalMs` and says, once per change, why it waits.
 */
export class ResourceGate {
  private lastReason: string | null = null

  constructor(
    private readonly limits: ResourceLimits,
    private readonly logger: Logger,
    private readonly sampler: ResourceSampler = sampleSystem,
    readonly intervalMs = 2000
  ) {}

  /** Null when a start may go ahead, else the reason to wait. */
  async check(): Promise<string | null> {
    let reason: string | null
    try {
      reason = resourceVerdict(await this.sampler(), this.limits)
    } catch (error) {
      // A machine we cannot measure must not stop the run.
      this.logger.debug(`resource sample failed: ${(error as Error).message}`)
      reason = null
    }
    if (reason && reason !== this.lastReason) this.logger.info(`Waiting to start: ${reason}`)
    if (!reason && this.lastReason) this.logger.info('Resources available again')
    this.lastReason = reason
    return reason
  }
}

/** `max-parallel: auto`: one agent per core, and about 2 GiB of available memory per agent. */
export async function autoParallelism(): Promise<number> {
  const [cpu, memory] = await Promise.all([si.cpu(), si.mem()])
  const byCores = Math.max(1, cpu.cores)
  const byMemory = Math.max(1, Math.floor(memory.available / (2 * 1024 ** 3)))
  return Math.min(MAX_PARALLEL, byCores, byMemory)
}
