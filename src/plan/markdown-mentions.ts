import { impliedByLine } from './implied-paths.js'
import { ruleOfLine } from './rule-paths.js'
import { readFences } from './markdown-fences.js'
import type { Mention, MentionContext } from './path-normaliser.js'
import { clauseCues, readPieces, type Piece, type ReferenceKind } from './markdown-pieces.js'

const TABLE_DELIMITER = /^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$/
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/
/**
 * A labelled line: "Location:", "**Files**:", "- Test files:", "Scope:", "Touches:",
 * "New file:". Group 1 is the label, group 2 the value.
 */
const LABEL =
  /^\s*(?:[-*+]\s+|\d+[.)]\s+)?(?:\*\*|__)?([\p{L} ]{0,40}?\b(?:locations?|files?|paths?|folders?|director(?:y|ies)|modules?|scope|changes|touch(?:es|ed)?|affected|creates?|modif(?:y|ies|ied)|updates?|edits?))(?:\*\*|__)?\s*:(?:\*\*|__)?(.*)$/iu
/** Labels and headings that name what is not done, or what is only referred to. */
const NEGATIVE_TITLE =
  /\b(?:non[- ]?goals?|out[- ]of[- ]scope|not (?:in scope|changed|touched|modified|affected)|unchanged|untouched|references?|related|see also|further reading|prior art|alternatives?(?: considered)?|rejected|future(?: work)?|later|follow[- ]?ups?|depends on|dependencies|blocked by|supersed\w*|open questions?)\b/i
/** Labels and headings of what exists, what to copy, or what illustrates: context, not changes. */
const CONTEXT_TITLE =
  /^(?:[\d.)\s]*)(?:context|background|current (?:state|behaviou?r|implementation|code|design)|existing (?:code|files?|behaviou?r|implementation|patterns?)|(?:already exists?)|how it works (?:today|now)|examples?(?: problems?| usage)?|patterns?(?: to (?:reuse|follow))?|(?:code )?to reuse)\b/i
/** The first words CONTEXT_TITLE can start with: most titles are tested by one look-up. */
const CONTEXT_FIRST_WORDS = new Set(
  'context background current existing already how example examples pattern patterns code to'.split(
    ' '
  )
)
/** A phase or step marked landed: `## Phase 1 ✅`, `### Step 2 (done)`, `Phase 3 — COMPLETE`. */
const LANDED_TITLE =
  /[✅✔☑]|\((?:done|complete[d]?|landed|shipped|merged|implemented)\b[^)]*\)|\[(?:done|complete[d]?)\]|[-–—:|]\s*(?:done|complete[d]?|landed|shipped|merged)\s*$/i
/**
 * The same in capitals, closing the title (`Phase 2 DONE`); not an instruction that merely
 * holds the word (`Tests First ⚠️ MUST COMPLETE BEFORE 3.3`).
 */
const LANDED_WORD =
  /(?<!\b(?:MUST|TO|WILL|SHOULD|BE|NOT)\s+)\b(?:DONE|COMPLETED?|LANDED|SHIPPED)[.!]?\s*$/
/** A status line under a heading that marks its section landed: `**Status**: ✅ Complete`. */
const LANDED_STATUS =
  /^\s*(?:[-*+]\s+)?(?:\*\*|__)?status(?:\*\*|__)?\s*:(?:\*\*|__)?\s*(?:[✅✔☑]|(?:done|complete[d]?|landed|shipped|merged)\b)/i
const CHECKED_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+\[[xX]\]\s+/

/** A heading checked off (`### [x] Phase 1`) or struck through whole (`### ~~Phase 1~~`). */
const LANDED_MARK = /^\s*(?:[-*+]\s+)?\[[xX]\]\s|^\s*~~[^~]+~~\s*$/

