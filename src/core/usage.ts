import type { TaskResult, Usage } from './types.js'

// Sums and formats of what agents reported they cost: the run stage keeps the budget with
// them, the report shows them.

const USAGE_FIELDS = [
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens'
] as const

/** Field by field; a field is null only when neither side knows it. */
export function addUsage(a: Usage | null, b: Usage | null): Usage | null {
  if (!a) return b
  if (!b) return a
  const sum: Usage = { cost_usd: null, input_tokens: null, output_tokens: null }
  for (const field of USAGE_FIELDS) {
    const left = a[field] ?? null
    const right = b[field] ?? null
    const value = left === null ? right : right === null ? left : left + right
    if (value !== null || field in a || field in b) sum[field] = value
  }
  return sum
}

/** The fields `over` knows replace those of `under`. */
export function overlayUsage(under: Usage | null, over: Usage | null): Usage | null {
  if (!over) return under
  if (!under) return over
  const merged: Usage = { ...under }
  for (const field of USAGE_FIELDS) {
    if (over[field] !== null && over[field] !== undefined) merged[field] = over[field]
  }
  return merged
}

/** The run's `usage`: the sum over the tasks, null fields when no task reported them. */
export function totalUsage(tasks: readonly Pick<TaskResult, 'usage'>[]): Usage {
  const sum = tasks.reduce<Usage | null>((acc, task) => addUsage(acc, task.usage ?? null), null)
  const rounded = sum ?? { cost_usd: null, input_tokens: null, output_tokens: null }
  // Binary fractions add up to 0.30000000000000004: a cost is kept to a millionth of a dollar.
  if (rounded.cost_usd !== null) rounded.cost_usd = Math.round(rounded.cost_usd * 1e6) / 1e6
  return rounded
}

/** The cost the tasks reported so far (0 when none did). */
export function costSpent(tasks: readonly Pick<TaskResult, 'usage'>[]): number {
  return totalUsage(tasks).cost_usd ?? 0
}

/** `$1.23`, `$0.0093`: cents, or two significant digits below a cent. */
export function formatUsd(value: number): string {
  if (value === 0) return '$0.00'
  if (value < 0.01) return `$${Number(value.toPrecision(2))}`
  return `$${value.toFixed(2)}`
}

/** `12.3k`, `1.2M`, `950`. */
export function formatTokens(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`
  if (value >= 1e4) return `${Math.round(value / 1e3)}k`
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`
  return String(Math.round(value))
}

/** A task's cost for a table cell: `$0.25`, `7.0k in / 500 out` (tokens only), or null. */
export function usageCell(usage: Usage | null | undefined): string | null {
  if (!usage) return null
  if (usage.cost_usd !== null) return formatUsd(usage.cost_usd)
  if (usage.input_tokens !== null || usage.output_tokens !== null) {
    return `${formatTokens(usage.input_tokens ?? 0)} in / ${formatTokens(usage.output_tokens ?? 0)} out`
  }
  return null
}
