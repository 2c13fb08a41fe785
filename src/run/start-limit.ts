import type { Logger } from '../core/logger.js'
import type { StartLimitChange } from '../core/types.js'
import { describeStartLimitChange } from '../core/start-limit-text.js'
import { secondsVariable } from '../core/seconds-variable.js'

/** How long an agent must run without a rate limit before the start limit rises by one. */
export const DEFAULT_RECOVERY_MS = 60_000
/** Seconds for that, to override the minute (tests; an API whose limits reset faster). */
export const RECOVERY_VARIABLE = 'PARALLEL_WORKTREE_START_LIMIT_RECOVERY_SECONDS'

/** The recovery time: the variable when set to a number of seconds, else a minute. */
export function recoveryMs(env: NodeJS.ProcessEnv = process.env): number {
  return secondsVariable(env, RECOVERY_VARIABLE) ?? DEFAULT_RECOVERY_MS
}

interface Agent {
  priority: number
  started: number
  timer: NodeJS.Timeout | undefined
  credited: boolean
}

/**
 * How many agents may run at once, lowered together when one hits its API's rate limit (the
 * others, on the same key, are about to): halved, at least 1; raised by one, up to
 * max-parallel, for each agent that starts after the lowering and runs `recoveryMs` (or to
 * its end) without a rate limit. The queue asks `current` before a task starts; a task asks
 * `turn` before each start of its agent (a restart after a rate limit too), so agents that
 * waited out a rate limit together do not start again together.
 *
 * A rate limit met by an agent that started before the last lowering is the same burst (the
 * agents that started together hit it together): the limit is lowered once for it.
 */
export class StartLimit {
  readonly changes: StartLimitChange[] = []
  private max = Number.POSITIVE_INFINITY
  private limit = Number.POSITIVE_INFINITY
  private loweredAt = Number.NEGATIVE_INFINITY
  private readonly agents = new Set<Agent>()
  private waiters: (() => void)[] = []

  constructor(
    private readonly logger: Logger,
    private readonly recoveryMs = DEFAULT_RECOVERY_MS,
    private readonly now: () => number = Date.now
  ) {}

  /** The run's max-parallel, once known: the limit starts there. */
  begin(maxParallel: number): void {
    this.max = maxParallel
    this.limit = Math.min(this.limit, maxParallel)
  }

  get current(): number {
    return this.limit
  }

  /** The limit and max-parallel while rate limits hold it below max-parallel, else null. */
  lowered(): { current: number; max: number } | null {
    return this.limit < this.max ? { current: this.limit, max: this.max } : null
  }

  /** Agents whose process runs (or is about to), as counted against the limit. */
  get running(): number {
    return this.agents.size
  }

  /** Resolves when the limit or the number of agents running changes. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  /**
   * Waits until fewer agents run than the limit allows (or the signal aborts), then counts
   * this one as running. The returned function ends it: `rateLimited` when it hit the limit.
   */
  async turn(priority: number, signal?: AbortSignal): Promise<(rateLimited: boolean) => void> {
    if (this.agents.size >= this.limit && !signal?.aborted) {
      let onAbort = (): void => {}
      const aborted = new Promise<void>((resolve) => {
        onAbort = resolve
        signal?.addEventListener('abort', onAbort, { once: true })
      })
      try {
        while (this.agents.size >= this.limit && !signal?.aborted) {
          await Promise.race([this.changed(), aborted])
        }
      } finally {
        // A run waits here many times: each wait's listener goes with it.
        signal?.removeEventListener('abort', onAbort)
      }
    }
    const agent: Agent = { priority, started: this.now(), timer: undefined, credited: false }
    this.agents.add(agent)
    if (this.recoveryMs > 0 && this.recoveryMs < Number.POSITIVE_INFINITY) {
      agent.timer = setTimeout(() => this.credit(agent), this.recoveryMs)
      agent.timer.unref()
    }
    this.wake()
    let ended = false
    return (rateLimited) => {
      if (ended) return
      ended = true
      clearTimeout(agent.timer)
      if (rateLimited) this.lower(agent)
      else this.credit(agent)
      this.agents.delete(agent)
      this.wake()
    }
  }

  private lower(agent: Agent): void {
    if (agent.started < this.loweredAt) return
    this.loweredAt = this.now()
    const to = Math.max(1, Math.floor(this.limit / 2))
    if (to < this.limit) this.record(to, 'rate-limit', agent)
  }

  /** An agent ran long enough (or to its end) without a rate limit. */
  private credit(agent: Agent): void {
    if (agent.credited || agent.started < this.loweredAt) return
    agent.credited = true
    if (this.limit < this.max) this.record(this.limit + 1, 'recovered', agent)
  }

  private record(to: number, reason: StartLimitChange['reason'], agent: Agent): void {
    const at = this.now()
    const change: StartLimitChange = {
      at: new Date(at).toISOString(),
      from: this.limit,
      to,
      reason,
      priority: agent.priority,
      ...(reason === 'recovered' ? { ran_ms: at - agent.started } : {})
    }
    this.limit = to
    this.changes.push(change)
    this.logger.info(describeStartLimitChange(change))
    this.wake()
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake()
  }
}
