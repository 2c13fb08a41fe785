/** Where each line of a markdown text stands with respect to fenced code blocks. */
export type FencePosition = 'outside' | 'delimiter' | 'inside'

const FENCE = /^\s*(`{3,}|~{3,})(.*)$/

export interface FenceReading {
  positions: FencePosition[]
  /** 1-based line of a fence that opens a block never closed (it runs to the end), else null. */
  unclosedAt: number | null
}

/**
 * The fenced code blocks of a text, line by line (CommonMark's rule: a block closes on a fence
 * of the same character, at least as long, with no info string; an opening backtick fence
 * carries no backtick in its info string). One reading for every scan of specs and ROADMAPs.
 */
export function readFences(lines: readonly string[]): FenceReading {
  const positions: FencePosition[] = []
  let open: { char: string; length: number; line: number } | null = null
  lines.forEach((line, index) => {
    const match = FENCE.exec(line)
    if (open) {
      const closes =
        match && match[1][0] === open.char && match[1].length >= open.length && !match[2].trim()
      positions.push(closes ? 'delimiter' : 'inside')
      if (closes) open = null
    } else if (match && !(match[1][0] === '`' && match[2].includes('`'))) {
      open = { char: match[1][0], length: match[1].length, line: index + 1 }
      positions.push('delimiter')
    } else positions.push('outside')
  })
  return { positions, unclosedAt: open ? (open as { line: number }).line : null }
}

export function fencePositions(lines: readonly string[]): FencePosition[] {
  return readFences(lines).positions
}
