import type { TreeListing } from './base-tree.js'
import { extractMentions, folderOf, type PathMention } from './path-extractor.js'
import { manifestFiles, moduleFile, type Implied } from './implied-paths.js'
import { looksLikeFile } from './path-normaliser.js'
import { filesMatching, type SeparationIgnore } from './separation-ignore.js'
import { isSiblingDocument } from './spec-kit.js'
import { expandRule, type PathRule } from './rule-paths.js'

/** The paths one spec touches, each with the lines that name it, and what a reader should know. */
export interface SpecScope {
  /** Path → 1-based lines of the spec naming it, ascending. */
  paths: Map<string, number[]>
  notes: string[]
  /**
   * Paths of the tree the spec names without changing them, each with why: `"<line> (<kind>)"`
   * (`exists`, `reuse`, `example`, `see`, `not`, `done`; see Mention.kind). For plan --explain.
   */
  dropped: Map<string, string[]>
}

const MAX_NAMES_NOTED = 5

/**
 * The scope of one spec, read against the base tree:
 * - what the spec states it changes (a Files or Changes section, a labelled line, a list or
 *   table of files, "touches `x`", a code block's header) counts even when it is new;
 * - a file it only mentions in passing counts when it is anchored in the tree (an existing
 *   file, a new file in an existing folder); a folder or glob only when stated;
 * - negations and references ("not moved to `pkg/`", "see `x`") never count;
 * - a bare name is the one file of that name in the tree, or the one inside a folder the spec
 *   names; a name many folders hold (`index.ts`) resolves only through the spec's folders;
 *   the rest (several candidates, a new file with no folder) is noted, not counted;
 * - a folder counts when the spec names no file inside it, else it is context (noted);
 * - `cli/app.py/Imports` (a heading word glued to a path) is the file `cli/app.py`;
 * - nothing that separation-ignore matches, and nothing outside the repository.
 */
