import { InputError } from '../core/errors.js'
import { shorten } from '../core/shorten.js'

export const MAX_PRIORITIES = 256

/** `65`, or a decimal ID as real roadmaps number an inserted priority: `2.5`. */
const NUMBER = /^[0-9]+(?:\.[0-9]+)?$/
const RANGE = /^([0-9]+)-([0-9]+)$/

/**
 * Priority IDs from text: positive numbers (`65`, `2.5`) separated by commas, spaces or
 * newlines, and ranges of whole numbers `65-67`. Duplicates are dropped, order is kept.
 * Anything else is refused with a message naming the bad token.
 */
export function parsePriorities(text: string): number[] {
  const tokens = text.split(/[\s,]+/).filter((token) => token.length > 0)
  if (tokens.length === 0) {
    throw new InputError('priorities: no priority given (expected IDs like "65, 66" or "65-67")')
  }
  const seen = new Set<number>()
  const add = (id: number, token: string): void => {
    if (!Number.isFinite(id) || id <= 0 || Math.floor(id) > Number.MAX_SAFE_INTEGER) {
      throw new InputError(`priorities: "${shorten(token)}" is not a positive priority ID`)
    }
    seen.add(id)
    if (seen.size > MAX_PRIORITIES) {
      throw new InputError(
        `priorities: "${shorten(token)}" brings the count past ${MAX_PRIORITIES} priority IDs (the limit of one run, and of a matrix)`
      )
    }
  }
  for (const token of tokens) {
    if (NUMBER.test(token)) {
      // An ID is a number in the result JSON: `2.50` would silently become 2.5 and `65.0` 65.
      if (/\.[0-9]*0$/.test(token)) {
        throw new InputError(
          `priorities: "${shorten(token)}" ends its decimals with 0; write it as ${Number(token)}`
        )
      }
      add(Number(token), token)
      continue
    }
    const range = RANGE.exec(token)
    if (!range) {
      throw new InputError(
        `priorities: "${shorten(token)}" is not a priority ID (expected positive numbers like 65 or 2.5, or ranges like 65-67)`
      )
    }
    const [from, to] = [Number(range[1]), Number(range[2])]
    if (from <= 0 || to < from) {
      throw new InputError(`priorities: range "${shorten(token)}" must go up from a positive ID`)
    }
    if (to - from >= MAX_PRIORITIES) {
      throw new InputError(
        `priorities: range "${shorten(token)}" has more than ${MAX_PRIORITIES} priority IDs (the limit of one run)`
      )
    }
    for (let id = from; id <= to; id++) add(id, token)
  }
  return [...seen]
}
