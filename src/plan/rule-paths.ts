import type { TreeListing } from './base-tree.js'
import { filesMatching } from './separation-ignore.js'

/**
 * A rule a spec states instead of listing files: a quantifier (every, each, all), a kind of
 * file or folder, and where ("rename every hyphenated skill folder", "update all `*_test.go`
 * files under `ledger/`", "every module in `forge/notify/`"). Expanded against the base tree
 * into the files it touches (see expandRule): a rule is general, so it is read only in that
 * shape, never guessed from a noun alone.
 */
export interface PathRule {
  /** The folders and globs the line names, as written (`ledger/`, `internal/**\/*.go`). */
  places: string[]
  /** "every skill folder": the name of the folders that hold them (`skill`), else null. */
  folderNoun: string | null
  kind: RuleKind
  /** For `folders`: what their names look like ("hyphenated"), else null. */
  shape: 'hyphen' | 'underscore' | null
  /** The line says to change them (a verb of change), not only to read or follow them. */
  changes: boolean
}

/**
 * What a rule touches: files whose name matches a glob (`*_test.go`), tests, one language's
 * files, source modules, any file, or the folders themselves (every file inside each).
 */
export type RuleKind =
  | { of: 'name'; glob: string }
  | { of: 'tests' }
  | { of: 'extensions'; extensions: string[] }
  | { of: 'source' }
  | { of: 'files' }
  | { of: 'folders' }

/** Past this many files a rule stays the folder or glob it names (the overlap reads those). */
export const MAX_RULE_FILES = 200

const QUANTIFIER = /\b(?:every|each|all)\b/i
const CLAUSE_END = /[.;!?](?:\s|$)|:\s/
/** Words between the quantifier and the kind: "all the existing", "every other". */
const FILLER = new Set(
  'the of existing current remaining other our its their these those'.split(' ')
)
const PREPOSITIONS = new Set(
  'in under inside within below beneath across throughout from at of'.split(' ')
)
const LANGUAGES: Record<string, string[]> = {
  python: ['py'],
  go: ['go'],
  golang: ['go'],
  typescript: ['ts', 'tsx', 'mts', 'cts'],
  ts: ['ts', 'tsx', 'mts', 'cts'],
  javascript: ['js', 'jsx', 'mjs', 'cjs'],
  js: ['js', 'jsx', 'mjs', 'cjs'],
  rust: ['rs'],
  ruby: ['rb'],
  java: ['java'],
  kotlin: ['kt', 'kts'],
  markdown: ['md', 'mdx'],
  yaml: ['yml', 'yaml'],
  json: ['json'],
  sql: ['sql'],
  shell: ['sh', 'bash'],
  css: ['css', 'scss'],
  html: ['html', 'htm']
}
/** Nouns that name source files of a folder ("every handler in `api/`"). */
const SOURCE_NOUNS = new Set(
  (
    'module source handler service command controller view route model component plugin ' +
    'provider adapter listener worker job page script resolver client endpoint middleware ' +
    'repository store migration schema serializer validator task hook reducer screen widget'
  ).split(' ')
)
const SOURCE_EXTENSIONS = new Set(
  (
    'py pyi ts tsx mts cts js jsx mjs cjs go rs rb java kt kts scala cs fs swift php c h cc ' +
    'cpp hpp m mm dart ex exs erl hs lua pl r jl zig vue svelte sql'
  ).split(' ')
)
const TEST_FILE =
  /(?:^test_.+|.+_test\.\w+$|.+_spec\.\w+$|.+\.(?:test|spec)\.\w+$|^Test.+\.\w+$|.+Tests?\.\w+$)/
/** A verb of change, in any of its forms: the rule is to apply, not only to read. */
const CHANGE_VERB = new RegExp(
  `\\b(?:${(
    'rename update change migrate convert move add replace refactor modify edit fix remove ' +
    'delete drop port wrap annotate format reformat rewrite switch extend adapt adjust bump ' +
    'upgrade touch patch regenerate instrument split merge get must should need now'
  )
    .split(' ')
    .map((verb) => `${verb.replace(/e$/, '')}(?:e|es|s|d|ed|ing|ted|ting|ped|ping|ged|ging)?`)
    .join('|')})\\b`,
  'i'
)
/** Before the quantifier: the rule is not one to apply ("not every", "like all the other"). */
const NOT_A_RULE =
  /\b(?:no|not|never|without|don'?t|doesn'?t|avoid|except|unlike|like|as in|same as|similar to|instead of|keep|leave)\b[^.;]*$/i