export function scopeOfSpec(
  markdown: string,
  specFile: string,
  tree: TreeListing,
  ignore: SeparationIgnore
): SpecScope {
  const candidates: PathMention[] = []
  const bare: PathMention[] = []
  const negated: PathMention[] = []
  const implied: PathMention[] = []
  const modules: PathMention[] = []
  const rules: PathMention[] = []
  for (const mention of extractMentions(markdown, specFile, { all: true })) {
    if (mention.negated) {
      if (!mention.module && !mention.implied && !mention.rule) negated.push(mention)
    } else if (mention.rule) rules.push(mention)
    else if (mention.implied) implied.push(mention)
    else if (mention.module) modules.push(mention)
    else (mention.path.includes('/') ? candidates : bare).push(mention)
  }

  const stated = new Map<string, number[]>()
  const passing = new Map<string, number[]>()
  const add = (map: Map<string, number[]>, path: string, line: number): void => {
    const lines = map.get(path)
    if (!lines) map.set(path, [line])
    else if (!lines.includes(line)) lines.push(line)
  }
  // "Create the `skills/` folder" when it exists: a destination, where only the new paths the
  // spec names inside it are changes, not every file it holds.
  const destinations = new Set<string>()
  for (const candidate of candidates) {
    const path = anchor(candidate, tree)
    if (path) add(candidate.stated ? stated : passing, path, candidate.line)
    if (path?.endsWith('/') && candidate.kind === 'create') destinations.add(path)
  }
  // "Update all `*_test.go` files under `ledger/`": the files of the tree the rule touches;
  // the folder or glob it names on that line stands for them no more.
  const ruleLines = new Set<number>()
  const ruleNotes: string[] = []
  for (const mention of rules) {
    if (!mention.stated) continue
    const files = expandRule(mention.rule as PathRule, tree)
    if (!files) continue
    ruleLines.add(mention.line)
    ruleNotes.push(`line ${mention.line} touches ${files.length} (${listed(files)})`)
    for (const file of files) add(stated, file, mention.line)
  }
  const byRule = (path: string, lines: readonly number[]): boolean =>
    (path.endsWith('/') || /[*?[\]{}]/.test(path)) && lines.every((line) => ruleLines.has(line))
  // `pkg.mod`, `pkg.mod:main`, `--cov=pkg.mod`: the module's file, when the tree has it.
  for (const module of modules) {
    const file = moduleFile(module.path, tree)
    if (file) add(module.stated ? stated : passing, file, module.line)
  }

  const notes: string[] = []
  if (ruleNotes.length) {
    notes.push(
      `${specFile}: rules expanded against the tree into the files they touch: ${ruleNotes.join('; ')}`
    )
  }
  const named = new Set(
    [...stated.keys(), ...passing.keys()].filter((path) => !ignore.ignores(path, tree))
  )
  const folders = [...named].filter((path) => path.endsWith('/')).map((path) => path.slice(0, -1))
  const fileFolders = [...named].filter((path) => !path.endsWith('/')).map(folderOf)
  const unsettled: string[] = []
  // The folders of the bare names only one file in the tree has (`velocity.py`): they place
  // the names many folders hold (the package's `__init__.py`) when the named folders cannot.
  const placedFolders = bare
    .map((candidate) => tree.filesNamed(candidate.path))
    .filter((matches) => matches.length === 1)
    .map((matches) => folderOf(matches[0]))
  // The folders each line names: "Create `a.py` in `pkg/x/`" places the new `a.py` there.
  const folderLines = new Map<number, string[]>()
  for (const [map, isStated] of [
    [stated, true],
    [passing, false]
  ] as const) {
    for (const [path, at] of map) {
      if (!path.endsWith('/') || (!isStated && !tree.hasFolder(path.slice(0, -1)))) continue
      for (const line of at) folderLines.set(line, [...(folderLines.get(line) ?? []), path])
    }
  }
  let lines: string[] | null = null
  const lineOf = (line: number): string => (lines ??= markdown.split('\n'))[line - 1] ?? ''
  for (const candidate of bare) {
    // `plan.md` in a spec-kit `tasks.md`: the feature's own document, not a file to place.
    if (isSiblingDocument(candidate.path, specFile, tree)) continue
    // `*_test.go` in "all `*_test.go` files under `ledger/`": the rule placed it.
    if (ruleLines.has(candidate.line) && /[*?]/.test(candidate.path)) continue
    const resolved = resolveBareName(candidate, tree, {
      folders,
      fileFolders,
      placedFolders,
      lineOf,
      lineFolders: folderLines.get(candidate.line) ?? []
    })
    if (typeof resolved === 'string') {
      add(candidate.stated ? stated : passing, resolved, candidate.line)
    } else if (resolved) unsettled.push(`${candidate.path} (${resolved.why})`)
  }
  // "Add dependency x", "register a CLI script": the manifest (and lock) of the spec's files.
  if (implied.length) {
    const files = [...stated.keys(), ...passing.keys()]
    for (const mention of implied) {
      for (const file of manifestFiles(mention.implied as Implied, files, tree)) {
        add(stated, file, mention.line)
      }
    }
  }
  if (unsettled.length) {
    notes.push(
      `${specFile}: not counted, cannot be placed in the tree: ${listed([...new Set(unsettled)])}`
    )
  }

  // A folder or glob named only in passing ("the agents in `.claude/`") says little of what
  // changes: it counts when the spec states it ("touches `src/report/`"), else it is context.
  const scope = new Map(stated)
  for (const [path, lines] of stated) if (byRule(path, lines)) scope.delete(path)
  const passingFolders: string[] = []
  for (const [path, lines] of passing) {
    if (byRule(path, lines)) continue
    if (!stated.has(path) && (path.endsWith('/') || /[*?[\]{}]/.test(path))) {
      // What separation-ignore drops anyway (`data/*.db`) is not worth a note.
      if (!ignore.ignores(path, tree)) passingFolders.push(path)
      continue
    }
    for (const line of lines) add(scope, path, line)
  }
  if (passingFolders.length) {
    notes.push(`${specFile}: folders named only in passing, context: ${listed(passingFolders)}`)
  }

  const result = new Map<string, number[]>()
  const ignored: string[] = []
  for (const [path, lines] of scope) {
    if (ignore.ignores(path, tree)) ignored.push(path)
    else result.set(path, lines)
  }
  // A folder of the tree with an ignored path named inside (`skills/x/SKILL.md`) is context
  // too: counting it would count every file it already holds. A new folder stays its scope.
  const context = dropContextFolders(result)
  for (const folder of [...result.keys()]) {
    const existing = folder.endsWith('/') && tree.hasFolder(folder.slice(0, -1))
    if (existing && ignored.some((path) => path !== folder && path.startsWith(folder))) {
      result.delete(folder)
      context.push(folder)
    }
  }
  if (context.length) {
    notes.push(
      `${specFile}: folders taken as context (it names files inside them): ${listed(context)}`
    )
  }
  const existingDestinations = [...destinations].filter(
    (folder) => result.has(folder) && (stated.get(folder) ?? []).length > 0
  )
  if (existingDestinations.length && existingDestinations.length < result.size) {
    for (const folder of existingDestinations) result.delete(folder)
    notes.push(
      `${specFile}: folders it creates already exist, only the new paths named inside count: ${listed(existingDestinations)}`
    )
  }
  if (result.size === 0 && ignored.length) {
    notes.push(
      `${specFile}: every path it names is matched by separation-ignore: ${listed(ignored)}`
    )
  }
  for (const lines of result.values()) lines.sort((a, b) => a - b)
  return { paths: result, notes, dropped: droppedPaths(negated, result, tree) }
}

