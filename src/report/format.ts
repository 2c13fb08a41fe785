// Small text helpers every report shares: durations, escaping, quoting, truncation.

/** Text without ANSI escape sequences (colours, cursor moves), as agents may print them. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
}

/**
 * Whether colour codes may be written to a stream: only to a terminal, and never when
 * NO_COLOR is set to anything (https://no-color.org).
 */
export function colourAllowed(stream: { isTTY?: boolean }, env = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR
}

/** `3m 12s`, `1h 04m`, `4.2s`: short and unambiguous. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (Math.round(ms / 100) < 600) return `${(Math.round(ms / 100) / 10).toFixed(1)}s`
  const totalSeconds = Math.round(ms / 1000)
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** At most `max` characters, cut on a code point, with what was left out said. */
export function truncate(text: string, max: number, note = '…'): string {
  if (text.length <= max) return text
  const chars = Array.from(text.slice(0, Math.max(0, max - note.length)))
  // slice() may have split a surrogate pair: Array.from keeps the orphan, drop it.
  const last = chars.at(-1)
  if (last && last.length === 1 && /[\uD800-\uDBFF]/.test(last)) chars.pop()
  return chars.join('') + note
}

/**
 * At most `max` characters, cut where a sentence or a clause ends (`. `, `; `, `: `) when one
 * ends in the second half, else between words, never inside one: a shortened message ends
 * on a whole thought, and `…` says that more follows.
 */
export function shortenAtClause(text: string, max: number): string {
  if (text.length <= max) return text
  const room = text.slice(0, Math.max(1, max - 1))
  const clause = Math.max(
    room.lastIndexOf('. '),
    room.lastIndexOf('; '),
    room.lastIndexOf(': '),
    room.lastIndexOf(', ')
  )
  if (clause >= max / 2) return `${room.slice(0, clause + 1)} …`
  const space = room.lastIndexOf(' ')
  return space >= max / 2 ? `${room.slice(0, space)} …` : truncate(text, max)
}

/** Lines of at most `width` characters, broken between words (a longer word stays whole). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines
}

/** The first non-empty line, for a table cell or a one-line message. */
export function firstLine(text: string | null | undefined): string {
  if (!text) return ''
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  )
}

// A zero-width space after `@` and `#` keeps agent output from mentioning people or linking
// issues in a pull-request comment; it renders the same.
const ZERO_WIDTH_SPACE = '\u200B'

/**
 * Untrusted text (agent errors, file names) as inline Markdown: no HTML, no emphasis, no
 * table breaks, no mentions. Newlines become spaces.
 */
export function escapeInline(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]#|~])/g, '\\$1')
    .replace(/@(?=\w)/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/\\#(?=\d)/g, `\\#${ZERO_WIDTH_SPACE}`)
}

/** Inline code that holds any text: the fence is longer than any run of backticks inside. */
export function code(text: string): string {
  const clean = text.replace(/\r?\n/g, ' ')
  const longest = Math.max(0, ...Array.from(clean.matchAll(/`+/g), (match) => match[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${clean}${pad}${fence}`
}

/** A fenced block that holds any text: the fence is longer than any run of backticks inside. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`{3,}/g), (match) => match[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${language}\n${text.replace(/\s+$/, '')}\n${fence}`
}

/** A word for a POSIX shell: left bare when that is safe, single-quoted otherwise. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./@%+=:,-]+$/.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** `12:03:04 UTC` of an ISO time. */
export function clockTime(iso: string): string {
  return `${iso.slice(11, 19)} UTC`
}
