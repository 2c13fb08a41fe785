/**
 * The separation corpus: small fake repositories (a base tree listed in `tree.txt`, a ROADMAP
 * and specs written in several styles), each with `truth.json`: the files each priority truly
 * touches (source files: documents and runtime data are out of the separation's reach by
 * design) and its true spec files. measureCorpus plans each repository and compares:
 * - precision: of the pairs the plan flags as overlapping, those that truly share a file;
 * - recall: of the pairs that truly share a file that one of their specs names, those flagged
 *   (`recall`), and of all the pairs that truly share a file, hub files no spec names
 *   included (`recall_all`);
 * - unresolved: the priorities whose scope the plan does not know (each waits for all others);
 * - waves: the plan's against those the truth's overlaps need;
 * - expected length (`max_parallel` 2, the ROADMAP's estimates): the plan's, the truth's,
 *   and one at a time.
 * A true spec given as `ROADMAP.md#L10-L20` is those lines of the ROADMAP: a priority with no
 * spec file, whose section serves as its spec. `unknown_scope` lists the priorities whose
 * spec and ROADMAP section name no path at all (a spike): the plan rightly cannot know them.
 * An optional `history.json` (`[{ "message", "files" }]`, oldest first) is committed on the
 * branch before the tree: the history a phase that already landed shows in.
 * Used by the jest test (quality bars) and by `npm run bench -- separation` (the figures).
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { findOverlaps } from '../../../src/plan/overlap.js'
import { expectedLength } from '../../../src/plan/run-length.js'
import { scheduleTasks } from '../../../src/plan/waves.js'

interface Truth {
  settings: { 'specs-dir': string; 'roadmap-file': string }
  touched: Record<string, string[]>
  specs: Record<string, string[]>
  /** Priorities nothing names a path for: unresolved by right. */
  unknown_scope?: number[]
}

interface PlanLike {
  tasks: { priority: number; estimate_hours?: number | null }[]
  separation: {
    conflicts: Record<string, string[]>
    schedule: number[][]
    unresolved?: number[]
    expected_length?: { parallel: number; serial: number; unit: string }
  }
}

export type BuildPlan = (settings: {
  repo: string
  priorities: number[]
  baseBranch: string
  specsDir: string
  roadmapFile: string
  separation: 'waves'
}) => Promise<PlanLike>

export interface RepositoryFigures {
  repository: string
  priorities: number
  specs: number
  flagged_pairs: number
  truly_overlapping_flagged: number
  named_overlapping_pairs: number
  named_overlapping_flagged: number
  truly_overlapping_pairs: number
  precision: number
  recall: number
  recall_all: number
  missed: string[]
  false_pairs: string[]
  unresolved: number[]
  /** The priorities the truth says nothing names a path for (see Truth.unknown_scope). */
  expected_unresolved: number[]
  waves: number
  truth_waves: number
  /** Expected length with 2 agents at once: the plan's, the truth's, and one at a time. */
  expected_length: { plan: number; truth: number; one_at_a_time: number; unit: string }
  plan_ms: number
}

export interface CorpusFigures {
  precision: number
  recall: number
  recall_all: number
  unresolved: number
  /** Unresolved priorities that a spec or ROADMAP section does name paths for. */
  unexpected_unresolved: number
  waves_within_one: boolean
  plan_ms: number
  repositories: RepositoryFigures[]
}

export const CORPUS_DIR = join(process.cwd(), '__tests__/plan/corpus')

/** Each folder of the corpus with a truth.json. */
export function corpusRepositories(corpusDir = CORPUS_DIR): string[] {
  return readdirSync(corpusDir)
    .filter((name) => statSync(join(corpusDir, name)).isDirectory())
    .filter((name) => {
      try {
        return statSync(join(corpusDir, name, 'truth.json')).isFile()
      } catch {
        return false
      }
    })
    .sort()
}

