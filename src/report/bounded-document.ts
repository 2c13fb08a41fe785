import { byteLength } from './format.js'

/**
 * One part of a report: a heading, items that may be dropped from the end when space runs
 * out (with a note saying how many), and a closing text that is always written with its
 * heading (a `</details>`, a closing fence).
 */
export interface Section {
  name: string
  head: string
  items: string[]
  tail?: string
  /** Written in place of the items that did not fit. */
  leftOutNote?: (count: number) => string
}

const NOTE_RESERVE = 600

/**
 * Joins sections within `limitBytes` (UTF-8 bytes: never fewer than the characters or the
 * UTF-16 units a limit may count). Whole items are dropped, never cut in the middle, so
 * that Markdown stays well formed; a section that cannot fit even its first item is left
 * out, and a closing note names what was left out and where to find it.
 */
export function renderWithin(sections: Section[], limitBytes: number, whereElse: string): string {
  const budget = limitBytes - NOTE_RESERVE
  const parts: string[] = []
  const leftOutSections: string[] = []
  let itemsDropped = false
  let used = 0
  const take = (text: string): void => {
    parts.push(text)
    used += byteLength(text) + 1
  }
  for (const section of sections) {
    const tail = section.tail
    const tailBytes = tail === undefined ? 0 : byteLength(tail) + 1
    const headBytes = byteLength(section.head) + 1 + tailBytes
    const noteBytes = section.leftOutNote
      ? byteLength(section.leftOutNote(section.items.length)) + 1
      : 0
    const first = section.items.length ? byteLength(section.items[0]) + 1 : 0
    if (used + headBytes + Math.min(first, noteBytes || first) > budget) {
      leftOutSections.push(section.name)
      continue
    }
    take(section.head)
    let index = 0
    for (; index < section.items.length; index += 1) {
      const item = section.items[index]
      const reserve = index < section.items.length - 1 ? noteBytes : 0
      if (used + byteLength(item) + 1 + tailBytes + reserve > budget) break
      take(item)
    }
    const dropped = section.items.length - index
    if (dropped > 0) {
      itemsDropped = true
      if (section.leftOutNote) take(section.leftOutNote(dropped))
      else leftOutSections.push(`${section.name} (${dropped} more)`)
    }
    if (tail !== undefined) take(tail)
  }
  if (leftOutSections.length || itemsDropped) {
    const what = leftOutSections.length
      ? `Left out to stay within the size limit: ${leftOutSections.join(', ')}.`
      : 'Some items were left out to stay within the size limit.'
    parts.push(`> [!NOTE]\n> ${what} ${whereElse}\n`)
  }
  return parts.join('\n')
}
