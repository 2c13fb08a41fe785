import { availableParallelism } from 'node:os'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { describeConflict, mergeTrees, type ConflictNote } from './merge-tree.js'

export interface ForecastRequest {
  branch: string
  priority: number
  ref?: string
}

/** How one branch would merge into base's current tip. */
export interface BranchForecast {
  branch: string
  priority: number
  tip: string | null
  outcome: 'clean' | 'conflict' | 'already-merged' | 'error'
  conflictFiles: string[]
  conflicts: ConflictNote[]
  error: string | null
}

/** Two branches whose tips conflict with each other (whatever order they merge in). */
export interface PairForecast {
  a: { branch: string; priority: number }
  b: { branch: string; priority: number }
  conflictFiles: string[]
}

export interface MergeForecast {
  baseBranch: string
  baseTip: string
  branches: BranchForecast[]
  conflictingPairs: PairForecast[]
  /** Pairs merged with merge-tree. */
  pairsChecked: number
  /** Pairs that cannot conflict: disjoint paths and folders, and no deletion on either side. */
  pairsDisjoint: number
  /** Pairs left unchecked past maxPairChecks (their conflicts, if any, show at merge time). */
  pairsUnchecked: number
}

export interface ForecastOptions {
  /**
   * At most this many pairwise merge-trees (3 ms each on a 5,000-file repository). The contract
   * allows 256 priorities, 32,640 pairs: the path prefilter keeps the real count near the
   * number of pairs that touch the same files, and this bound keeps a pathological run (every
   * branch deleting files) to a few seconds.
   */
  maxPairChecks?: number
  /** merge-trees run at once. */
  concurrency?: number
}

const DEFAULT_MAX_PAIR_CHECKS = 1000

/**
 * The merge preflight: each branch against base's tip (merge-tree, objects only, nothing
 * moves), then the pairs of mergeable branches that could conflict with each other.
 */
export async function forecastMerges(
  git: GitCommandManager,
  baseBranch: string,
  requests: readonly ForecastRequest[],
  options: ForecastOptions = {}
): Promise<MergeForecast> {
  const baseRef = `refs/heads/${baseBranch}`
  const refs = requests.map((request) => request.ref ?? `refs/heads/${request.branch}`)
  const [baseTip, baseTree, ...tips] = await resolveAll(git, [
    `${baseRef}^{commit}`,
    `${baseRef}^{tree}`,
    ...refs.map((ref) => `${ref}^{commit}`)
  ])
  if (!baseTip || !baseTree) throw new Error(`${baseRef} does not name a commit`)
  const concurrency = options.concurrency ?? Math.max(1, availableParallelism())
  const branches = await mapPool(requests, concurrency, (request, index) =>
    forecastBranch(git, { tip: baseTip, tree: baseTree }, request, refs[index], tips[index])
  )

  const candidates = branches.filter((b) => b.outcome === 'clean' || b.outcome === 'conflict')
  const changes = await mapPool(candidates, concurrency, (b) => changedPaths(git, baseTip, b.tip!))
  const pairs: [number, number][] = []
  let pairsDisjoint = 0
  for (let i = 0; i < candidates.length; i++) {
    for (let j = i + 1; j < candidates.length; j++) {
      if (mayConflict(changes[i], changes[j])) pairs.push([i, j])
      else pairsDisjoint++
    }
  }
  const limit = options.maxPairChecks ?? DEFAULT_MAX_PAIR_CHECKS
  const checked = pairs.slice(0, limit)
  const results = await mapPool(checked, concurrency, async ([i, j]) => {
    const merged = await mergeTrees(git, candidates[i].tip!, candidates[j].tip!).catch(() => null)
    return merged && !merged.clean ? merged.conflictFiles : null
  })
  const conflictingPairs: PairForecast[] = []
  checked.forEach(([i, j], k) => {
    const files = results[k]
    if (!files) return
    const side = (b: BranchForecast): PairForecast['a'] => ({
      branch: b.branch,
      priority: b.priority
    })
    conflictingPairs.push({ a: side(candidates[i]), b: side(candidates[j]), conflictFiles: files })
  })
  return {
    baseBranch,
    baseTip,
    branches,
    conflictingPairs,
    pairsChecked: checked.length,
    pairsDisjoint,
    pairsUnchecked: pairs.length - checked.length
  }
}

