import { InputError } from '../core/errors.js'
import { shorten } from '../core/shorten.js'

export const MAX_PRIORITIES = 256

const NUMBER = /^[0-9]+$/
const RANGE = /^([0-9]+)-([0-9]+)$/

/**
 * Priority IDs from text: positive integers separated by commas, spaces or newlines, and
 * ranges `65-67`. Duplicates are dropped, order is kept. Anything else is refused with a
 * message naming the bad token.
 */
export function parsePriorities(text: string): number[] {
  const tokens = text.split(/[\s,]+/).filter((token) => token.length > 0)
  if (tokens.length === 0) {
    throw new InputError('priorities: no priority given (expected IDs like "65, 66" or "65-67")')
  }
  const seen = new Set<number>()
  const add = (id: number, token: string): void => {
    if (!Number.isSafeInteger(id) || id <= 0) {
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
      add(Number(token), token)
      continue
    }
    const range = RANGE.exec(token)
    if (!range) {
      throw new InputError(
        `priorities: "${shorten(token)}" is not a priority ID (expected positive integers or ranges like 65-67)`
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
