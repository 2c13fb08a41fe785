import { SerialQueue } from '../core/serial-queue.js'

/**
 * The pace of a live report's requests to an API: one at a time, in the order asked. `now`
 * is for a request that must go (a task's end); `soon` for the rest, coalesced into one and
 * sent no sooner than `minIntervalMs` after the previous request.
 */
export class RequestPace {
  private readonly queue = new SerialQueue()
  // The first request (a creation) is made at once: it counts as the last one sent.
  private lastSentAt = Date.now()
  private throttle: NodeJS.Timeout | undefined
  private queued = false
  private closed = false

  constructor(private readonly minIntervalMs: number) {}

  now(work: () => Promise<void>): Promise<void> {
    return this.queue.run(async () => {
      this.lastSentAt = Date.now()
      await work()
    })
  }

  soon(work: () => Promise<void>): void {
    if (this.closed || this.throttle || this.queued) return
    const wait = Math.max(0, this.lastSentAt + this.minIntervalMs - Date.now())
    this.throttle = setTimeout(() => {
      this.throttle = undefined
      this.queued = true
      void this.now(async () => {
        // Whatever changes from here on needs a request of its own.
        this.queued = false
        await work()
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
}
