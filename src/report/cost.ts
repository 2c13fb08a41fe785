import type { RunResult } from '../core/types.js'
import { formatTokens, formatUsd, totalUsage } from '../core/usage.js'

/**
 * The run's cost in one sentence (Markdown-free, for the summary, the comment and the
 * terminal): the total the agents reported, their tokens, and the budget; null when no agent
 * reported anything and there is no budget.
 */
export function costSentence(result: RunResult): string | null {
  const usage = result.usage ?? totalUsage(result.tasks)
  const budget = result.max_cost_usd ?? null
  const reporting = result.tasks.filter((task) => task.usage).length
  const ran = result.tasks.filter((task) => task.started_at !== null).length
  if (!reporting && budget === null) return null
  const parts: string[] = []
  if (usage.cost_usd !== null) parts.push(`Cost: ${formatUsd(usage.cost_usd)}`)
  else if (reporting) parts.push('Cost: not reported (tokens only)')
  else parts.push('Cost: no agent reported its usage')
  if (reporting) {
    const tokens = [
      usage.input_tokens !== null ? `${formatTokens(usage.input_tokens)} input` : null,
      usage.output_tokens !== null ? `${formatTokens(usage.output_tokens)} output` : null
    ].filter(Boolean)
    const cached = (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0)
    if (cached) tokens.push(`${formatTokens(cached)} cache`)
    parts.push(
      `${tokens.length ? `${tokens.join(', ')} tokens, ` : ''}reported by ${reporting} of ${ran} agent${ran === 1 ? '' : 's'}`
    )
  }
  if (budget !== null) {
    const spent = usage.cost_usd ?? 0
    const skipped = result.tasks.filter(
      (task) => task.status === 'skipped' && task.error?.includes('max-cost-usd')
    ).length
    parts.push(
      `budget max-cost-usd ${formatUsd(budget)}: ${formatUsd(spent)} spent${budget > 0 ? ` (${Math.round((spent / budget) * 100)}%)` : ''}` +
        (skipped ? `, ${skipped} not started because it was reached` : '')
    )
  }
  return `${parts.join('; ')}.`
}
