/**
 * One line of markdown text as a reader sees it: words, code spans, link targets, with
 * emphasis unwrapped (`**Create user_listener.py**` is the words "Create" and
 * "user_listener.py"; `~~src/old.ts~~` is struck out) and the clause each piece belongs to,
 * so that the words around a path can say whether it is changed, negated or referred to.
 */
export interface Piece {
  /** `word`: running text; `span`: a code span of one token; `code`: a token of a longer span (a command); `link`: a link target. */
  kind: 'word' | 'span' | 'code' | 'link'
  text: string
  /** Lower-case word without punctuation, for cues; '' for spans and links. */
  cue: string
  /** Index of the clause (sentence part) the piece belongs to. */
  clause: number
  struck: boolean
  /** Its clause follows a negating or referring label ("No change: …", "Pattern from x:"): why. */
  labelKind: ReferenceKind | null
}

const CODE_SPAN = /(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g
/** `[text](target "title")` and `![alt](target)`; one level of brackets in the text. */
const INLINE_LINK =
  /!?\[((?:[^[\]]|\[[^\]]*\])*)\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g
const AUTOLINK = /<[A-Za-z][A-Za-z0-9+.-]*:[^\s>]*>/g
const SLOT = /\uE000(\d+)\uE001/g
const CODE_SEPARATORS = /[\s"'`()<>|,;=[\]{}:]+/
const HTTP_ROUTE = /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+\//
/** Words that start a new clause: what was said before no longer applies. */
const CONTRAST = new Set(['but', 'instead', 'however', 'whereas', 'while', 'then', 'also'])

/**
 * What a mention says of its path (see MentionKind in path-normaliser.ts): the words before a
 * path (within a few) that negate it or make it a reference, by kind.
 */
const NEGATING = new Map<string, ReferenceKind>(
  Object.entries({
    not:
      'not no nothing none never without except excluding unlike outside nor neither avoid ' +
      'avoids leave leaves keep keeps dont doesnt didnt wont isnt arent untouched unchanged vs ' +
      'versus than',
    see: 'see cf refer refers referring related',
    reuse:
      'like similar mirrors mirror mirroring follows following modelled modeled inspired reuse ' +
      'reuses reusing pattern patterns',
    example: 'example examples eg instance'
  }).flatMap(([kind, words]) => words.split(' ').map((word) => [word, kind as ReferenceKind]))
)
/** Words after a path (within a few words) that say it is not changed, whatever comes before. */
const NEGATING_AFTER = new Set(
  'stays stay remains remain unchanged untouched read-only isnt arent wont as-is intact'.split(' ')
)
/**
 * Words after a path that make it context unless a verb before it states a change:
 * "`daemon.py` already exists" (context), "Modify `daemon.py` (already exists)" (a change).
 */
const REFERRING_AFTER = new Map<string, ReferenceKind>([
  ['already', 'exists'],
  ['exists', 'exists'],
  ['reference', 'see'],
  ['pattern', 'reuse'],
  ['reuse', 'reuse'],
  ['example', 'example']
])
/** Words of a label ("(Already Exists) File:") that make its value context, unless it also states a change. */
const EXISTING = new Set(['already', 'exists', 'existing', 'current', 'currently'])
/** Stating words that create (the rest modify, or delete). */
const CREATING = new Set(
  'create creates created creating add adds added adding new introduce introduces generate generates'.split(
    ' '
  )
)
const DELETING = new Set('delete deletes deleted remove removes'.split(' '))

/** Why a mention is not a change: negated, a reference, an example, a file that exists, a landed phase. */
export type ReferenceKind = 'not' | 'see' | 'reuse' | 'example' | 'exists' | 'done'
/** What a stated mention does to its path. */
export type ChangeKind = 'create' | 'modify' | 'delete'

/** Words before a path that state it as changed. */
const STATING = new Set(
  (
    'create creates created creating add adds added adding update updates updated updating ' +
    'modify modifies modified modifying edit edits edited editing change changes changed ' +
    'changing touch touches touched touching refactor refactors refactored extend extends ' +
    'extended rewrite rewrites rewritten write writes delete deletes deleted remove removes ' +
    'rename renames renamed move moves moved split splits implement implements implemented ' +
    'patch patches wire wires register registers replace replaces new into fix fixes introduce ' +
    'introduces generate generates migrate migrates'
  ).split(' ')
)
const NEGATION_WINDOW = 6
const STATING_WINDOW = 4
const AFTER_WINDOW = 3

export function readPieces(line: string): Piece[] {
  const slots: Piece[][] = []
  const slot = (pieces: Piece[]): string => {
    slots.push(pieces)
    return ` \uE000${slots.length - 1}\uE001 `
  }
  const piece = (kind: Piece['kind'], text: string): Piece => ({
    kind,
    text,
    cue: '',
    clause: 0,
    struck: false,
    labelKind: null
  })
  // Each markdown form is looked for only when its mark is on the line: most lines have none.
  let text = line.includes('<!--') ? line.replace(/<!--.*?-->/g, ' ') : line
  if (text.includes('`')) {
    text = text.replace(CODE_SPAN, (_whole, _ticks, content: string) => {
      const code = content.trim()
      if (code && !/\s/.test(code)) return slot([piece('span', code)])
      // `GET /jobs/:id/logs?after=`: an HTTP route, whose parts are no files.
      if (HTTP_ROUTE.test(code)) return slot([])
      return slot(
        code
          .split(CODE_SEPARATORS)
          .filter(Boolean)
          .map((token) => piece('code', token))
      )
    })
  }
  if (text.includes('<')) text = text.replace(AUTOLINK, ' ')
  if (text.includes('](')) {
    text = text.replace(
      INLINE_LINK,
      (_whole, label: string, target: string) => `${slot([piece('link', target)])} ${label} `
    )
  }

  const pieces: Piece[] = []
  let clause = 0
  let struck = false
  for (const raw of text.split(/\s+/)) {
    if (!raw) continue
    // `~~`code`~~`: the marks stand apart from the span they strike.
    if (STRIKE_MARK.test(raw)) {
      struck = !struck
      continue
    }
    if (raw.startsWith('~~')) struck = true
    const parts = raw.includes('\uE000') ? raw.split(/(\uE000\d+\uE001)/) : [raw]
    for (const part of parts) {
      if (!part) continue
      const inSlot = part.charCodeAt(0) === 0xe000 ? /^\uE000(\d+)\uE001$/.exec(part) : null
      if (inSlot) {
        for (const inner of slots[Number(inSlot[1])]) {
          pieces.push({
            kind: inner.kind,
            text: inner.text,
            cue: inner.cue,
            clause,
            struck,
            labelKind: null
          })
        }
        continue
      }
      const word = unwrapEmphasis(part.includes('\uE000') ? part.replace(SLOT, '') : part)
      if (!word) continue
      const cue = word.toLowerCase().replace(/[^a-z-]/g, '')
      if (CONTRAST.has(cue)) clause += 1
      pieces.push({ kind: 'word', text: word, cue, clause, struck, labelKind: null })
      // `src/a.ts.` ends a sentence as well as `done.`; `e.g.` and `v1.2` do not end anything.
      if (/[;:!?]$|[^.]\.$/.test(part.replace(/[*_)\]"']+$/, '')) && !/^e\.g|^i\.e/.test(cue)) {
        clause += 1
      }
    }
    if (raw.endsWith('~~')) struck = false
  }
  // "No change: `a.py`", "Related modules: `b.py`", "(Already Exists) File: `c.py`": a
  // negating or referring label carries over its colon.
  const labelled = new Map<number, ReferenceKind>()
  pieces.forEach((piece, index) => {
    const next = pieces[index + 1]
    if (piece.kind === 'word' && piece.text.endsWith(':') && next && next.clause > piece.clause) {
      const label = pieces.filter((other) => other.clause === piece.clause)
      const negating = label.find((other) => NEGATING.has(other.cue))
      if (negating) labelled.set(next.clause, NEGATING.get(negating.cue) as ReferenceKind)
      else if (
        label.some((other) => EXISTING.has(other.cue)) &&
        !label.some((other) => STATING.has(other.cue))
      ) {
        labelled.set(next.clause, 'exists')
      }
    }
  })
  if (labelled.size) {
    for (const piece of pieces) piece.labelKind = labelled.get(piece.clause) ?? null
  }
  return pieces
}

/** `**x**`, `**x`, `x**`, `*x*`, `__x__`, `~~x~~`: the text inside; `src/**` and `__init__.py` stay. */
function unwrapEmphasis(word: string): string {
  if (!EMPHASIS_MARK.test(word)) return word
  let text = word.replace(/^([("'[]*)~~/, '$1').replace(/~~([.,;:!?)"'\]]*)$/, '$1')
  text = text
    .replace(/^([("'[]*)\*{1,3}(?!\/)/, '$1')
    .replace(/(?<!\/)\*{1,3}([.,;:!?)"'\]]*)$/, '$1')
  const underscores = /^(_{1,3})(.+?)\1([.,;:!?)]*)$/.exec(text)
  if (underscores && !/^_|_$/.test(underscores[2])) text = underscores[2] + underscores[3]
  return text
}

const EMPHASIS_MARK = /[*_~]/
/** A strike mark standing alone (around a code span), with the punctuation after it. */
const STRIKE_MARK = /^[([]*~~[.,;:!?)\]]*$/
/** A dash standing alone: what comes after it is not what the words before it said. */
const DASH = /^(?:[—–]|--?)$/
/** Words after "no" that say a path is not changed: "needs no change", "nothing to edit". */
const NO_CHANGE = new Set(
  'change changes changed edit edits modification modifications to case cases test tests'.split(' ')
)
/** Words that open a parenthesis on a subject of its own: "(the memory store already …)". */
const SUBJECT_OPENING = new Set('the a an this that these those its their our it we'.split(' '))
/** How far a parenthesis that opens on a path is read for what it says of the path. */
const PARENTHESIS_WINDOW = 12

/** What the words of its clause say of the piece at `index`. */
export function clauseCues(
  pieces: readonly Piece[],
  index: number
): { negated: boolean; stated: boolean; kind: ReferenceKind | ChangeKind | null } {
  const { clause } = pieces[index]
  if (pieces[index].struck) return { negated: true, stated: false, kind: 'not' }
  const labelKind = pieces[index].labelKind
  if (labelKind) return { negated: true, stated: false, kind: labelKind }
  let negation: ReferenceKind | null = null
  let change: ChangeKind | null = null
  let words = 0
  for (let at = index - 1; at >= 0 && pieces[at].clause === clause; at -= 1) {
    // "TTL kept, not on retry — `redis.test.ts`": a dash sets the path apart from what precedes.
    if (pieces[at].kind === 'word' && DASH.test(pieces[at].text)) break
    if (pieces[at].kind !== 'word' || !pieces[at].cue) continue
    words += 1
    const cue = pieces[at].cue
    if (words <= NEGATION_WINDOW && !negation) negation = NEGATING.get(cue) ?? null
    if (words <= STATING_WINDOW && !change && STATING.has(cue)) {
      change = CREATING.has(cue) ? 'create' : DELETING.has(cue) ? 'delete' : 'modify'
    }
    if (words > NEGATION_WINDOW) break
  }
  words = 0
  for (let at = index + 1; at < pieces.length && pieces[at].clause === clause; at += 1) {
    if (pieces[at].kind !== 'word' || !pieces[at].cue) continue
    words += 1
    if (words > AFTER_WINDOW) break
    const cue = pieces[at].cue
    if (NEGATING_AFTER.has(cue) || (cue === 'not' && words <= 2) || saysNoChange(pieces, at)) {
      negation ??= 'not'
    }
    // Context unless a verb before states a change: "Modify `x` (already exists)" changes it.
    else if (!change && REFERRING_AFTER.has(cue)) negation ??= REFERRING_AFTER.get(cue) ?? null
  }
  if (!negation && !change) {
    // "(`x.html`, used as the pattern; not edited)": an aside on the path. After the path,
    // "`x.py` (existing cases still pass)" says it is not changed, but "in `x.ts` (the file
    // exists, only logs)" does not, nor "(the memory store … no change there)" of another.
    if (opensParenthesis(pieces, index)) negation = parenthesisKind(pieces, index, true)
    else if (asideAfter(pieces, index)) negation = parenthesisKind(pieces, index, false)
  }
  if (!negation && !change && nextClauseSaysNoChange(pieces, index)) negation = 'not'
  if (negation) return { negated: true, stated: false, kind: negation }
  return { negated: false, stated: change !== null, kind: change }
}

/** "no change", "nothing to edit", "no new case", "still pass" starting at `at`. */
function saysNoChange(pieces: readonly Piece[], at: number): boolean {
  const cue = pieces[at].cue
  if (cue === 'still') return /^pass(?:es)?$/.test(pieces[at + 1]?.cue ?? '')
  if (cue !== 'no' && cue !== 'nothing') return false
  let next = pieces[at + 1]
  // "no new case needed", "no further change"
  if (next?.cue === 'new' || next?.cue === 'further') next = pieces[at + 2]
  return next !== undefined && next.kind === 'word' && NO_CHANGE.has(next.cue)
}

/** The path is the first thing inside a parenthesis: `(`x.html`, used as the pattern; not edited)`. */
function opensParenthesis(pieces: readonly Piece[], index: number): boolean {
  const before = pieces[index - 1]
  return before !== undefined && before.kind === 'word' && /\($/.test(before.text)
}

/** A parenthesis right after the path that does not open on a subject of its own ("(the …"). */
function asideAfter(pieces: readonly Piece[], index: number): boolean {
  const next = pieces[index + 1]
  if (!next || next.kind !== 'word' || !next.text.startsWith('(')) return false
  const first = next.cue ? next : pieces[index + 2]
  return !SUBJECT_OPENING.has(first?.cue ?? '')
}

/** What the rest of a parenthesis that opens on a path says of it, across its clauses, or null. */
function parenthesisKind(
  pieces: readonly Piece[],
  index: number,
  referring: boolean
): ReferenceKind | null {
  let words = 0
  for (let at = index + 1; at < pieces.length && words < PARENTHESIS_WINDOW; at += 1) {
    const piece = pieces[at]
    if (piece.kind !== 'word') continue
    words += 1
    const cue = piece.cue
    if (NEGATING_AFTER.has(cue) || cue === 'not' || saysNoChange(pieces, at)) return 'not'
    if (referring && REFERRING_AFTER.has(cue)) return REFERRING_AFTER.get(cue) ?? null
    if (piece.text.includes(')')) break
  }
  return null
}

/**
 * The clause after the path's opens on "nothing to change", "no change", "unchanged", and no
 * other path in that clause before it: "The base class (`base.py`) keeps its name; nothing to change there."
 */
function nextClauseSaysNoChange(pieces: readonly Piece[], index: number): boolean {
  const { clause } = pieces[index]
  for (let at = index + 1; at < pieces.length; at += 1) {
    const piece = pieces[at]
    if (piece.clause === clause) continue
    if (piece.kind !== 'word' || piece.clause > clause + 1) return false
    if (!piece.cue) continue
    return piece.cue === 'unchanged' || saysNoChange(pieces, at)
  }
  return false
}
