import {
  globsMeet,
  onlyGlobstars,
  parsePattern,
  sharedPathText,
  type PathPattern
} from './path-pattern.js'

/** Shown as the shared path when a priority's scope is unknown. */
export const UNKNOWN_SCOPE = '(unknown scope)'

export interface TaskScope {
  paths: readonly string[]
  /** No spec, or a spec naming no path: the task overlaps every other one (fail closed). */
  unknown: boolean
}

/** Two tasks (indices, first < second) that touch common paths. */
export interface Overlap {
  first: number
  second: number
  /** Sorted; the more specific path of each meeting pair (see sharedPathText). */
  paths: string[]
}

interface Entry {
  task: number
  pattern: PathPattern
}

/** Members are created when first needed: most nodes are leaves with one literal. */
interface TrieNode {
  id: number
  children: Map<string, TrieNode> | null
  /** Literal paths that end here. */
  literals: Entry[] | null
  /** Globs whose literal head (`src/plan` of `src/plan/**\/*.ts`) ends here. */
  globs: Entry[] | null
}

const NO_ENTRIES: readonly Entry[] = []
const NO_CHILDREN: ReadonlyMap<string, TrieNode> = new Map()

/**
 * Every pair of tasks whose touched paths meet: the same file, a folder and anything under
 * it, a glob and a path it matches, two globs that can match one path. Paths sit in a trie of
 * path segments, so each path is compared only with the paths on its own branch: the work
 * grows with the number of paths and the overlaps found, not with their product.
 * The result is sorted by first, then second.
 */
export function findOverlaps(scopes: readonly TaskScope[]): Overlap[] {
  const count = scopes.length
  const shared = new Map<number, Set<string>>()
  const record = (a: number, b: number, path: string): void => {
    if (a === b) return
    const key = a < b ? a * count + b : b * count + a
    let paths = shared.get(key)
    if (!paths) shared.set(key, (paths = new Set()))
    paths.add(path)
  }

  const trie = new PathTrie()
  const literals: Entry[] = []
  const globs: Entry[] = []
  scopes.forEach((scope, task) => {
    if (scope.unknown) return
    for (const text of new Set(scope.paths)) {
      const entry = { task, pattern: parsePattern(text) }
      trie.add(entry)
      ;(entry.pattern.glob ? globs : literals).push(entry)
    }
  })

  for (const entry of literals) {
    trie.alongPath(entry.pattern, entry.pattern.segments.length, (node) => {
      for (const other of node.literals ?? NO_ENTRIES) {
        if (other.task !== entry.task) {
          record(entry.task, other.task, sharedPathText(entry.pattern, other.pattern))
        }
      }
    })
  }
  for (const entry of globs) {
    trie.literalsMeeting(entry, (other) =>
      record(entry.task, other.task, sharedPathText(entry.pattern, other.pattern))
    )
    trie.alongPath(entry.pattern, entry.pattern.literalDepth, (node) => {
      for (const other of node.globs ?? NO_ENTRIES) {
        if (other.task !== entry.task && globsMeet(entry.pattern, other.pattern)) {
          record(entry.task, other.task, sharedPathText(entry.pattern, other.pattern))
        }
      }
    })
  }
  scopes.forEach((scope, task) => {
    if (!scope.unknown) return
    for (let other = 0; other < count; other += 1) record(task, other, UNKNOWN_SCOPE)
  })

  return [...shared.keys()]
    .sort((a, b) => a - b)
    .map((key) => ({
      first: Math.floor(key / count),
      second: key % count,
      paths: [...(shared.get(key) as Set<string>)].sort()
    }))
}

class PathTrie {
  private nextId = 0
  readonly root: TrieNode = this.node()

  private node(): TrieNode {
    return { id: this.nextId++, children: null, literals: null, globs: null }
  }

  /** A literal at its own node; a glob at the node of its literal head. */
  add(entry: Entry): void {
    const { pattern } = entry
    const depth = pattern.glob ? pattern.literalDepth : pattern.segments.length
    let node = this.root
    for (let index = 0; index < depth; index += 1) {
      const name = (pattern.segments[index] as { text: string }).text
      node.children ??= new Map()
      let child = node.children.get(name)
      if (!child) node.children.set(name, (child = this.node()))
      node = child
    }
    if (pattern.glob) (node.globs ??= []).push(entry)
    else (node.literals ??= []).push(entry)
  }

  /** Calls back for the root and each node along the first `depth` segments of a path. */
  alongPath(pattern: PathPattern, depth: number, visit: (node: TrieNode) => void): void {
    let node: TrieNode | undefined = this.root
    visit(node)
    for (let index = 0; index < depth && node; index += 1) {
      node = node.children?.get((pattern.segments[index] as { text: string }).text)
      if (node) visit(node)
    }
  }

  /** Every literal of another task that a glob meets (see globMeetsLiteral), walking only the branches the glob can reach. */
  literalsMeeting(glob: Entry, found: (literal: Entry) => void): void {
    const { segments, coversFolders } = glob.pattern
    const width = segments.length + 1
    const seen = new Set<number>()
    const coveredSubtrees = new Set<number>()
    const report = (node: TrieNode, literalCounts: (literal: Entry) => boolean): void => {
      for (const literal of node.literals ?? NO_ENTRIES) {
        if (literal.task !== glob.task && literalCounts(literal)) found(literal)
      }
    }
    const reportSubtree = (node: TrieNode): void => {
      if (coveredSubtrees.has(node.id)) return
      coveredSubtrees.add(node.id)
      for (const child of (node.children ?? NO_CHILDREN).values()) {
        report(child, () => true)
        reportSubtree(child)
      }
    }
    const visit = (node: TrieNode, at: number): void => {
      const key = node.id * width + at
      if (seen.has(key)) return
      seen.add(key)
      if (node !== this.root) {
        const complete = at === segments.length || onlyGlobstars(segments, at)
        // A literal that may be a folder can hold a match of the rest of the glob.
        report(node, (literal) => complete || !literal.pattern.file)
      }
      if (at === segments.length) {
        if (coversFolders) reportSubtree(node)
        return
      }
      const segment = segments[at]
      if (segment.kind === 'globstar') {
        visit(node, at + 1)
        for (const child of (node.children ?? NO_CHILDREN).values()) visit(child, at)
      } else if (segment.kind === 'literal') {
        const child = node.children?.get(segment.text)
        if (child) visit(child, at + 1)
      } else {
        for (const [name, child] of node.children ?? NO_CHILDREN) {
          if (segment.matches(name)) visit(child, at + 1)
        }
      }
    }
    visit(this.root, 0)
  }
}
