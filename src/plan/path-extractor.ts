import { posix } from 'node:path'
import { scanMarkdown } from './markdown-mentions.js'
import { normaliseMention } from './path-normaliser.js'

/** Link targets that are documents to read: `[US-108](../../roadmap/ROADMAP.md#us-108)`. */
const DOCUMENT_LINK = /\.(?:md|markdown|mdx|rst|adoc)$/i

/** The folder of a repository file, `''` at the root. */
export function folderOf(path: string): string {
  const folder = posix.dirname(path)
  return folder === '.' ? '' : folder
}

/**
 * The repository paths a markdown document names (files, folders ending in `/`, globs), in
 * the order first seen, each once.
 *
 * Rules worth knowing:
 * - A bare file name (`package.json`, `__init__.py`) is read as that file at the repository
 *   root, as a reader at the root would. So it overlaps only the same bare name (or a root
 *   glob such as `*.json`), never `src/app/__init__.py`: the first implementation's false
 *   conflicts came from matching bare names anywhere.
 * - A markdown link to a document (`.md`, `.rst`, ...) is a cross-reference, not an edit;
 *   the same path written out in code, a list or a table still counts.
 * - Link targets are resolved from the document's folder (`/x` from the repository root);
 *   everything else is read from the repository root.
 */
export function extractPaths(markdown: string, documentPath: string): string[] {
  const documentFolder = folderOf(documentPath)
  const found = new Set<string>()
  for (const mention of scanMarkdown(markdown)) {
    const path = normaliseMention(mention, documentFolder)
    if (!path) continue
    if (mention.context === 'link' && DOCUMENT_LINK.test(path)) continue
    found.add(path)
  }
  // `src/report` and `src/report/` name the same folder: keep the explicit one.
  return [...found].filter((path) => path.endsWith('/') || !found.has(`${path}/`))
}