/** The rule one line of a spec states, or null (most lines: no quantifier, or no place). */
export function ruleOfLine(line: string): PathRule | null {
  const quantifier = QUANTIFIER.exec(line)
  if (!quantifier) return null
  const before = line.slice(0, quantifier.index)
  if (NOT_A_RULE.test(before)) return null
  const after = line.slice(quantifier.index + quantifier[0].length)
  const end = CLAUSE_END.exec(after)
  const clause = end ? after.slice(0, end.index) : after
  const tokens = clause.split(/\s+/).filter(Boolean)
  const places: string[] = []
  let nameGlob: string | null = null
  const words: string[] = []
  let inPlace = false
  for (const raw of tokens) {
    const token = raw.replace(/^[`'"(]+|[`'",)]+$/g, '').replace(/^(\*\*|__)(.+)\1$/, '$2')
    const word = token.toLowerCase()
    if (/[/]/.test(token) && /^[\w.@*?{}[\]/-]+$/.test(token)) {
      places.push(token)
      continue
    }
    if (/[*?]/.test(token) && /^[\w.*?{}[\]-]+$/.test(token) && token.includes('.')) {
      nameGlob ??= token
      continue
    }
    if (PREPOSITIONS.has(word)) inPlace = true
    // The kind is named before the place: "every module in `x/`", not the words after it.
    if (!inPlace && /^[a-z][\w-]*$/i.test(token)) words.push(word)
  }
  const kind =
    kindOf(words, nameGlob) ??
    (places.some((place) => /[*?]/.test(place)) ? ({ of: 'files' } as const) : null)
  if (!kind) return null
  const folderNoun =
    kind.of === 'folders'
      ? (words[
          words.findIndex((word) => /^(?:folders?|director(?:y|ies)|dirs?|packages?)$/.test(word)) -
            1
        ] ?? null)
      : null
  const noun = folderNoun && !SHAPES.has(folderNoun) && !FILLER.has(folderNoun) ? folderNoun : null
  // A name glob alone ("all `*.py` files") says where only with the line before: no rule.
  if (places.length === 0 && !noun) return null
  return {
    places,
    folderNoun: noun,
    kind,
    shape: shapeOf(words),
    changes: CHANGE_VERB.test(line)
  }
}

const SHAPES = new Set(['hyphenated', 'kebab-case', 'kebab', 'dashed', 'snake_case', 'underscored'])

function shapeOf(words: readonly string[]): PathRule['shape'] {
  if (words.some((word) => /^(?:hyphenated|kebab(?:-case)?|dashed)$/.test(word))) return 'hyphen'
  if (words.some((word) => /^(?:snake_case|underscored)$/.test(word))) return 'underscore'
  return null
}

/** The kind the words after the quantifier name: the first few words only, fillers skipped. */
function kindOf(words: readonly string[], nameGlob: string | null): RuleKind | null {
  const head = words.filter((word) => !FILLER.has(word)).slice(0, 4)
  if (head.some((word) => /^(?:folders?|director(?:y|ies)|dirs?|packages?)$/.test(word))) {
    return { of: 'folders' }
  }
  if (nameGlob) return { of: 'name', glob: nameGlob }
  if (head.some((word) => /^(?:tests?|test-files?)$/.test(word))) return { of: 'tests' }
  const language = head.find((word) => word in LANGUAGES)
  if (language && head.some((word) => /^(?:files?|modules?|sources?)$/.test(word))) {
    return { of: 'extensions', extensions: LANGUAGES[language] }
  }
  const singular = (word: string): string => word.replace(/(?:e?s)$/, '')
  if (
    head.some(
      (word) =>
        SOURCE_NOUNS.has(word) ||
        SOURCE_NOUNS.has(singular(word)) ||
        SOURCE_NOUNS.has(word.replace(/s$/, ''))
    )
  ) {
    return { of: 'source' }
  }
  if (head.some((word) => /^files?$/.test(word))) return { of: 'files' }
  return null
}

/**
 * The files of the tree a rule touches, sorted; null when it names no place the tree has, or
 * touches more than MAX_RULE_FILES (then the folder or glob it names stands for it).
 */
export function expandRule(rule: PathRule, tree: TreeListing): string[] | null {
  const folders: string[] = []
  const files = new Set<string>()
  for (const place of rule.places) {
    const body = place.replace(/\/+$/, '')
    if (/[*?[\]{}]/.test(body)) {
      for (const file of filesMatching(place, tree)) files.add(file)
    } else if (tree.hasFolder(body)) folders.push(body)
  }
  if (rule.places.length === 0 && rule.folderNoun)
    folders.push(...foldersNamed(rule.folderNoun, tree))
  if (folders.length === 0 && files.size === 0) return null
  const { kind } = rule
  const keep = (file: string): boolean => {
    const name = file.slice(file.lastIndexOf('/') + 1)
    const extension = /\.(\w+)$/.exec(name)?.[1]?.toLowerCase() ?? ''
    switch (kind.of) {
      case 'name':
        return globToRegExp(kind.glob).test(name)
      case 'tests':
        return TEST_FILE.test(name)
      case 'extensions':
        return kind.extensions.includes(extension)
      case 'source':
        return SOURCE_EXTENSIONS.has(extension) && name !== '__init__.py' && !TEST_FILE.test(name)
      default:
        return true
    }
  }
  const found = [...files].filter(keep)
  for (const folder of folders) {
    if (kind.of === 'folders') {
      for (const child of childFolders(folder, tree)) {
        const name = child.slice(child.lastIndexOf('/') + 1)
        if (rule.shape === 'hyphen' && !name.includes('-')) continue
        if (rule.shape === 'underscore' && !name.includes('_')) continue
        found.push(...tree.filesUnder(child))
      }
    } else found.push(...tree.filesUnder(folder).filter(keep))
  }
  const unique = [...new Set(found)].sort()
  return unique.length === 0 || unique.length > MAX_RULE_FILES ? null : unique
}

/** Folders whose name is the noun or its plural (`skill` → `.claude/skills`). */
function foldersNamed(noun: string, tree: TreeListing): string[] {
  const names = new Set([noun, `${noun}s`, `${noun}es`, noun.replace(/s$/, '')])
  const found = new Set<string>()
  for (const file of tree.files()) {
    const segments = file.split('/')
    for (let index = 0; index < segments.length - 1; index += 1) {
      if (names.has(segments[index].toLowerCase())) {
        found.add(segments.slice(0, index + 1).join('/'))
      }
    }
  }
  return [...found]
}

/** The folders directly inside a folder. */
function childFolders(folder: string, tree: TreeListing): string[] {
  const prefix = folder ? `${folder}/` : ''
  const children = new Set<string>()
  for (const file of tree.filesUnder(folder)) {
    const rest = file.slice(prefix.length)
    const slash = rest.indexOf('/')
    if (slash > 0) children.add(`${prefix}${rest.slice(0, slash)}`)
  }
  return [...children]
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
  return new RegExp(`^${body}$`)
}
