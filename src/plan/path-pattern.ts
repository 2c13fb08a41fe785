import picomatch from 'picomatch/posix.js'
import { looksLikeFile } from './path-normaliser.js'

export type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'globstar' }
  | { kind: 'pattern'; text: string; matches: (name: string) => boolean }

/**
 * A touched path as the overlap rule sees it. A literal stands for itself and, when it may
 * be a folder, everything under it; a glob for every path it matches.
 */
export interface PathPattern {
  /** As written in the plan (`src/report/`, `src/**\/*.ts`). */
  text: string
  segments: Segment[]
  glob: boolean
  /** A literal whose last segment is a file name and that was not written with a `/`. */
  file: boolean
  /** Leading literal segments: every match of a glob lies under them. */
  literalDepth: number
  /**
   * A glob whose last segment does not look like a file name (`src/*`, `.github/**`) may
   * match folders; such a match is taken to cover everything under that folder.
   */
  coversFolders: boolean
}

const GLOB_CHARS = /[*?[\]{}]/
const matcherCache = new Map<string, (name: string) => boolean>()

function segmentMatcher(text: string): (name: string) => boolean {
  let matcher = matcherCache.get(text)
  if (!matcher) {
    // dot: a pattern's `*` also matches `.github`: erring towards overlap is the safe side.
    matcher = picomatch(text, { dot: true })
    matcherCache.set(text, matcher)
  }
  return matcher
}

export function parsePattern(text: string): PathPattern {
  const folder = text.endsWith('/')
  const body = folder ? text.slice(0, -1) : text
  const glob = GLOB_CHARS.test(body)
  const parts = glob ? splitGlob(body) : body.split('/')
  const segments: Segment[] = parts.map((part) => {
    if (part === '**') return { kind: 'globstar' }
    if (glob && GLOB_CHARS.test(part)) {
      return { kind: 'pattern', text: part, matches: segmentMatcher(part) }
    }
    return { kind: 'literal', text: part }
  })
  let literalDepth = 0
  while (literalDepth < segments.length && segments[literalDepth].kind === 'literal') {
    literalDepth += 1
  }
  const last = parts[parts.length - 1]
  return {
    text,
    segments,
    glob,
    file: !glob && !folder && looksLikeFile(last),
    literalDepth,
    coversFolders: glob && (folder || last === '**' || !last.includes('.'))
  }
}

/**
 * A glob's segments. A `/` inside braces (`{src/a,lib}/*.ts`) cannot be split soundly: the
 * rest of the glob is then read as `**` (anything below), which can only add overlaps.
 */
function splitGlob(body: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index]
    if (char === '{' || char === '[') depth += 1
    else if ((char === '}' || char === ']') && depth > 0) depth -= 1
    else if (char === '/') {
      if (depth > 0) return [...parts, '**']
      parts.push(body.slice(start, index))
      start = index + 1
    }
  }
  parts.push(body.slice(start))
  return parts
}

function segmentsCompatible(a: Segment, b: Segment): boolean {
  if (a.kind === 'literal' && b.kind === 'literal') return a.text === b.text
  if (a.kind === 'pattern' && b.kind === 'literal') return a.matches(b.text)
  if (a.kind === 'literal' && b.kind === 'pattern') return b.matches(a.text)
  if (a.kind === 'pattern' && b.kind === 'pattern') {
    // Two single-segment patterns can match a common name only if their literal heads and
    // tails agree: `*.ts` and `*.js` cannot, `a*` and `ab*` can. Sound, not exact.
    const headA = a.text.slice(0, a.text.search(GLOB_CHARS))
    const headB = b.text.slice(0, b.text.search(GLOB_CHARS))
    const tailA = a.text.slice(lastGlobChar(a.text) + 1)
    const tailB = b.text.slice(lastGlobChar(b.text) + 1)
    return (
      (headA.startsWith(headB) || headB.startsWith(headA)) &&
      (tailA.endsWith(tailB) || tailB.endsWith(tailA))
    )
  }
  return true
}

function lastGlobChar(text: string): number {
  for (let index = text.length - 1; index >= 0; index -= 1) {
    if (GLOB_CHARS.test(text[index])) return index
  }
  return -1
}