export async function measureCorpus(
  buildPlan: BuildPlan,
  workDir: string,
  corpusDir = CORPUS_DIR,
  runs = 1
): Promise<CorpusFigures> {
  const repositories: RepositoryFigures[] = []
  for (const name of corpusRepositories(corpusDir)) {
    repositories.push(await measureRepository(buildPlan, join(corpusDir, name), workDir, runs))
  }
  const sum = (key: keyof RepositoryFigures): number =>
    repositories.reduce((total, repo) => total + (repo[key] as number), 0)
  const flagged = sum('flagged_pairs')
  const named = sum('named_overlapping_pairs')
  const overlapping = sum('truly_overlapping_pairs')
  return {
    precision: round(flagged ? sum('truly_overlapping_flagged') / flagged : 1),
    recall: round(named ? sum('named_overlapping_flagged') / named : 1),
    recall_all: round(overlapping ? sum('truly_overlapping_flagged') / overlapping : 1),
    unresolved: repositories.reduce((total, repo) => total + repo.unresolved.length, 0),
    unexpected_unresolved: repositories.reduce(
      (total, repo) =>
        total + repo.unresolved.filter((p) => !repo.expected_unresolved.includes(p)).length,
      0
    ),
    waves_within_one: repositories.every((repo) => Math.abs(repo.waves - repo.truth_waves) <= 1),
    plan_ms: round(sum('plan_ms')),
    repositories
  }
}

async function measureRepository(
  buildPlan: BuildPlan,
  source: string,
  workDir: string,
  runs: number
): Promise<RepositoryFigures> {
  const name = source.split('/').at(-1) as string
  const truth = JSON.parse(readFileSync(join(source, 'truth.json'), 'utf8')) as Truth
  const repo = join(workDir, name)
  commitRepository(source, repo)
  const keys = Object.keys(truth.touched).sort((a, b) => Number(a) - Number(b))
  const priorities = keys.map(Number)
  const settings = {
    repo,
    priorities,
    baseBranch: 'roadmap',
    specsDir: truth.settings['specs-dir'],
    roadmapFile: truth.settings['roadmap-file'],
    separation: 'waves' as const
  }
  let plan = await buildPlan(settings)
  const times: number[] = []
  for (let run = 0; run < runs; run += 1) {
    const began = performance.now()
    plan = await buildPlan(settings)
    times.push(performance.now() - began)
  }

  const truthScopes = keys.map((key) => ({ paths: truth.touched[key], unknown: false }))
  const truthOverlaps = findOverlaps(truthScopes)
  const truthSchedule = scheduleTasks('waves', {
    priorities,
    unknown: keys.map(() => false),
    overlaps: truthOverlaps
  })
  const estimates = priorities.map(
    (priority) => plan.tasks.find((task) => task.priority === priority)?.estimate_hours ?? null
  )
  const truthLength = expectedLength({
    priorities,
    estimates,
    after: truthSchedule.after,
    skipped: priorities.map(() => false),
    maxParallel: 2
  })
  const pairKey = (a: number, b: number): string => `${priorities[a]},${priorities[b]}`
  const trulyOverlapping = new Set(truthOverlaps.map((o) => pairKey(o.first, o.second)))
  const texts = new Map(
    keys.map((key) => [key, truth.specs[key].map((file) => specText(source, file)).join('\n')])
  )
  const names = (key: string, file: string): boolean => {
    const text = texts.get(key) ?? ''
    const base = file.split('/').at(-1) as string
    return text.includes(file) || new RegExp(`(?<![\\w.-])${escape(base)}(?![\\w-])`).test(text)
  }
  const namedOverlapping = new Set(
    truthOverlaps
      .filter((o) =>
        o.paths.some((file) => names(keys[o.first], file) || names(keys[o.second], file))
      )
      .map((o) => pairKey(o.first, o.second))
  )
  const flagged = new Set(
    Object.keys(plan.separation.conflicts).map((key) =>
      key
        .split(',')
        .map(Number)
        .sort((a, b) => priorities.indexOf(a) - priorities.indexOf(b))
        .join(',')
    )
  )
  const trueFlagged = [...flagged].filter((pair) => trulyOverlapping.has(pair)).length
  const namedFlagged = [...namedOverlapping].filter((pair) => flagged.has(pair)).length
  const length = plan.separation.expected_length
  return {
    repository: name,
    priorities: priorities.length,
    specs: new Set(
      Object.values(truth.specs)
        .flat()
        .filter((spec) => !spec.includes('#'))
    ).size,
    flagged_pairs: flagged.size,
    truly_overlapping_flagged: trueFlagged,
    named_overlapping_pairs: namedOverlapping.size,
    named_overlapping_flagged: namedFlagged,
    truly_overlapping_pairs: trulyOverlapping.size,
    precision: round(flagged.size ? trueFlagged / flagged.size : 1),
    recall: round(namedOverlapping.size ? namedFlagged / namedOverlapping.size : 1),
    recall_all: round(trulyOverlapping.size ? trueFlagged / trulyOverlapping.size : 1),
    missed: [...namedOverlapping].filter((pair) => !flagged.has(pair)),
    false_pairs: [...flagged].filter((pair) => !trulyOverlapping.has(pair)),
    unresolved: plan.separation.unresolved ?? [],
    expected_unresolved: truth.unknown_scope ?? [],
    waves: plan.separation.schedule.length,
    truth_waves: truthSchedule.waves.length,
    expected_length: {
      plan: length?.parallel ?? NaN,
      truth: truthLength.parallel,
      one_at_a_time: truthLength.serial,
      unit: truthLength.unit
    },
    plan_ms: round(times.length ? median(times) : 0)
  }
}

