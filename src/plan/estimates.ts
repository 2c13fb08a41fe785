/**
 * `Estimated effort: 3 days`, `**Estimate**: 4h`, `Effort: 2-3 days`, `Time estimate: ~6 hours`:
 * the first estimate in a text, in hours (a day is 8 hours, a week 40; a range counts as its
 * middle), or null when the text gives none.
 */
const ESTIMATE =
  /\b(?:estimated\s+(?:effort|time|duration)|time\s+estimate|estimated|estimates?|effort|duration)\b[*_\s]*[:=–—-]?[*_\s]*(?:about\s+|around\s+|~\s*|≈\s*)?(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?\s*(hours?|hrs?|h|days?|d|weeks?|wks?|w|minutes?|mins?|m)\b/i

const HOURS_PER: Record<string, number> = { h: 1, d: 8, w: 40, m: 1 / 60 }

export function estimateHours(text: string): number | null {
  const match = ESTIMATE.exec(text)
  if (!match) return null
  const low = Number(match[1])
  const high = match[2] === undefined ? low : Number(match[2])
  const hours = ((low + high) / 2) * HOURS_PER[match[3][0].toLowerCase()]
  return hours > 0 ? hours : null
}
