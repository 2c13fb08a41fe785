// When an agent that failed is started again, and after how long. Shared: agent presets
// (their own output formats) classify rate limits with looksRateLimited too.

// One classifier for the agent presets' own wait and for max-retries' back-off.
export { looksRateLimited } from './rate-limit.js'

export interface BackOff {
  /** The first wait after an ordinary failure; doubled for each later one. */
  baseMs: number
  /** The first wait after a rate limit (limits reset by the minute): doubled likewise. */
  rateLimitedMs: number
  /** No wait is longer. */
  maxMs: number
}

export const DEFAULT_BACK_OFF: BackOff = {
  baseMs: 5_000,
  rateLimitedMs: 60_000,
  maxMs: 10 * 60_000
}

/**
 * How long to wait before attempt `failed + 1`, after `failed` attempts (1 or more) failed:
 * exponential, longer when the last failure looked like a rate limit, and jittered by up to
 * a tenth so that agents that failed together do not all start again at the same instant.
 */
export function retryDelayMs(
  failed: number,
  rateLimited: boolean,
  backOff: BackOff = DEFAULT_BACK_OFF,
  random: () => number = Math.random
): number {
  const first = rateLimited ? backOff.rateLimitedMs : backOff.baseMs
  const delay = Math.min(backOff.maxMs, first * 2 ** Math.max(0, failed - 1))
  return Math.round(delay * (1 + random() / 10))
}

/** Statuses worth another attempt: a cancelled run or an agent that did nothing are not. */
export function isRetryable(status: string): boolean {
  return status === 'failed' || status === 'timed-out'
}

/** Waits `ms`, or less when the signal aborts (resolves either way). */
export function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