async function forecastBranch(
  git: GitCommandManager,
  base: { tip: string; tree: string },
  request: ForecastRequest,
  ref: string,
  tip: string | null
): Promise<BranchForecast> {
  const forecast: BranchForecast = {
    branch: request.branch,
    priority: request.priority,
    tip,
    outcome: 'error',
    conflictFiles: [],
    conflicts: [],
    error: null
  }
  if (!tip) return { ...forecast, error: `${ref} does not name a commit` }
  try {
    const merged = await mergeTrees(git, base.tip, tip)
    // Base's own tree back means nothing to add; only then is ancestry worth a call.
    if (merged.clean && merged.tree === base.tree && (await git.isAncestor(tip, base.tip))) {
      return { ...forecast, outcome: 'already-merged' }
    }
    return {
      ...forecast,
      outcome: merged.clean ? 'clean' : 'conflict',
      conflictFiles: merged.conflictFiles,
      conflicts: merged.conflicts
    }
  } catch (error) {
    return { ...forecast, error: (error as Error).message }
  }
}

/** Object ids of many names in one call (`cat-file --batch-check`); null for a missing one. */
async function resolveAll(git: GitCommandManager, names: string[]): Promise<(string | null)[]> {
  const { stdout } = await git.exec(['cat-file', '--batch-check=%(objectname)'], {
    input: names.map((name) => `${name}\n`).join('')
  })
  const lines = stdout.split('\n')
  return names.map((_, index) => {
    const line = lines[index] ?? ''
    return /^[0-9a-f]{40,64}$/.test(line) ? line : null
  })
}

/** What a branch changed since it left base's history. */
interface BranchChanges {
  paths: Set<string>
  /** Every folder above a changed path. */
  folders: Set<string>
  /** Deletions (and type changes) make renames possible, which can meet any path. */
  deletes: boolean
}

async function changedPaths(
  git: GitCommandManager,
  baseTip: string,
  tip: string
): Promise<BranchChanges> {
  const out = await git.run(['diff', '--name-status', '--no-renames', '-z', `${baseTip}...${tip}`])
  const fields = out.split('\0')
  const changes: BranchChanges = { paths: new Set(), folders: new Set(), deletes: false }
  for (let k = 0; k + 1 < fields.length; k += 2) {
    const [status, path] = [fields[k], fields[k + 1]]
    if (status === 'D' || status === 'T') changes.deletes = true
    changes.paths.add(path)
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      changes.folders.add(path.slice(0, slash))
    }
  }
  return changes
}

/**
 * False only when two branches cannot conflict: a conflict needs a path both change, a file
 * one side has where the other has a folder, or a rename (which needs a deletion) that
 * could carry one side's change onto the other's paths.
 */
function mayConflict(a: BranchChanges, b: BranchChanges): boolean {
  if (a.deletes || b.deletes) return true
  for (const path of a.paths) if (b.paths.has(path) || b.folders.has(path)) return true
  for (const path of b.paths) if (a.folders.has(path)) return true
  return false
}

/** Maps with at most `limit` calls in flight; results in input order. */
async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index], index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** The forecast as lines for a log group or a report. */
export function describeForecast(forecast: MergeForecast): string[] {
  const lines = forecast.branches.map((b) => {
    const head = `PRIORITY ${b.priority} (${b.branch}):`
    if (b.outcome === 'clean') return `${head} merges cleanly`
    if (b.outcome === 'already-merged') return `${head} already in ${forecast.baseBranch}`
    if (b.outcome === 'conflict')
      return `${head} conflicts with ${forecast.baseBranch} in ${describeConflict(b)}`
    return `${head} cannot be checked: ${b.error}`
  })
  for (const pair of forecast.conflictingPairs) {
    lines.push(
      `PRIORITY ${pair.a.priority} and PRIORITY ${pair.b.priority} conflict with each other in ${pair.conflictFiles.join(', ')}: whichever merges second is likely to conflict`
    )
  }
  if (forecast.pairsUnchecked) {
    lines.push(`${forecast.pairsUnchecked} pairs of branches were not checked against each other`)
  }
  return lines
}