export function onlyGlobstars(segments: readonly Segment[], from: number): boolean {
  for (let index = from; index < segments.length; index += 1) {
    if (segments[index].kind !== 'globstar') return false
  }
  return true
}

/** Whether a glob's segment at `index` accepts a path segment `name`. */
export function segmentAccepts(segment: Segment, name: string): boolean {
  if (segment.kind === 'literal') return segment.text === name
  if (segment.kind === 'pattern') return segment.matches(name)
  return true
}

/**
 * Whether a glob and a literal can touch the same file: the glob matches the literal, or a
 * folder the literal lies in, or (when the literal may be a folder) something under it.
 */
export function globMeetsLiteral(glob: PathPattern, literal: PathPattern): boolean {
  const names = literal.segments.map((segment) => (segment as { text: string }).text)
  const seen = new Set<number>()
  const visit = (at: number, depth: number): boolean => {
    const key = at * (names.length + 1) + depth
    if (seen.has(key)) return false
    seen.add(key)
    if (depth === names.length) {
      return at === glob.segments.length || onlyGlobstars(glob.segments, at) || !literal.file
    }
    if (at === glob.segments.length) return glob.coversFolders
    const segment = glob.segments[at]
    if (segment.kind === 'globstar') return visit(at + 1, depth) || visit(at, depth + 1)
    return segmentAccepts(segment, names[depth]) && visit(at + 1, depth + 1)
  }
  return visit(0, 0)
}

/** Whether two globs can match the same path (or one a folder holding the other's match). */
export function globsMeet(a: PathPattern, b: PathPattern): boolean {
  const seen = new Set<number>()
  const width = b.segments.length + 1
  const visit = (i: number, j: number): boolean => {
    const key = i * width + j
    if (seen.has(key)) return false
    seen.add(key)
    const aDone = i === a.segments.length
    const bDone = j === b.segments.length
    if (aDone && bDone) return true
    if (aDone) return a.coversFolders || onlyGlobstars(b.segments, j)
    if (bDone) return b.coversFolders || onlyGlobstars(a.segments, i)
    if (a.segments[i].kind === 'globstar') return visit(i + 1, j) || visit(i, j + 1)
    if (b.segments[j].kind === 'globstar') return visit(i, j + 1) || visit(i + 1, j)
    return segmentsCompatible(a.segments[i], b.segments[j]) && visit(i + 1, j + 1)
  }
  return visit(0, 0)
}

/** Whether two literals are the same path or one lies under the other. */
export function literalsMeet(a: PathPattern, b: PathPattern): boolean {
  const shorter = a.segments.length <= b.segments.length ? a : b
  const longer = shorter === a ? b : a
  return shorter.segments.every(
    (segment, index) =>
      (segment as { text: string }).text === (longer.segments[index] as { text: string }).text
  )
}

/**
 * The path to show for an overlap of two entries: the more specific one (the file inside
 * the folder, the literal a glob matches, the narrower of two globs).
 */
export function sharedPathText(a: PathPattern, b: PathPattern): string {
  if (a.glob !== b.glob) {
    const [glob, literal] = a.glob ? [a, b] : [b, a]
    return literal.segments.length > glob.literalDepth ? literal.text : glob.text
  }
  const depthA = a.glob ? a.literalDepth : a.segments.length
  const depthB = b.glob ? b.literalDepth : b.segments.length
  if (depthA !== depthB) return depthA > depthB ? a.text : b.text
  if (a.text.length !== b.text.length) return a.text.length > b.text.length ? a.text : b.text
  return a.text < b.text ? a.text : b.text
}

/** The shared path when two touched paths overlap, else null (no index: for few paths). */
export function overlapOf(a: PathPattern, b: PathPattern): string | null {
  if (a.text === b.text) return a.text
  const meet =
    a.glob && b.glob
      ? globsMeet(a, b)
      : a.glob
        ? globMeetsLiteral(a, b)
        : b.glob
          ? globMeetsLiteral(b, a)
          : literalsMeet(a, b)
  return meet ? sharedPathText(a, b) : null
}
