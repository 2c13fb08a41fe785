import { SerialQueue } from '../core/serial-queue.js'

/** A request to an API, given up on when its signal aborts. */
export type PacedRequest = (signal: AbortSignal) => Promise<void>

export interface RequestPaceOptions {
  /** Least time between two `soon` requests (a `now` request is never held back). */
  minIntervalMs: number
  /** For each request. */
  timeoutMs: number
  /**
   * Told of each request that threw (or timed out), with the failures in a row so far, never
   * thrown further; returns whether to stop: every request after it is then skipped.
   */
  failed: (error: unknown, signal: AbortSignal, failuresInARow: number) => boolean
}

/**
 * The pace of a live report's requests to an API (the check run, the report comment): one at
 * a time, in the order asked. `now` is for a request that must go (a task's end); `soon` for
 * the rest, coalesced into one and sent no sooner than `minIntervalMs` after the previous
 * request. Each request gets its own timeout; its failure goes to `failed`, which may stop
 * the rest. Nothing here ever throws to the run.
 */
export class RequestPace {
  private readonly queue = new SerialQueue()
  // The first request (a creation) is made at once: it counts as the last one sent.
  private lastSentAt = Date.now()
  private throttle: NodeJS.Timeout | undefined
  private queued = false
  private closed = false
  private stopped = false
  private failuresInARow = 0

  constructor(private readonly options: RequestPaceOptions) {}

  /** No request is sent any more (a refusal, or nothing left to update). */
  get isStopped(): boolean {
    return this.stopped
  }

  stop(): void {
    this.stopped = true
  }

  now(request: PacedRequest): Promise<void> {
    return this.queue.run(async () => {
      this.lastSentAt = Date.now()
      await this.send(request)
    })
  }

  soon(request: PacedRequest): void {
    if (this.closed || this.stopped || this.throttle || this.queued) return
    const wait = Math.max(0, this.lastSentAt + this.options.minIntervalMs - Date.now())
    this.throttle = setTimeout(() => {
      this.throttle = undefined
      this.queued = true
      void this.now(async (signal) => {
        // Whatever changes from here on needs a request of its own.
        this.queued = false
        await request(signal)
      })
    }, wait)
    this.throttle.unref()
  }

  /** No more `soon` requests (one waiting its turn is dropped); `now` still works. */
  close(): void {
    this.closed = true
    clearTimeout(this.throttle)
  }

  /** Resolves once every request asked for so far has been answered (or given up on). */
  settled(): Promise<void> {
    return this.queue.run(async () => {})
  }

  private async send(request: PacedRequest): Promise<void> {
    if (this.stopped) {
      this.queued = false
      return
    }
    const signal = AbortSignal.timeout(this.options.timeoutMs)
    try {
      await request(signal)
      this.failuresInARow = 0
    } catch (error) {
      this.failuresInARow += 1
      if (this.options.failed(error, signal, this.failuresInARow)) this.stopped = true
    }
  }
}
