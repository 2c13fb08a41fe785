import picomatch from 'picomatch/posix.js'
import type { TreeListing } from './base-tree.js'
import { parsePattern } from './path-pattern.js'

export { DEFAULT_SEPARATION_IGNORE } from '../core/separation-ignore-defaults.js'

/** Answers whether a path of a plan (a file, a folder ending in `/`, a glob) is ignored. */
export class SeparationIgnore {
  private readonly ignored: (path: string) => boolean
  private readonly kept: (path: string) => boolean
  /** Answers by tree and path: every spec of a plan asks about the same paths again. */
  private readonly answers = new WeakMap<TreeListing, Map<string, boolean>>()

  constructor(
    globs: readonly string[],
    /** Bookkeeping that is always ignored: the ROADMAP, spec files, the specs folder. */
    private readonly always: (path: string) => boolean = () => false
  ) {
    const positive = globs.filter((glob) => !glob.startsWith('!'))
    const negative = globs.filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1))
    // dot: `**/*.md` also covers `.claude/CLAUDE.md`.
    this.ignored = positive.length ? picomatch(positive, { dot: true }) : () => false
    this.kept = negative.length ? picomatch(negative, { dot: true }) : () => false
  }

  /** A file path (or a folder's own path without `/`). */
  ignoresFile(path: string): boolean {
    return this.always(path) || (this.ignored(path) && !this.kept(path))
  }

  /**
   * A plan path: a file as above; a folder or glob when the list ignores everything it
   * stands for: the files of the tree it covers, all ignored (at least one), or, when it
   * covers none yet, a file inside it (`docs/` under `docs/**`).
   */
  ignores(path: string, tree: TreeListing): boolean {
    let answers = this.answers.get(tree)
    if (!answers) this.answers.set(tree, (answers = new Map<string, boolean>()))
    let answer = answers.get(path)
    if (answer === undefined) answers.set(path, (answer = this.decide(path, tree)))
    return answer
  }

  private decide(path: string, tree: TreeListing): boolean {
    const pattern = parsePattern(path)
    if (!pattern.glob && pattern.file && !path.endsWith('/')) return this.ignoresFile(path)
    const bare = path.replace(/\/$/, '')
    const covered = pattern.glob ? filesMatching(path, tree) : tree.filesUnder(bare)
    if (covered.length > 0) return covered.every((file) => this.ignoresFile(file))
    if (pattern.glob) return this.ignoresFile(path.replace(/\*\*?|\?|\[[^\]]*\]|\{[^}]*\}/g, 'x'))
    return this.ignoresFile(bare) || this.ignoresFile(`${bare}/x`)
  }
}

/** The files of the tree a glob matches, looking only under its literal head. */
export function filesMatching(glob: string, tree: TreeListing): string[] {
  const pattern = parsePattern(glob)
  const head = pattern.segments
    .slice(0, pattern.literalDepth)
    .map((segment) => (segment as { text: string }).text)
    .join('/')
  if (head && !tree.hasFolder(head)) return []
  const matches = matcherOf(glob)
  return tree.filesUnder(head).filter((file) => matches(file))
}

/** Compiling a glob costs far more than matching it, and plans ask about the same globs. */
const matchers = new Map<string, (path: string) => boolean>()
const MAX_MATCHERS = 10_000

function matcherOf(glob: string): (path: string) => boolean {
  let matcher = matchers.get(glob)
  if (!matcher) {
    if (matchers.size >= MAX_MATCHERS) matchers.clear()
    matcher = picomatch(glob.replace(/\/$/, '/**'), { dot: true })
    matchers.set(glob, matcher)
  }
  return matcher
}