/** Why a heading or label makes what follows not a change, or null. */
function titleKind(title: string, landedAllowed: boolean): ReferenceKind | null {
  if (
    landedAllowed &&
    (LANDED_TITLE.test(title) || LANDED_WORD.test(title) || LANDED_MARK.test(title))
  ) {
    return 'done'
  }
  const words = title.replace(/[*_`#]/g, '').trim()
  const first = /^[\d.)\s]*([A-Za-z]+)/.exec(words)?.[1]?.toLowerCase() ?? ''
  if (CONTEXT_FIRST_WORDS.has(first) && CONTEXT_TITLE.test(words)) {
    if (/^(?:[\d.)\s]*)examples?/i.test(words)) return 'example'
    if (/^(?:[\d.)\s]*)(?:patterns?|(?:code )?to reuse)/i.test(words)) return 'reuse'
    return 'exists'
  }
  return NEGATIVE_TITLE.test(title) ? 'see' : null
}

/** A heading that is only "Dependencies" (`### 2. New dependencies`). */
const DEPENDENCIES_TITLE = /^[\d.)\s]*(?:new |runtime |dev |python |npm )?dependenc(?:y|ies)\W*$/i
/** Headings of the part of a spec that says what it changes. */
const SCOPE_TITLE =
  /\b(?:files?|changes?|scope|touch(?:es|ed)?|affected|modif\w*|deliverables?|implementation(?: plan| steps)?|tasks?|checklist|work items?|what to (?:build|change|do))\b/i
/** Where a label's value stops and its description starts. */
const DESCRIPTION = /\s+(?:-|–|—|\(|:)\s*|\s*\(/
const MAY_HOLD_PATH = /[^\s][./\\][^\s]|`|\]\(|\/\s|\/$/
/**
 * A note that says a path is not changed: a table cell (`| git | `git.py` | no change |`) or
 * what follows a list item's path (`- `test_cli.py`: existing tests must still pass`).
 */
const UNCHANGED_NOTE =
  /^\s*(?:\*\*|__)?(?:no(?:thing)?\s+(?:changes?|edits?|to change)\b|unchanged\b|untouched\b|not\s+(?:changed|modified|edited|touched)\b|as[- ]is\b|read[- ]only\b|(?:[\w-]+\s+){0,4}(?:must|should)\s+still\s+pass|(?:[\w-]+\s+){0,4}still\s+pass(?:es)?\b|(?:[\w-]+\s+){0,3}(?:stays?|remains?)\s+(?:as\s+(?:it\s+)?is|unchanged|the\s+same)\b)/i
/** A list item that opens on a path and says something of it after a colon. */
const PATH_THEN_NOTE = /^(`[^`]+`|[^\s`]+[./][^\s`]*)\s*:\s+(.*)$/
/** A table column of paths: `| File | Change |`. */
const PATH_COLUMN = /\b(?:files?|paths?|locations?|modules?|folders?|components?)\b/i

/**
 * Every token of a markdown document that could name a path, with its line, the place it was
 * found (see MentionContext), and whether the document states it as changed or only negates
 * or refers to it. Markdown is read as markdown: code spans and links are taken out first,
 * emphasis is unwrapped, tables and lists keep their cells and items. Fenced code blocks are
 * read for the paths a code sample names in its header, comments, or as a lone path on a line
 * (a listing), and for directory drawings; never for every token. It does not judge tokens
 * (normaliseMention does).
 */
export function scanMarkdown(markdown: string): Mention[] {
  const lines = markdown.split(/\r?\n/)
  const { positions } = readFences(lines)
  const tableRows = findTableRows(lines, positions)
  const mentions: Mention[] = []
  const headings: {
    level: number
    scope: boolean
    negative: ReferenceKind | null
    /** A "Dependencies" heading: of the roadmap's order, or of the packages added under it. */
    dependencies: boolean
  }[] = []
  let firstHeading = true
  let block: CodeBlock | null = null
  let pathColumns = new Set<number>()
  // The line before, for a line that goes on with it (a wrapped sentence or list item): its
  // text, and whether its item was checked (landed).
  let carry: { text: string; kind: ReferenceKind | null } | null = null
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]
    const number = index + 1
    const section = headings.at(-1)
    const inScope = headings.some((heading) => heading.scope) && !section?.negative
    const sectionKind = headings.find((heading) => heading.negative)?.negative ?? null
    // "### Dependencies / Add dependency `aiolimiter`": a package added is a change there.
    const packageKind =
      headings.find((heading) => heading.negative && !heading.dependencies)?.negative ?? null
    let lineKind: ReferenceKind | null = null
    const push = (mention: Mention): void => {
      const kind = (mention.implied?.kind === 'dependency' ? packageKind : sectionKind) ?? lineKind
      const negated = Boolean(mention.negated || kind)
      // One shape for every mention: spreading mentions of many shapes is slow at scale.
      mentions.push({
        text: mention.text,
        context: mention.context,
        line: number,
        stated: Boolean((mention.stated || inScope) && !negated),
        negated,
        kind: kind ?? mention.kind ?? null,
        implied: mention.implied ?? null,
        rule: mention.rule ?? null
      })
    }
    if (positions[index] === 'delimiter') {
      carry = null
      if (block) block = null
      else {
        block = new CodeBlock(annotatedDrawing(lines, index, positions))
        const info = line.replace(/^\s*(?:`{3,}|~{3,})/, '').trim()
        for (const token of info.split(/[\s"'=]+/).slice(1)) {
          if (token) push({ text: token, context: 'span', stated: true })
        }
      }
      continue
    }
    if (positions[index] === 'inside') {
      block ??= new CodeBlock(false)
      for (const mention of block.read(line)) push(mention)
      continue
    }
    const heading = HEADING.exec(line)
    if (heading) {
      carry = null
      const level = heading[1].length
      while (headings.length && (headings.at(-1)?.level ?? 0) >= level) headings.pop()
      // The document's own title is never a landed phase: the priority is what runs.
      const negative = titleKind(heading[2], !firstHeading)
      firstHeading = false
      headings.push({
        level,
        scope: SCOPE_TITLE.test(heading[2]) && !negative,
        negative,
        dependencies: DEPENDENCIES_TITLE.test(heading[2])
      })
      for (const mention of readClause(heading[2], 'prose')) push(mention)
      continue
    }
    const text = line.replace(/^\s*(?:>\s?)+/, '')
    if (LANDED_STATUS.test(text) && section && headings.length > 1) {
      section.negative ??= 'done'
      continue
    }
    if (tableRows.has(index)) {
      carry = null
      if (TABLE_DELIMITER.test(text)) continue
      const header = !tableRows.has(index - 1)
      const cells = splitCells(text)
      if (header) {
        pathColumns = new Set(
          cells.flatMap((cell, column) => (PATH_COLUMN.test(cell) ? [column] : []))
        )
      }
      // A row whose other cell says "no change" names its path as context.
      const rowKind: ReferenceKind | null =
        !header &&
        cells.some((cell, column) => !pathColumns.has(column) && UNCHANGED_NOTE.test(cell))
          ? 'not'
          : null
      cells.forEach((cell, column) => {
        const stated = pathColumns.has(column) && !header && !rowKind
        for (const mention of readClause(cell, 'slot', { stated, lone: true, kind: rowKind })) {
          push(mention)
        }
      })
      continue
    }
    if (!text.trim()) {
      carry = null
      continue
    }
    const item = LIST_ITEM.exec(text)
    for (const implied of impliedByLine(text)) {
      push({ text: '', context: 'prose', stated: true, implied })
    }
    // A rule wrapped over two lines ("every module in" / "`forge/notify/`") is read whole.
    const rule =
      ruleOfLine(text) ??
      (!item && carry && !ruleOfLine(carry.text)
        ? ruleOfLine(`${unfinishedClause(carry.text)} ${text}`)
        : null)
    if (rule) push({ text: '', context: 'prose', stated: rule.changes, rule })
    // A wrapped line goes on with the line before: its clause, and a checked item's state.
    if (!item && carry) lineKind = carry.kind
    const wrapped = !item && carry !== null && MAY_HOLD_PATH.test(text) && !LABEL.test(text)
    const before = wrapped && carry ? unfinishedClause(carry.text) : ''
    if (before) {
      // Read with the words before it; keep only its own mentions.
      const skip = readClause(before, 'prose').length
      for (const mention of readClause(`${before} ${text}`, 'prose').slice(skip)) push(mention)
    } else {
      if (item && CHECKED_ITEM.test(text)) lineKind = 'done'
      const own = readLine(text)
      // A sentence wrapped onto the next line goes on saying what its paths are:
      // "(`x.html`,\n used as the pattern to reuse; not edited)". Read with it, keep its own.
      const next = own.length ? continuation(lines, index, positions, tableRows) : ''
      const read =
        next && unfinishedClause(text) ? readLine(`${text} ${next}`).slice(0, own.length) : own
      for (const mention of read) push(mention)
    }
    carry = { text, kind: lineKind }
  }
  return mentions
}

/** The next line when it goes on with this one (no item, heading, table or code), else ''. */
function continuation(
  lines: readonly string[],
  index: number,
  positions: readonly string[],
  tableRows: ReadonlySet<number>
): string {
  const next = lines[index + 1]
  if (next === undefined || positions[index + 1] !== 'outside' || tableRows.has(index + 1)) {
    return ''
  }
  const text = next.replace(/^\s*(?:>\s?)+/, '')
  if (!text.trim() || LIST_ITEM.test(text) || HEADING.test(text) || LABEL.test(text)) return ''
  return text
}

/** The last clause of a line when the line does not end it: what a wrapped line goes on with. */
function unfinishedClause(line: string): string {
  const body = line.replace(LIST_ITEM, '').trimEnd()
  if (/[.;:!?]$/.test(body.replace(/[*_)\]"'`]+$/, ''))) return ''
  const parts = body.split(/[.;:!?](?:\s|$)/)
  let clause = parts[parts.length - 1].split(/\s+/).slice(-8).join(' ')
  // Cut inside a code span (`` `--since <commit>` option``): start after its closing tick, or
  // the tick left alone would swallow the next line's paths as code.
  while ((clause.match(/`/g) ?? []).length % 2 === 1) clause = clause.slice(clause.indexOf('`') + 1)
  return clause
}

function readLine(line: string): Mention[] {
  const definition = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line)
  if (definition) return [{ text: definition[1], context: 'link' }]
  const label = LABEL.exec(line)
  if (label) {
    const kind =
      titleKind(label[1], false) ??
      (/\b(?:see|like)\b/i.test(label[1])
        ? 'see'
        : /\b(?:patterns?|reuse)\b/i.test(label[1])
          ? 'reuse'
          : /\bexamples?\b/i.test(label[1])
            ? 'example'
            : null)
    const value = label[2]
    const cut = DESCRIPTION.exec(value.replace(/`[^`]*`/g, (code) => 'x'.repeat(code.length)))
    const slots = cut ? value.slice(0, cut.index) : value
    const rest = cut ? value.slice(cut.index) : ''
    return [
      ...readClause(slots, 'slot', { stated: !kind, kind }),
      ...readClause(rest, 'prose', { kind })
    ]
  }
  const item = LIST_ITEM.exec(line)
  if (item) {
    const body = line.slice(item[0].length)
    const note = PATH_THEN_NOTE.exec(body)
    const kind = note && UNCHANGED_NOTE.test(note[2]) ? 'not' : null
    return readClause(body, 'prose', { leadSlot: true, kind })
  }
  return readClause(line, 'prose')
}

interface ClauseOptions {
  /** Every path of the text is stated (a path column, a Files label). */
  stated?: boolean
  /** Every path of the text is negated or a reference, for this reason. */
  kind?: ReferenceKind | null
  /** A text that holds one path by itself (a table cell): its one token is a slot. */
  lone?: boolean
  /** A list item: its first token is a slot, and states the path when it is one. */
  leadSlot?: boolean
}

/** The mentions of one run of markdown text, with what the words around each say of it. */
function readClause(text: string, context: MentionContext, options: ClauseOptions = {}): Mention[] {
  // Most lines of prose name no path: nothing but a lone cell or a list item's first word
  // can be one without a `.` or `/` inside a word, a code span or a link.
  if (!options.lone && !options.leadSlot && !MAY_HOLD_PATH.test(text)) return []
  const pieces = readPieces(text)
  const mentions: Mention[] = []
  const lone = options.lone && pieces.filter((piece) => piece.kind !== 'link').length === 1
  pieces.forEach((piece, index) => {
    const lead = options.leadSlot && index === 0
    // Plain words are never paths, unless they stand alone in a path's place (`Makefile`).
    if (piece.kind === 'word' && !/[./\\]/.test(piece.text) && !lone && !lead) return
    const cues = clauseCues(pieces, index)
    const negated = Boolean(options.kind) || cues.negated
    mentions.push({
      text: piece.text,
      context: contextOf(piece, lone || lead ? 'slot' : context),
      stated: !negated && (Boolean(options.stated) || lead || cues.stated),
      negated,
      kind: options.kind ?? cues.kind
    })
  })
  return mentions
}

function contextOf(piece: Piece, context: MentionContext): MentionContext {
  if (piece.kind === 'link') return 'link'
  if (piece.kind === 'span') return context === 'slot' ? 'slot' : 'span'
  if (piece.kind === 'code') return 'code'
  return context
}

function splitCells(row: string): string[] {
  const cells = row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
  return cells.map((cell) => cell.trim())
}

const TREE_ROOT = /^\s*([^\s│|├└]+\/)\s*(?:#.*)?$/
const TREE_ENTRY = /^([\s│|]*)(?:├──|└──|├─|└─|\|--|`--|\+--)[─-]*\s*([^\s#]+)/
/** A comment in most languages: `# x`, `// x`, `/* x`, ` * x`, `-- x`, `<!-- x`, `; x`. */
const COMMENT = /^\s*(?:#(?![!#\w]*\s*include)|\/\/+|\/\*+|\*(?!\*)|--|<!--|;+|%|REM\b)\s?(.*)$/
const TRAILING_COMMENT = /\s(?:#|\/\/|--)\s+(.*)$/
/** A line holding one path (a listing): `src/a.ts`, `- "internal/**\/*.go"`, `a.ts  # new`. */
const LONE_PATH = /^\s*(?:[-*+]\s+)?["'`]?([^\s"'`]+)["'`]?,?\s*(?:(?:#|\/\/)\s.*)?$/

/**
 * One fenced block, line by line: the header comment (the file a sample shows) and directory
 * drawings state paths; other comments and lone paths mention them; other code is not read.
 */
class CodeBlock {
  private tree = new TreeDrawing()
  private first = true

  /** `annotated`: its directory drawing comments some entries (see annotatedDrawing). */
  constructor(private readonly annotated: boolean) {}

  read(line: string): Mention[] {
    const header = this.first
    if (line.trim()) this.first = false
    const treePath = this.tree.read(line)
    if (treePath) {
      if (!this.annotated) return [{ text: treePath, context: 'span', stated: true }]
      const note = TREE_COMMENT.exec(line.replace(TREE_ENTRY, ''))?.[1]
      const kind = note === undefined ? 'see' : commentKind(note)
      return [{ text: treePath, context: 'span', stated: !kind, negated: Boolean(kind), kind }]
    }
    const comment = COMMENT.exec(line) ?? TRAILING_COMMENT.exec(line)
    const lonePath = LONE_PATH.exec(line)
    if (lonePath && /[./]/.test(lonePath[1]) && !comment?.[0].startsWith(line.trim()[0] ?? '')) {
      return [{ text: lonePath[1], context: 'span', stated: header }]
    }
    if (!comment) return []
    const text = comment[1].replace(/\s*(?:\*\/|-->)\s*$/, '')
    const fileLabel = /^\s*(?:file(?:name)?|path)\s*:\s*/i.exec(text)
    return readClause(fileLabel ? text.slice(fileLabel[0].length) : text, 'prose', {
      stated: header || Boolean(fileLabel)
    }).map((mention) => ({
      ...mention,
      context: mention.context === 'prose' && (header || fileLabel) ? 'slot' : mention.context
    }))
  }
}

/** The comment after a drawing's entry: `├── theme.ts   # new`. */
const TREE_COMMENT = /^\s*(?:#|\/\/|←|<-)\s*(.*)$/

/**
 * A directory drawing whose author commented some file entries (`theme.ts  # new`,
 * `App.tsx  # header toggle`) says what changes by those comments: its other entries are the
 * project's layout, drawn for orientation. `index` is the block's opening fence.
 */
function annotatedDrawing(
  lines: readonly string[],
  index: number,
  positions: readonly string[]
): boolean {
  for (let at = index + 1; at < lines.length && positions[at] === 'inside'; at += 1) {
    // A folder's comment describes the folder (`routes/  # one file per resource`).
    const entry = TREE_ENTRY.exec(lines[at])
    if (entry && !entry[2].endsWith('/') && TREE_COMMENT.test(lines[at].slice(entry[0].length))) {
      return true
    }
  }
  return false
}

/** What a drawing entry's comment says of it: null for a change (`# new`, `# toggle`), or why not. */
function commentKind(comment: string): ReferenceKind | null {
  if (
    UNCHANGED_NOTE.test(comment) ||
    /\b(?:unchanged|untouched|no changes?|not changed)\b/i.test(comment)
  ) {
    return 'not'
  }
  if (/[✅✔]|\b(?:done|landed|merged|complete[d]?)\b/i.test(comment)) return 'done'
  if (/\b(?:already exists?|existing)\b/i.test(comment)) return 'exists'
  if (/\b(?:pattern|reuse|similar|like)\b/i.test(comment)) return 'reuse'
  if (/\b(?:example|e\.g\.)/i.test(comment)) return 'example'
  if (/^\s*\(?\s*(?:see|cf\.?|reference)\b/i.test(comment)) return 'see'
  return null
}

/**
 * Rebuilds full paths from a directory drawing in a fenced block, where `main.go` under
 * `cmd/` and `server/` means `cmd/server/main.go`:
 *
 *     cmd/
 *     ├── server/
 *     │   └── main.go
 */
class TreeDrawing {
  /** The drawing's top line (`cmd/`), when it has one. */
  private root: string[] = []
  /** The latest entry's name at each depth below the root. */
  private names: string[] = []
  private indentUnit = 0

  /** The full path of a drawing line, or null when the line is not part of a drawing. */
  read(line: string): string | null {
    const root = TREE_ROOT.exec(line)
    if (root && !/^\s/.test(line)) {
      const name = root[1].replace(/\/+$/, '')
      this.root = name === '.' ? [] : [name]
      this.names = []
      return root[1]
    }
    const entry = TREE_ENTRY.exec(line)
    if (!entry) return null
    const indent = entry[1].length
    if (indent > 0 && this.indentUnit === 0) this.indentUnit = indent
    const depth = this.indentUnit ? Math.round(indent / this.indentUnit) : 0
    const parents = [...this.root, ...this.names.slice(0, depth)]
    const name = entry[2]
    this.names = [...this.names.slice(0, depth), name.replace(/\/+$/, '')]
    return [...parents, name].join('/')
  }
}

/**
 * Lines that belong to a table: a header row, the delimiter row under it, and the rows that
 * follow while they contain a pipe. Lines in fenced blocks are never table rows.
 */
function findTableRows(lines: string[], fences: readonly string[]): Set<number> {
  const rows = new Set<number>()
  for (let index = 1; index < lines.length; index += 1) {
    if (fences[index] !== 'outside') continue
    const delimiter = lines[index]
    if (!TABLE_DELIMITER.test(delimiter) || !delimiter.includes('-') || !delimiter.includes('|')) {
      continue
    }
    if (!lines[index - 1].includes('|')) continue
    rows.add(index - 1)
    rows.add(index)
    for (let next = index + 1; next < lines.length && lines[next].includes('|'); next += 1) {
      rows.add(next)
    }
  }
  return rows
}
