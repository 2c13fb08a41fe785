import type { PathRule } from './rule-paths.js'
import { posix } from 'node:path'
import type { Implied } from './implied-paths.js'
import type { ChangeKind, ReferenceKind } from './markdown-pieces.js'

/**
 * Where in a markdown document a token was found. It decides how much evidence the token
 * needs before it counts as a repository path:
 * - `span`: a whole inline code span holding one token (`src/report/`): literal text;
 * - `slot`: a place that holds a path by itself in markdown text: a table cell, the value of
 *   a "Location:" or "Files:" line, the first word of a list item;
 * - `link`: the target of a markdown link, relative to the document's folder;
 * - `code`: a token in a fenced block or in a command written as inline code: literal text;
 * - `prose`: any other text.
 * In `code` and `prose`, only tokens that are clearly paths count (`src/a.ts`, `src/`,
 * `.github/workflows`); `src/report`, `feature/us-065` or `and/or` count only in the first
 * three, where a reader would also take them for paths.
 */
export type MentionContext = 'span' | 'slot' | 'link' | 'code' | 'prose'

export interface Mention {
  text: string
  context: MentionContext
  /** 1-based line in the document (0 when unknown). */
  line?: number
  /**
   * The document states it as what it changes: a Files or Changes section, a labelled line, a
   * list or table of files, a sentence such as "touches `src/report/`", a code block's header.
   */
  stated?: boolean
  /** A negation or a reference: "not moved to `pkg/`", "see `x`", "unlike `y`". */
  negated?: boolean
  /**
   * What the words around it say it is: a change (`create`, `modify`, `delete`), or why it is
   * none (`not`, `see`, `reuse`, `example`, `exists`, `done`: a phase marked landed). Null
   * when nothing says.
   */
  kind?: MentionKind | null
  /** Not a path: a change the line implies (a dependency, a CLI script), see impliedByLine. */
  implied?: Implied | null
  /** Not a path: a rule over files of the tree ("every module in `x/`"), see ruleOfLine. */
  rule?: PathRule | null
}

export type MentionKind = ReferenceKind | ChangeKind

/**
 * Bare file names (no folder) count only with one of these extensions, so that
 * `subprocess.Popen`, `e.g.` or `example.com` are not taken for files.
 */
export const BARE_NAME_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    'ts tsx mts cts js jsx mjs cjs json jsonc json5 py pyi toml md mdx rst txt yml yaml lock ' +
    'cfg ini conf env sh bash zsh ps1 bat go mod sum rs java kt kts scala rb php c h cc cpp hpp ' +
    'cs fs swift sql html htm css scss sass less xml gradle properties vue svelte ipynb proto ' +
    'tf tfvars hcl dart ex exs erl hs lua pl r jl zig graphql gql csv tsv svg png jpg jpeg gif ' +
    'ico webp lockb dockerfile'
  ).split(' ')
)

/** Files that are commonly written without an extension. */
const EXTENSIONLESS_FILES = new Set(
  (
    'Makefile makefile GNUmakefile Dockerfile Containerfile Jenkinsfile Vagrantfile Procfile ' +
    'Gemfile Rakefile Brewfile Justfile justfile Pipfile Caddyfile Earthfile Tiltfile LICENSE ' +
    'LICENCE COPYING NOTICE CODEOWNERS AUTHORS CHANGELOG README OWNERS BUILD WORKSPACE VERSION'
  ).split(' ')
)

/** Product names that look like file names (`Node.js`): never a file of the repository. */
const PRODUCT_NAMES = new Set(
  'node.js vue.js next.js nuxt.js express.js react.js three.js chart.js d3.js socket.io ember.js angular.js deno.js'.split(
    ' '
  )
)

/** First segments that are domain names: `github.com/org/repo` is not a folder here. */
const DOMAIN = /^(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|app|ai|co|gov|edu|info)$/i