/** The files and folders of the tree named only as negations or references, with why. */
function droppedPaths(
  negated: readonly PathMention[],
  counted: ReadonlyMap<string, unknown>,
  tree: TreeListing
): Map<string, string[]> {
  const dropped = new Map<string, string[]>()
  for (const mention of negated) {
    const body = mention.path.replace(/\/$/, '')
    const matches = body.includes('/') ? [body] : tree.filesNamed(body)
    const path =
      matches.length !== 1
        ? null
        : tree.hasFile(matches[0])
          ? matches[0]
          : tree.hasFolder(matches[0])
            ? `${matches[0]}/`
            : null
    if (!path || counted.has(path)) continue
    const why = `${mention.line} (${mention.kind ?? 'not'})`
    const lines = dropped.get(path)
    if (!lines) dropped.set(path, [why])
    else if (!lines.includes(why)) lines.push(why)
  }
  return dropped
}

/**
 * A folder is context when paths inside it are named too (files, or the folders below it):
 * those are the scope. Drops such folders from `paths` and returns them. `named`: every path
 * the spec names, when more than `paths` (those separation-ignore drops still count here).
 */
export function dropContextFolders(
  paths: Map<string, unknown>,
  named: readonly string[] = [...paths.keys()]
): string[] {
  const dropped = [...paths.keys()].filter(
    (path) => path.endsWith('/') && named.some((other) => other !== path && other.startsWith(path))
  )
  for (const path of dropped) paths.delete(path)
  return dropped
}

/** The plan path a candidate with a folder stands for, or null when it is not anchored. */
function anchor(candidate: PathMention, tree: TreeListing): string | null {
  const { path, stated } = candidate
  const folder = path.endsWith('/')
  const body = folder ? path.slice(0, -1) : path
  if (/[*?[\]{}]/.test(body)) {
    return stated || filesMatching(path, tree).length > 0 ? path : null
  }
  if (tree.hasFile(body)) return body
  if (tree.hasFolder(body)) return `${body}/`
  // `cli/roadmap_cli.py/Imports`: the file, with a word glued to it.
  const segments = body.split('/')
  for (let end = segments.length - 1; end > 0; end -= 1) {
    const prefix = segments.slice(0, end).join('/')
    if (tree.hasFile(prefix)) return prefix
    if (tree.hasFolder(prefix)) break
  }
  const last = segments[segments.length - 1]
  const fileLike = looksLikeFile(last)
  if (stated) {
    if (folder || fileLike) return path
    // `Folder: src/run` written without the slash, in a place that holds a path, in a folder
    // that exists (so that `Location: N/A` is not a folder).
    if (candidate.context === 'prose' || candidate.context === 'code') return null
    return tree.hasFolder(folderOf(body)) || !body.includes('/') ? path : null
  }
  // A new file counts in passing only inside a folder that exists.
  return fileLike && !folder && tree.hasFolder(folderOf(body)) ? body : null
}

