import type { StartLimitChange } from './types.js'

/**
 * One change of the start limit as the console, the job summary and the terminal report say
 * it: `Start limit 4 → 2 after a rate limit of priority 3`.
 */
export function describeStartLimitChange(change: StartLimitChange): string {
  const why =
    change.reason === 'rate-limit'
      ? `after a rate limit of priority ${change.priority}`
      : `after priority ${change.priority} ran ${seconds(change.ran_ms ?? 0)} without a rate limit`
  return `Start limit ${change.from} → ${change.to} ${why}`
}

function seconds(ms: number): string {
  const s = ms / 1000
  return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`
}