const LITERAL_SEGMENT = /^[\p{L}\p{N}_.\-+~@]+$/u
const GLOB_SEGMENT = /^[\p{L}\p{N}_.\-+~@*?[\]{},!]+$/u
const GLOB_CHARS = /[*?[\]{}]/
/** An extension with at least one letter: `a.ts`, `x.tar.gz`, not `v2.0` or `1.2.3`. */
const FILE_NAME = /^[^.].*\.(?=[A-Za-z0-9_+-]*[A-Za-z])([A-Za-z0-9_+-]{1,16})$/
const DOT_NAME = /^\.[\p{L}\p{N}_][\p{L}\p{N}_.-]*$/u
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/
/**
 * Template placeholders, not paths: `POC-{number}-{slug}/`, `REVIEW_[date].md`,
 * `SPEC-<n>-*.md`, `$NAME`. A brace with a comma is a glob alternation (`{a,b}`), and a
 * bracket with one or two characters or a range a character class (`[ab]`, `[0-9]`).
 */
const PLACEHOLDER = /\{[^{},]*\}|\[[A-Za-z_]{3,}\]|<[^<>]*>|\$\{?[A-Za-z_]/

/** True when a path's last segment names a file rather than a folder. */
export function looksLikeFile(segment: string): boolean {
  return FILE_NAME.test(segment) || EXTENSIONLESS_FILES.has(segment)
}

/**
 * The repository path a mention names, in display form (folders end with `/`), or null when
 * it names none. Link targets are resolved against `sourceDir` (the document's folder,
 * `''` at the root); every other mention is read as relative to the repository root.
 */
export function normaliseMention(mention: Mention, sourceDir: string): string | null {
  // In code and prose only folders, paths and globs with a dot count: a plain word never
  // does, and most tokens are plain words.
  const plain = mention.context === 'code' || mention.context === 'prose'
  if (plain && !/[./\\]/.test(mention.text)) return null
  return mention.context === 'link'
    ? normaliseLinkTarget(mention.text, sourceDir)
    : normaliseToken(mention.text, mention.context)
}

function normaliseLinkTarget(target: string, sourceDir: string): string | null {
  let text = target.trim().replace(/^<(.*)>$/, '$1')
  if (!text || text.startsWith('#') || text.startsWith('//') || URL_SCHEME.test(text)) return null
  text = text.replace(/[?#].*$/, '')
  try {
    text = decodeURIComponent(text)
  } catch {
    // a stray % sign: keep the target as written
  }
  // GitHub reads a link starting with / from the repository root.
  const joined = text.startsWith('/') ? text.slice(1) : posix.join(sourceDir || '.', text)
  const path = posix.normalize(joined || '.')
  if (path === '.' || path === './' || path === '..' || path.startsWith('../')) return null
  return checkPath(path, 'link')
}

function normaliseToken(raw: string, context: MentionContext): string | null {
  let text = raw.trim()
  const markdownText = context === 'slot' || context === 'prose'
  if (markdownText) text = text.replace(/\\([!-/:-@[-`{-~])/g, '$1')
  for (let round = 0; round < 3; round += 1) {
    const before = text
    text = stripWrapping(text)
    if (markdownText) text = stripEmphasis(text)
    if (text === before) break
  }
  text = text
    .replace(/#L\d+(?:C\d+)?(?:-L?\d+(?:C\d+)?)?$/, '')
    .replace(/(?<=[^:]):\d+(?::\d+)?(?:-\d+)?$/, '')
  text = backslashesToSlashes(text)
  if (text.startsWith('/')) return null
  text = text
    .replace(/\/{2,}/g, '/')
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/(?:\.\/)+/g, '/')
  return checkPath(text, context)
}

/** Quotes, brackets and punctuation around a token: `("src/a.ts"),` → `src/a.ts`. */
function stripWrapping(text: string): string {
  let result = text
  for (;;) {
    const first = result[0]
    const last = result[result.length - 1]
    if (first && `'"<(`.includes(first)) result = result.slice(1)
    else if (first && '[{'.includes(first) && unbalanced(result, first)) result = result.slice(1)
    else if (last && `'">.,;:!?`.includes(last)) result = result.slice(0, -1)
    else if (last && ')]}'.includes(last) && unbalanced(result, last)) result = result.slice(0, -1)
    else return result
  }
}

const PAIRS: Record<string, [string, string]> = {
  '(': ['(', ')'],
  ')': ['(', ')'],
  '[': ['[', ']'],
  ']': ['[', ']'],
  '{': ['{', '}'],
  '}': ['{', '}']
}

function unbalanced(text: string, bracket: string): boolean {
  const [open, close] = PAIRS[bracket]
  let opened = 0
  let closed = 0
  for (const char of text) {
    if (char === open) opened += 1
    else if (char === close) closed += 1
  }
  return opened !== closed
}

/** `**src/a.ts**` → `src/a.ts`; `__init__.py` and `src/**` stay as they are. */
function stripEmphasis(text: string): string {
  const match = /^(\*{1,3}|_{1,3})(.+)\1$/.exec(text)
  return match && !/[*_]$/.test(match[2]) && !/^[*_]/.test(match[2]) ? match[2] : text
}

/** `src\plan\plan.ts` → `src/plan/plan.ts`, only when every part is a plain name. */
function backslashesToSlashes(text: string): string {
  if (!text.includes('\\') || text.includes('/')) return text
  const parts = text.replace(/\\$/, '').split('\\')
  return parts.every((part) => LITERAL_SEGMENT.test(part)) ? text.replace(/\\/g, '/') : text
}

function checkPath(text: string, context: MentionContext): string | null {
  if (!text || text.length > 300 || /^[~$%!@-]/.test(text)) return null
  if (text.includes(':') || /[^/]@/.test(text)) return null // URLs, drives, e-mail, action@v4
  const folder = text.endsWith('/')
  const body = folder ? text.replace(/\/+$/, '') : text
  if (!body || !/\p{L}/u.test(body)) return null
  const segments = body.split('/')
  // `...origin/` (a range in code), `.`, `..`: never a path inside the repository.
  if (segments.some((segment) => segment === '' || segment.startsWith('..') || segment === '.')) {
    return null
  }
  if (PLACEHOLDER.test(body)) return null
  const display = segments.join('/') + (folder ? '/' : '')
  const last = segments[segments.length - 1]
  const pathContext = context === 'span' || context === 'slot' || context === 'link'
  const hasFolder = segments.length > 1

  if (GLOB_CHARS.test(body)) {
    return validGlob(body, segments, pathContext) ? display : null
  }
  if (!segments.every((segment) => LITERAL_SEGMENT.test(segment))) return null
  if (hasFolder) {
    if (DOMAIN.test(segments[0])) return null
    if (segments.every((segment) => /^[\d.]+$/.test(segment))) return null // 2025/10/20
    // `cli/app.py/Imports` too: a file with a word glued to it (the scope step cuts it).
    const clearlyPath =
      folder || segments.some((segment) => looksLikeFile(segment) || DOT_NAME.test(segment))
    return clearlyPath || pathContext ? display : null
  }
  // A bare name: the repository root's file of that name (see extractTouchedPaths).
  if (folder) return display
  // In running text too (`Create user_listener.py`): the scope step places it in the tree.
  if (PRODUCT_NAMES.has(last.toLowerCase())) return null
  const extension = FILE_NAME.exec(last)?.[1]?.toLowerCase()
  if (extension && BARE_NAME_EXTENSIONS.has(extension)) return display
  if (!pathContext) return null
  return EXTENSIONLESS_FILES.has(last) || DOT_NAME.test(last) ? display : null
}

/**
 * A glob counts when it names something: `src/**\/*.ts` or `*.md`, not `*`, `**kwargs` or
 * `{self.name}`. Outside path places, brackets are code (`files[0]`) and braces must be a
 * real alternation (`{a,b}`).
 */
function validGlob(body: string, segments: string[], pathContext: boolean): boolean {
  if (!segments.every((segment) => GLOB_SEGMENT.test(segment))) return false
  if (segments.length === 1 && !body.includes('.')) return false
  if (unbalanced(body, '[') || unbalanced(body, '{')) return false
  if (!pathContext) {
    if (/[[\]]/.test(body)) return false
    if (/[{}]/.test(body) && !/\{[^{}]*,[^{}]*\}/.test(body)) return false
  }
  return true
}