/** Where a bare name is looked for: the spec's folders, and the line that names it. */
interface BareNameContext {
  /** Folders the spec names. */
  folders: readonly string[]
  /** Folders of the files the spec names with their folder. */
  fileFolders: readonly string[]
  /** Folders of the bare names that only one file in the tree has. */
  placedFolders: readonly string[]
  /** The text of a line of the spec (read only for a name many folders hold). */
  lineOf: (line: number) => string
  /** The folders the name's own line names. */
  lineFolders: readonly string[]
}

/**
 * A bare file name's one file, or why it could not be placed (null: nothing to say). Among
 * several files of that name: the one in the folders the spec names, else the one in the
 * folders of the other files it places, else the one whose folder the line names in words
 * ("the server's `index.ts`", "the report module ... `__init__.py`"), nearest the spec's
 * folders when several are.
 */
function resolveBareName(
  candidate: PathMention,
  tree: TreeListing,
  context: BareNameContext
): string | { why: string } | null {
  const name = candidate.path.replace(/\/$/, '')
  if (candidate.path.endsWith('/')) {
    if (tree.hasFolder(name)) return candidate.path
    return candidate.stated ? candidate.path : null
  }
  const matches = tree.filesNamed(name)
  if (matches.length === 1) return matches[0]
  if (matches.length > 1) {
    const { folders, fileFolders, placedFolders } = context
    const within = (file: string, roots: readonly string[]): boolean => {
      const where = folderOf(file)
      return roots.some((root) => where === root || where.startsWith(`${root}/`))
    }
    const inside = matches.filter(
      (file) => within(file, folders) || fileFolders.includes(folderOf(file))
    )
    if (inside.length === 1) return inside[0]
    const placed = matches.filter((file) => placedFolders.includes(folderOf(file)))
    if (inside.length === 0 && placed.length === 1) return placed[0]
    const line = context.lineOf(candidate.line)
    const inWords = namedInWords(inside.length > 1 ? inside : matches, line)
    if (inWords.length === 1) return inWords[0]
    // Several folders named in words: the one holding (or being) a folder of the spec's.
    const specFolders = [...folders, ...fileFolders, ...placedFolders]
    const nearest = inWords.filter((file) => {
      const where = folderOf(file)
      return specFolders.some((root) => root === where || root.startsWith(`${where}/`))
    })
    if (nearest.length === 1) return nearest[0]
    return { why: `${matches.length} files of that name, ${inside.length} in the spec's folders` }
  }
  // A new file with the one folder its line names: "Create `a.py` in `pkg/x/`".
  if (candidate.stated && context.lineFolders.length === 1) {
    return `${context.lineFolders[0]}${name}`
  }
  // A new file written without its folder: where it goes is the agent's choice, not ours.
  return candidate.stated ? { why: 'a new file, no folder given' } : null
}

/** The files whose folder's name (or its singular) is a word of `line`. */
function namedInWords(files: readonly string[], line: string): string[] {
  const words = new Set(line.toLowerCase().match(/[a-z][a-z0-9_-]*/g) ?? [])
  return files.filter((file) => {
    const folder = folderOf(file).split('/').at(-1)?.toLowerCase() ?? ''
    return (
      folder !== '' &&
      (words.has(folder) || (folder.endsWith('s') && words.has(folder.slice(0, -1))))
    )
  })
}

export function listed(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_NAMES_NOTED).join(', ')
  return paths.length > MAX_NAMES_NOTED
    ? `${shown} and ${paths.length - MAX_NAMES_NOTED} more`
    : shown
}
