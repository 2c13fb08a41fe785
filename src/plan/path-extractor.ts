import { posix } from 'node:path'
import { scanMarkdown } from './markdown-mentions.js'
import { isTableName, modulePath, type Implied } from './implied-paths.js'
import type { PathRule } from './rule-paths.js'
import {
  BARE_NAME_EXTENSIONS,
  normaliseMention,
  type Mention,
  type MentionContext,
  type MentionKind
} from './path-normaliser.js'

/** Link targets that are documents to read: `[US-108](../../roadmap/ROADMAP.md#us-108)`. */
const DOCUMENT_LINK = /\.(?:md|markdown|mdx|rst|adoc)$/i

/** The folder of a repository file, `''` at the root. */
export function folderOf(path: string): string {
  const folder = posix.dirname(path)
  return folder === '.' ? '' : folder
}

/** A path a document names, where, and how (see scanMarkdown). */
export interface PathMention {
  path: string
  /** 1-based line. */
  line: number
  /** The document states it as changed (see Mention.stated). */
  stated: boolean
  context: MentionContext
  /** What the words around it say (see Mention.kind). */
  kind: MentionKind | null
  /** A negation or a reference: not a change (listed only with `all`). */
  negated: boolean
  /** `path` is a dotted module's (`pkg/mod` of `pkg.mod`), to be found in the tree. */
  module: boolean
  /** Not a path: a change the line implies (a dependency, a CLI script); `path` is ''. */
  implied: Implied | null
  /** Not a path: a rule over files of the tree (see ruleOfLine); `path` is ''. */
  rule: PathRule | null
}

/**
 * The repository paths a markdown document names (files, folders ending in `/`, globs, bare
 * names), as written, before they are placed in the tree (see scopeOfSpec):
 * - negations and references ("not in `x`", "see `y`", a Non-goals section) are left out
 *   (listed, `negated`, with `all`: to say why they were not counted);
 * - a markdown link to a document (`.md`, `.rst`, ...) is a cross-reference, not an edit;
 *   the same path written out in code, a list or a table still counts;
 * - link targets are resolved from the document's folder (`/x` from the repository root);
 *   everything else is read from the repository root.
 */
export function extractMentions(
  markdown: string,
  documentPath: string,
  options: { all?: boolean } = {}
): PathMention[] {
  const documentFolder = folderOf(documentPath)
  const found: PathMention[] = []
  for (const mention of scanMarkdown(markdown)) {
    if (mention.negated && !options.all) continue
    if (mention.rule) {
      found.push(pathMention(mention, '', false, null, mention.rule))
      continue
    }
    if (mention.implied) {
      found.push(pathMention(mention, '', false, mention.implied))
      continue
    }
    if (mention.text.includes('[') && isTableName(mention.text)) continue
    const module =
      mention.context !== 'link' && mention.text.includes('.') && !mention.text.includes('/')
        ? modulePath(mention.text, BARE_NAME_EXTENSIONS)
        : null
    if (module) found.push(pathMention(mention, module, true, null))
    const path = normaliseMention(mention, documentFolder)
    if (!path) continue
    if (mention.context === 'link' && DOCUMENT_LINK.test(path)) continue
    found.push(pathMention(mention, path, false, null))
  }
  return found
}

/** One shape for every mention (path, module, implied): mixed shapes are slow at scale. */
function pathMention(
  mention: Mention,
  path: string,
  module: boolean,
  implied: Implied | null,
  rule: PathRule | null = null
): PathMention {
  return {
    path,
    line: mention.line ?? 0,
    stated: Boolean(mention.stated),
    context: mention.context,
    kind: mention.kind ?? null,
    negated: Boolean(mention.negated),
    module,
    implied,
    rule
  }
}

/** The distinct paths of extractMentions, in the order first seen. */
export function extractPaths(markdown: string, documentPath: string): string[] {
  const found = new Set(
    extractMentions(markdown, documentPath)
      .filter((mention) => !mention.module && !mention.implied && !mention.rule)
      .map((mention) => mention.path)
  )
  // `src/report` and `src/report/` name the same folder: keep the explicit one.
  return [...found].filter((path) => path.endsWith('/') || !found.has(`${path}/`))
}
