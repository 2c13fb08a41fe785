import { fencePositions, type FencePosition } from './markdown-fences.js'
import type { Mention, MentionContext } from './path-normaliser.js'

/** Stands in for a code span or link already taken out of a line; splits tokens. */
const TAKEN = '\uE000'
const CODE_SPAN = /(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g
/** `[text](target "title")` and `![alt](target)`; one level of brackets in the text. */
const INLINE_LINK =
  /!?\[((?:[^[\]]|\[[^\]]*\])*)\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g
const AUTOLINK = /<[A-Za-z][A-Za-z0-9+.-]*:[^\s>]*>/g
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/
const TABLE_DELIMITER = /^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$/
/** "Location:", "**Files**:", "- Test files:", "Implementation Files:" and the like. */
const LABEL =
  /^\s*(?:[-*+]\s+|\d+[.)]\s+)?(?:\*\*|__)?[\p{L} ]{0,40}?\b(?:locations?|files?|paths?|folders?|director(?:y|ies)|modules?)(?:\*\*|__)?\s*:(?:\*\*|__)?(.*)$/iu
const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/
/** Where a label's value stops and its description starts. */
const DESCRIPTION = /\s+(?:-|–|—|\(|:)\s*|\s*\(/
const PROSE_SEPARATORS = /[\s"()<>|,;=[\]\uE000]+/
const CODE_SEPARATORS = /[\s"'`()<>|,;=[\]{}:\uE000]+/

/**
 * Every token of a markdown document that could name a path, with the place it was found
 * (see MentionContext). It reads fenced blocks, inline code, links and reference
 * definitions, tables, labelled lines, list items and plain text; it does not judge the
 * tokens (normaliseMention does).
 */
export function scanMarkdown(markdown: string): Mention[] {
  const lines = markdown.split(/\r?\n/)
  const fences = fencePositions(lines)
  const tableRows = findTableRows(lines, fences)
  const mentions: Mention[] = []
  let tree = new TreeDrawing()
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]
    if (fences[index] === 'delimiter') {
      tree = new TreeDrawing() // each block draws its own tree
    } else if (fences[index] === 'inside') {
      const treePath = tree.read(line)
      if (treePath) mentions.push({ text: treePath, context: 'span' })
      else pushTokens(mentions, line, CODE_SEPARATORS, 'code')
    } else scanLine(line.replace(/^\s*(?:>\s?)+/, ''), tableRows.has(index), mentions)
  }
  return mentions
}

const TREE_ROOT = /^\s*([^\s│|├└]+\/)\s*(?:#.*)?$/
const TREE_ENTRY = /^([\s│|]*)(?:├──|└──|├─|└─|\|--|`--|\+--)[─-]*\s*([^\s#]+)/

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

function scanLine(line: string, tableRow: boolean, mentions: Mention[]): void {
  const definition = REFERENCE_DEFINITION.exec(line)
  if (definition) {
    mentions.push({ text: definition[1], context: 'link' })
    return
  }
  let rest = line
    .replace(/<!--.*?-->/g, ' ')
    .replace(CODE_SPAN, (_whole, _ticks, content: string) => {
      const code = content.trim()
      if (code && !/\s/.test(code)) mentions.push({ text: code, context: 'span' })
      else pushTokens(mentions, code, CODE_SEPARATORS, 'code')
      return ` ${TAKEN} `
    })
  rest = rest
    .replace(AUTOLINK, ` ${TAKEN} `)
    .replace(INLINE_LINK, (_whole, text: string, target: string) => {
      mentions.push({ text: target, context: 'link' })
      return ` ${text} `
    })

  if (tableRow) {
    if (TABLE_DELIMITER.test(rest)) return
    for (const cell of rest.split(/(?<!\\)\|/)) {
      const tokens = cell.split(/[\s\uE000]+/).filter(Boolean)
      if (tokens.length === 1) mentions.push({ text: tokens[0], context: 'slot' })
      else pushTokens(mentions, cell, PROSE_SEPARATORS, 'prose')
    }
    return
  }
  const label = LABEL.exec(rest)
  if (label) {
    const value = label[1]
    const cut = DESCRIPTION.exec(value)
    const slots = cut ? value.slice(0, cut.index) : value
    pushTokens(mentions, slots, /[\s,;\uE000]+/, 'slot')
    if (cut) pushTokens(mentions, value.slice(cut.index), PROSE_SEPARATORS, 'prose')
    return
  }
  const item = LIST_ITEM.exec(rest)
  if (item) {
    const body = rest.slice(item[0].length)
    const lead = /^[^\s\uE000]+/.exec(body)
    if (lead) {
      mentions.push({ text: lead[0], context: 'slot' })
      pushTokens(mentions, body.slice(lead[0].length), PROSE_SEPARATORS, 'prose')
      return
    }
  }
  pushTokens(mentions, rest, PROSE_SEPARATORS, 'prose')
}

function pushTokens(
  mentions: Mention[],
  text: string,
  separators: RegExp,
  context: MentionContext
): void {
  for (const token of text.split(separators)) {
    if (token) mentions.push({ text: token, context })
  }
}

/**
 * Lines that belong to a table: a header row, the delimiter row under it, and the rows that
 * follow while they contain a pipe. Lines in fenced blocks are never table rows.
 */
function findTableRows(lines: string[], fences: readonly FencePosition[]): Set<number> {
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
