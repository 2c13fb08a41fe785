import type { GitCommandManager } from '../git/git-command-manager.js'
import { someOf } from '../core/some-of.js'

/** One informational record of merge-tree: what kind of conflict, on which paths. */
export interface ConflictNote {
  /** merge-tree's stable short type: `CONFLICT (contents)`, `CONFLICT (modify/delete)`, ... */
  type: string
  paths: string[]
  message: string
}

export interface TreeMerge {
  /** True exactly when merge-tree exited 0: never judged from the tree's contents. */
  clean: boolean
  /** The merged tree (with conflict markers in it when not clean: never committed then). */
  tree: string
  /** Every path with a conflict: content, modify/delete, binary, rename, file/directory... */
  conflictFiles: string[]
  /** The CONFLICT records only (the "Auto-merging" notes are dropped). */
  conflicts: ConflictNote[]
}

/**
 * Merges two commits in the object store (git >= 2.38): no index, no working tree, no
 * MERGE_HEAD. Exit 0 is clean, 1 is conflicted; anything else (unrelated histories, a
 * missing object) throws.
 */
export async function mergeTrees(
  git: GitCommandManager,
  ours: string,
  theirs: string
): Promise<TreeMerge> {
  const { output, clean } = await git.mergeTree(ours, theirs)
  return parseMergeTree(output, clean)
}

/**
 * The merge commit of a tree merge-tree made: parents `ours` then `theirs` (a `--no-ff`
 * merge), made in the object store only; no ref moves.
 */
export async function commitMergedTree(
  git: GitCommandManager,
  tree: string,
  ours: string,
  theirs: string,
  message: string
): Promise<string> {
  return git.commitTree(tree, [ours, theirs], message)
}

/**
 * Reads `merge-tree --write-tree --name-only -z` output (git-merge-tree(1), OUTPUT):
 * `<tree> NUL`, then the conflicted paths each followed by NUL, then one empty field (a NUL)
 * that opens the messages, each `<n> NUL <path>{n, NUL-ended} <type> NUL <message> NUL`.
 * Messages come by default only with conflicts, so a clean merge prints `<tree> NUL`.
 */
export function parseMergeTree(output: string, clean: boolean): TreeMerge {
  const fields = new FieldReader(output)
  const tree = fields.next() ?? ''
  if (!/^[0-9a-f]{40,64}$/.test(tree)) {
    throw new Error(`merge-tree printed no tree id: "${output.slice(0, 80)}"`)
  }
  const conflictFiles: string[] = []
  for (let field = fields.next(); field; field = fields.next()) conflictFiles.push(field)

  const conflicts: ConflictNote[] = []
  while (!fields.done()) {
    const count = Number(fields.next())
    if (!Number.isInteger(count) || count < 0) break // a format we do not know: keep the paths
    const paths: string[] = []
    for (let i = 0; i < count; i++) paths.push(fields.next() ?? '')
    const type = fields.next() ?? ''
    const message = (fields.next() ?? '').trim()
    if (type.startsWith('CONFLICT')) conflicts.push({ type, paths, message })
  }
  // A conflict that left no higher stage still names its paths in a CONFLICT record.
  if (!clean && conflictFiles.length === 0) {
    for (const note of conflicts) conflictFiles.push(...note.paths)
  }
  return { clean, tree, conflictFiles: [...new Set(conflictFiles)], conflicts }
}

/** NUL-separated fields, read one at a time; the final NUL ends the last field. */
class FieldReader {
  private position = 0

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.position >= this.text.length
  }

  next(): string | null {
    if (this.done()) return null
    const end = this.text.indexOf('\0', this.position)
    const stop = end === -1 ? this.text.length : end
    const field = this.text.slice(this.position, stop)
    this.position = stop + 1
    return field
  }
}

/** A short human text for a conflict: the files, and the kinds that are not plain content. */
export function describeConflict(merge: Pick<TreeMerge, 'conflictFiles' | 'conflicts'>): string {
  // `CONFLICT (contents)` → `contents`: the parentheses are added once, below.
  const kinds = [
    ...new Set(
      merge.conflicts.map((note) => note.type.replace(/^CONFLICT\s*\(?\s*|\s*\)\s*$/g, ''))
    )
  ]
  const files = someOf(merge.conflictFiles) || '(paths not named by git)'
  return kinds.length ? `${files} (${kinds.join(', ')})` : files
}