/** A repository whose `roadmap` branch holds the tree (stand-in files) and the documents. */
function commitRepository(source: string, repo: string): void {
  execFileSync('git', ['init', '-q', '-b', 'roadmap', repo])
  const history = historyOf(source)
  const files = new Map<string, Buffer>()
  for (const path of readFileSync(join(source, 'tree.txt'), 'utf8').split('\n')) {
    if (path.trim()) files.set(path.trim(), Buffer.from(`stand-in for ${path.trim()}\n`))
  }
  for (const path of walk(source)) {
    const name = relative(source, path)
    if (!['tree.txt', 'truth.json', 'history.json'].includes(name)) {
      files.set(name, readFileSync(path))
    }
  }
  const chunks: Buffer[] = []
  const data = (bytes: Buffer): void => {
    chunks.push(Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n'))
  }
  const commit = (time: number, message: string): void => {
    chunks.push(
      Buffer.from(
        `commit refs/heads/roadmap\ncommitter Corpus <corpus@example.com> ${time} +0000\n`
      )
    )
    data(Buffer.from(message))
  }
  history.forEach((earlier, index) => {
    commit(1600000000 + index, earlier.message)
    for (const path of earlier.files) {
      chunks.push(Buffer.from(`M 100644 inline ${path}\n`))
      data(Buffer.from(`earlier ${path} (${index})\n`))
    }
  })
  commit(1700000000, 'corpus')
  for (const [path, bytes] of files) {
    chunks.push(Buffer.from(`M 100644 inline ${path}\n`))
    data(bytes)
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo, input: Buffer.concat(chunks) })
}

/** The commits made before the tree, when the repository has a `history.json`. */
function historyOf(source: string): { message: string; files: string[] }[] {
  try {
    return JSON.parse(readFileSync(join(source, 'history.json'), 'utf8')) as {
      message: string
      files: string[]
    }[]
  } catch {
    return []
  }
}

/** A true spec's text: a file, or `file#L10-L20`, those lines of it (a ROADMAP section). */
function specText(source: string, spec: string): string {
  const [file, range] = spec.split('#')
  const text = readFileSync(join(source, file), 'utf8')
  const lines = /^L(\d+)-L(\d+)$/.exec(range ?? '')
  return lines
    ? text
        .split('\n')
        .slice(Number(lines[1]) - 1, Number(lines[2]))
        .join('\n')
    : text
}

function walk(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}
