import type { Plan, PlannedTask, Separation, Settings } from '../core/types.js'
import { GitCommandManager } from '../git/git-command-manager.js'
import { BaseTree } from './base-tree.js'
import { findOverlaps, type Overlap, type TaskScope } from './overlap.js'
import { extractPaths } from './path-extractor.js'
import { parseRoadmap } from './roadmap.js'
import { scheduleTasks } from './waves.js'
import { resolveSpecs, type SpecLookup } from './spec-resolver.js'

export type PlanSettings = Pick<
  Settings,
  'repo' | 'priorities' | 'baseBranch' | 'specsDir' | 'roadmapFile' | 'separation'
>

/**
 * The separation analysis and schedule. It reads the ROADMAP and the specs from the base
 * branch (not the working tree), finds the paths each priority touches, which priorities
 * overlap, and when each may start (see scheduleTasks). It changes nothing.
 *
 * `valid` is true when every priority's scope is known. A priority whose spec is missing or
 * names no path is `unresolved` and overlaps every other one: its scope is unknown, so it
 * is never assumed independent (fail closed).
 *
 * The ROADMAP, the spec files and everything under specs-dir are bookkeeping, never touched
 * paths: every agent updates its status lines there, and git merges edits to separate
 * sections cleanly, while counting them would make every priority overlap every other.
 *
 * Throws InputError when the base branch does not exist.
 */
export async function buildPlan(
  settings: PlanSettings,
  git: GitCommandManager = new GitCommandManager(settings.repo)
): Promise<Plan> {
  const mode = settings.separation ?? 'waves'
  const priorities = [...new Set(settings.priorities)]
  const specsDir = repositoryPath(settings.specsDir)
  const roadmapFile = repositoryPath(settings.roadmapFile)

  const tree = await BaseTree.read(git, settings.baseBranch)
  const roadmapText = (await tree.read([roadmapFile])).get(roadmapFile)
  const roadmap = roadmapText === undefined ? null : parseRoadmap(roadmapText)
  const lookups = resolveSpecs(priorities, {
    tree,
    baseBranch: settings.baseBranch,
    specsDir,
    roadmapFile,
    roadmap
  })
  const allSpecFiles = new Set([...lookups.values()].flatMap((lookup) => lookup.specFiles))
  const texts = await tree.read([...allSpecFiles])

  const isBookkeeping = (path: string): boolean => {
    const bare = path.replace(/\/$/, '')
    return (
      bare === roadmapFile ||
      allSpecFiles.has(bare) ||
      (specsDir !== '' && (bare === specsDir || bare.startsWith(`${specsDir}/`)))
    )
  }
  const pathsBySpec = new Map<string, string[]>()
  const pathsOf = (specFile: string): string[] => {
    let paths = pathsBySpec.get(specFile)
    if (!paths) {
      paths = extractPaths(texts.get(specFile) ?? '', specFile).filter((p) => !isBookkeeping(p))
      pathsBySpec.set(specFile, paths)
    }
    return paths
  }

  const tasks: PlannedTask[] = priorities.map((priority) => {
    const { specFiles, notes }: SpecLookup = lookups.get(priority) ?? {
      priority,
      specFiles: [],
      notes: []
    }
    const paths = [...new Set(specFiles.flatMap(pathsOf))].sort()
    if (specFiles.length > 0 && paths.length === 0) {
      notes.push(
        `scope unknown: ${specFiles.join(', ')} ${specFiles.length > 1 ? 'name' : 'names'} no ` +
          'repository path. It is treated as overlapping every other priority.'
      )
    }
    const title = roadmap?.get(priority)?.[0]?.heading ?? null
    return { priority, title, spec_files: specFiles, paths, after: [], skip_reason: null, notes }
  })
  const scopes: TaskScope[] = tasks.map((task) => ({
    paths: task.paths,
    unknown: task.paths.length === 0
  }))
  const unknown = scopes.map((scope) => scope.unknown)
  const overlaps = mode === 'off' ? [] : findOverlaps(scopes)
  const schedule = scheduleTasks(mode, { priorities, unknown, overlaps })

  tasks.forEach((task, index) => {
    task.after = schedule.after[index].map((other) => priorities[other])
    task.skip_reason = schedule.skipReasons[index]
  })
  return {
    tasks,
    separation: separationOf(tasks, unknown, overlaps, schedule.waves)
  }
}

function separationOf(
  tasks: readonly PlannedTask[],
  unknown: readonly boolean[],
  overlaps: readonly Overlap[],
  waves: readonly number[][]
): Separation {
  const count = tasks.length
  // Overlaps come sorted by (first, second): one cursor finds the pairs that are not in them.
  const independentPairs: [number, number][] = []
  let next = 0
  for (let first = 0; first < count; first += 1) {
    for (let second = first + 1; second < count; second += 1) {
      const overlap = overlaps[next]
      if (overlap && overlap.first === first && overlap.second === second) next += 1
      else independentPairs.push([tasks[first].priority, tasks[second].priority])
    }
  }
  const conflicts: Record<string, string[]> = {}
  for (const { first, second, paths } of overlaps) {
    conflicts[`${tasks[first].priority},${tasks[second].priority}`] = paths
  }
  return {
    valid: !unknown.includes(true),
    independent_pairs: independentPairs,
    conflicts,
    task_file_map: Object.fromEntries(tasks.map((task) => [String(task.priority), task.paths])),
    unresolved: tasks.filter((_task, index) => unknown[index]).map((task) => task.priority),
    schedule: waves.map((wave) => wave.map((index) => tasks[index].priority))
  }
}

/** `./docs/specs/` → `docs/specs`; `.` → `` (the repository root). */
function repositoryPath(path: string): string {
  const trimmed = path
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/+$/, '')
  return trimmed === '.' ? '' : trimmed
}
