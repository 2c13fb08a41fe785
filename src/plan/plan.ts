import type { Plan, PlannedTask, RoadmapSectionText, Separation, Settings } from '../core/types.js'
import { GitCommandManager } from '../git/git-command-manager.js'
import { BaseTree, MAX_SPEC_BYTES } from './base-tree.js'
import { findOverlaps, type Overlap, type TaskScope } from './overlap.js'
import { readRoadmap } from './roadmap.js'
import { expectedLength, startOrder } from './run-length.js'
import { DEFAULT_SEPARATION_IGNORE, SeparationIgnore } from './separation-ignore.js'
import { dropContextFolders, listed, scopeOfSpec, type SpecScope } from './spec-scope.js'
import { scheduleTasks } from './waves.js'
import {
  candidateSpecFiles,
  resolveSpecs,
  searchableSpecFiles,
  type SpecLookup,
  type SpecSources
} from './spec-resolver.js'
import { readSpecHeader, type SpecHeader } from './spec-header.js'
import { contextDocuments, isOwnDocument } from './spec-kit.js'
import { scopeOfRoadmapSections } from './roadmap-fallback.js'
import { goModuleOf, graphFiles, importHubs } from './import-graph.js'
import { commitsNaming, type StoryCommit } from '../git/story-commits.js'
import {
  idPattern,
  landedPhases,
  mayHavePhases,
  namesAny,
  phaseSections,
  priorityIds,
  type PhaseSection
} from './landed-phases.js'

export type PlanSettings = Pick<
  Settings,
  'repo' | 'priorities' | 'baseBranch' | 'specsDir' | 'roadmapFile' | 'separation'
> &
  Partial<Pick<Settings, 'separationIgnore' | 'maxParallel' | 'unknownScope'>> & {
    /** The commit of base-branch to read (where the run starts); its tip when absent. */
    baseCommit?: string
  }

/**
 * The separation analysis and schedule. It reads the ROADMAP and the specs from the base
 * branch (not the working tree), finds the paths each priority touches (see scopeOfSpec),
 * which priorities overlap, when each may start (see scheduleTasks), in which order those
 * free to start are started, and how long the run is expected to take. It changes nothing.
 *
 * `valid` is true when every priority's scope is known. A priority whose spec is missing or
 * names no usable path is `unresolved`: its scope is unknown. With `unknown-scope: wait` it
 * overlaps every other one and starts once they are merged (fail closed); with `parallel` it
 * starts at once and is merged after the others (`merge_last`), where the merge finds out.
 *
 * The ROADMAP, the spec files and everything under specs-dir are bookkeeping, never touched
 * paths: every agent updates its status lines there, and git merges edits to separate
 * sections cleanly, while counting them would make every priority overlap every other. So is
 * whatever `separation-ignore` matches (documents, runtime data by default).
 *
 * Throws InputError when the base branch does not exist.
 */
export async function buildPlan(
  settings: PlanSettings,
  git: GitCommandManager = new GitCommandManager(settings.repo),
  /** skip-merged: priorities an earlier run merged into base, with that merge commit. */
  mergedBefore: ReadonlyMap<number, string> = new Map(),
  /** The base tree already read (by the refusals): used when it is of settings.baseCommit. */
  baseTree?: BaseTree
): Promise<Plan> {
  const mode = settings.separation ?? 'waves'
  const priorities = [...new Set(settings.priorities)]
  const specsDir = repositoryPath(settings.specsDir)
  const roadmapFile = repositoryPath(settings.roadmapFile)

  const tree =
    baseTree && settings.baseCommit === baseTree.commit
      ? baseTree
      : await BaseTree.read(git, settings.baseBranch, settings.baseCommit)
  const roadmapText = (await tree.read([roadmapFile])).get(roadmapFile)
  const roadmap = roadmapText === undefined ? null : readRoadmap(roadmapText)
  const sources: SpecSources = {
    tree,
    baseBranch: settings.baseBranch,
    specsDir,
    roadmapFile,
    roadmap
  }
  // Every candidate is read before choosing: the titles tell the stories of one number apart,
  // and the headers say which priority a spec declares and whether it is a placeholder.
  const texts = await tree.read(candidateSpecFiles(priorities, sources))
  const headers = new Map<string, SpecHeader>()
  const headerOf = (file: string): SpecHeader | null => {
    const text = texts.get(file)
    if (text === undefined) return null
    let header = headers.get(file)
    if (!header) headers.set(file, (header = readSpecHeader(text)))
    return header
  }
  let lookups = resolveSpecs(priorities, { ...sources, headerOf })
  if ([...lookups.values()].some((lookup) => lookup.specFiles.length === 0)) {
    // Specs outside the expected names: searched by front matter and title, only when needed.
    const searchFiles = searchableSpecFiles(sources)
    for (const [file, text] of await tree.read(searchFiles.filter((f) => !texts.has(f)))) {
      texts.set(file, text)
    }
    lookups = resolveSpecs(priorities, { ...sources, headerOf, searchFiles })
  }
  const allSpecFiles = new Set([...lookups.values()].flatMap((lookup) => lookup.specFiles))
  const isBookkeeping = (path: string): boolean => {
    const bare = path.replace(/\/$/, '')
    return (
      bare === roadmapFile ||
      allSpecFiles.has(bare) ||
      (specsDir !== '' && (bare === specsDir || bare.startsWith(`${specsDir}/`)))
    )
  }
  const ignore = new SeparationIgnore(
    settings.separationIgnore ?? DEFAULT_SEPARATION_IGNORE,
    isBookkeeping
  )
  const scopes = new Map<string, SpecScope>()
  const scopeOf = (specFile: string): SpecScope => {
    let scope = scopes.get(specFile)
    if (!scope) {
      scope = scopeOfSpec(texts.get(specFile) ?? '', specFile, tree, ignore)
      scopes.set(specFile, scope)
    }
    return scope
  }

  const history = await phasesInHistory(git, tree.commit, priorities, lookups, texts, roadmap)

  const evidence: Record<string, Record<string, string[]>> = {}
  const notCounted: Record<string, Record<string, string[]>> = {}
  const tasks: PlannedTask[] = priorities.map((priority) => {
    const { specFiles, notes, storySections, specTitle }: SpecLookup = lookups.get(priority) ?? {
      priority,
      specFiles: [],
      notes: [],
      storySections: [],
      specTitle: null
    }
    const found: Record<string, string[]> = {}
    for (const file of [roadmapFile, ...specFiles]) {
      const size = tree.cutSize(file)
      if (size !== undefined) notes.push(cutNote(file, size))
    }
    const dropped: Record<string, string[]> = {}
    const context = contextDocuments(specFiles)
    for (const specFile of specFiles) {
      if (context.has(specFile)) continue
      const scope = scopeOf(specFile)
      notes.push(...scope.notes)
      // Phases whose files commits naming the priority already changed: landed, left out.
      const landed = landedPhases(
        history.phases.get(specFile) ?? [],
        scope.paths,
        history.commits.get(priority) ?? []
      )
      const inLanded = (line: number): LandedPhaseOf =>
        landed.find(({ phase }) => line >= phase.start && line <= phase.end)
      for (const { phase, commits } of landed) {
        notes.push(
          `${specFile}: phase ${phase.number} ("${phase.heading}") already landed on ${settings.baseBranch}: ${commitList(commits)} changed every file it names; those are left out`
        )
      }
      for (const [path, lines] of scope.paths) {
        if (isOwnDocument(path, specFile, tree)) continue
        if (landed.length && lines.every((line) => inLanded(line))) {
          ;(dropped[path] ??= []).push(
            ...lines.map(
              (line) => `${specFile}:${line} (done: ${commitList(inLanded(line)?.commits ?? [])})`
            )
          )
          continue
        }
        ;(found[path] ??= []).push(...lines.map((line) => `${specFile}:${line}`))
      }
      for (const [path, whys] of scope.dropped) {
        ;(dropped[path] ??= []).push(...whys.map((why) => `${specFile}:${why}`))
      }
    }
    if (context.size > 0) {
      notes.push(
        `spec-kit: ${listed([...context])} read as context (its structure tree); the files tasks.md names are the changes`
      )
    }
    const sections = roadmap?.sections.get(priority) ?? []
    let fallbackSections: RoadmapSectionText[] | undefined
    if (Object.keys(found).length === 0 && sections.length > 0) {
      const fallback = scopeOfRoadmapSections(
        [...sections, ...storySections],
        roadmapFile,
        tree,
        ignore
      )
      if (fallback.paths.size > 0) {
        const lines = sections.map((section) => section.line).join(', ')
        notes.push(
          `${specFiles.length ? 'its spec names no usable path' : 'no spec file'}: planned from its ${roadmapFile} section (line ${lines}${storySections.length ? ' and the story sections it links' : ''}), the ROADMAP fallback`
        )
        notes.push(...fallback.notes)
        for (const [path, lines] of fallback.paths) {
          ;(found[path] ??= []).push(...lines.map((line) => `${roadmapFile}:${line}`))
        }
        for (const [path, whys] of fallback.dropped) {
          ;(dropped[path] ??= []).push(...whys.map((why) => `${roadmapFile}:${why}`))
        }
        // What it was planned from is what its agent is given to read (see agent-prompt).
        fallbackSections = [...sections, ...storySections].map((section) => ({
          file: roadmapFile,
          line: section.line,
          text: section.text
        }))
        const unknownNote = notes.findIndex((note) => note.startsWith('scope unknown: no spec'))
        if (unknownNote >= 0) notes.splice(unknownNote, 1)
      }
    }
    if (specFiles.length > 1) {
      const byPath = new Map(Object.entries(found))
      const context = dropContextFolders(byPath)
      for (const folder of context) delete found[folder]
      if (context.length) {
        notes.push(
          `folders taken as context (its other specs name files inside them): ${listed(context)}`
        )
      }
    }
    const paths = Object.keys(found).sort()
    evidence[String(priority)] = Object.fromEntries(paths.map((path) => [path, found[path]]))
    const uncounted = Object.keys(dropped)
      .filter((path) => !(path in found))
      .sort()
    if (uncounted.length) {
      notCounted[String(priority)] = Object.fromEntries(
        uncounted.map((path) => [path, dropped[path]])
      )
    }
    if (specFiles.length > 0 && paths.length === 0) {
      notes.push(
        `scope unknown: ${specFiles.join(', ')} ${specFiles.length > 1 ? 'name' : 'names'} no ` +
          'usable repository path. It is treated as overlapping every other priority.'
      )
    }
    if (roadmap?.unclosedFenceAt && sections.length === 0 && specFiles.length > 0) {
      const hidden = roadmap.hidden.get(priority)
      if (hidden) {
        notes.push(
          `${roadmapFile}: its heading on line ${hidden[0]} is inside a code block opened at line ${roadmap.unclosedFenceAt} and never closed`
        )
      }
    }
    const estimate = sections.find((section) => section.estimateHours !== null)
    return {
      priority,
      title: sections[0]?.heading ?? specTitle,
      spec_files: specFiles,
      paths,
      after: [],
      skip_reason: null,
      notes,
      estimate_hours: estimate?.estimateHours ?? null,
      ...(fallbackSections ? { roadmap_sections: fallbackSections } : {})
    }
  })
  // A priority already merged (skip-merged) is not run: nothing waits on it, it waits on nothing.
  for (const task of tasks) {
    const commit = mergedBefore.get(task.priority)
    if (commit === undefined) continue
    task.merge_commit = commit
    task.skip_reason = `already merged into ${settings.baseBranch} by an earlier run (${commit.slice(0, 12)}); skip-merged: false runs it again`
  }
  const open = tasks.filter((task) => task.merge_commit === undefined)
  const openPriorities = open.map((task) => task.priority)
  const unknown = open.map((task) => task.paths.length === 0)
  // `parallel`: an unknown scope is scheduled as an independent one; the merge order (last)
  // and on-conflict take the risk instead of the schedule.
  const mergeLast = settings.unknownScope === 'parallel' && mode !== 'off'
  const taskScopes: TaskScope[] = open.map((task, index) => ({
    paths: task.paths,
    unknown: unknown[index] && !mergeLast
  }))
  const overlaps = mode === 'off' ? [] : findOverlaps(taskScopes)
  const schedule = scheduleTasks(mode, {
    priorities: openPriorities,
    unknown: taskScopes.map((scope) => scope.unknown),
    overlaps
  })
  if (mergeLast) {
    open.forEach((task, index) => {
      if (unknown[index]) {
        task.notes.push(
          'unknown-scope parallel: it starts like an independent priority and is merged after the others; a conflict goes through on-conflict'
        )
      }
    })
  }

  open.forEach((task, index) => {
    task.after = schedule.after[index].map((other) => openPriorities[other])
    task.skip_reason = schedule.skipReasons[index]
  })
  const lengthInput = {
    priorities: openPriorities,
    estimates: open.map((task) => task.estimate_hours ?? null),
    after: schedule.after,
    skipped: schedule.skipReasons.map((reason) => reason !== null),
    maxParallel: settings.maxParallel ?? 2
  }
  // Assigned, not spread: a spread would list the independent pairs (see separationOf).
  const separation = Object.assign(separationOf(open, unknown, overlaps, schedule.waves), {
    evidence,
    start_order: startOrder(lengthInput).map((index) => openPriorities[index]),
    expected_length: expectedLength(lengthInput)
  })
  const last = mergeLast ? openPriorities.filter((_priority, index) => unknown[index]) : []
  // Only when some are: results of runs without them keep the contract's shape.
  if (last.length) separation.merge_last = last
  if (Object.keys(notCounted).length) separation.not_counted = notCounted
  const hubs = await importHubsOf(tree, open)
  if (hubs.size) separation.hub_files = Object.fromEntries(hubs)
  return { tasks, separation, base_commit: tree.commit }
}

/** The planned tasks in the order the run starts those free to start (see startOrder). */
export function inStartOrder(plan: Plan): PlannedTask[] {
  const rank = new Map(
    (plan.separation.start_order ?? []).map((priority, index) => [priority, index])
  )
  return [...plan.tasks].sort(
    (a, b) => (rank.get(a.priority) ?? Infinity) - (rank.get(b.priority) ?? Infinity)
  )
}

/**
 * The separation of the plan. `independent_pairs` is listed when first read: it holds every
 * pair not in `overlaps` (half a million at 1,000 priorities), which only the result JSON
 * shows, while the schedule needs the overlaps alone.
 */
function separationOf(
  tasks: readonly PlannedTask[],
  unknown: readonly boolean[],
  overlaps: readonly Overlap[],
  waves: readonly number[][]
): Separation {
  const conflicts: Record<string, string[]> = {}
  for (const { first, second, paths } of overlaps) {
    conflicts[`${tasks[first].priority},${tasks[second].priority}`] = paths
  }
  let independentPairs: [number, number][] | null = null
  return {
    valid: !unknown.includes(true),
    get independent_pairs(): [number, number][] {
      independentPairs ??= pairsNotIn(
        tasks.map((task) => task.priority),
        overlaps
      )
      return independentPairs
    },
    set independent_pairs(pairs: [number, number][]) {
      independentPairs = pairs
    },
    conflicts,
    task_file_map: Object.fromEntries(tasks.map((task) => [String(task.priority), task.paths])),
    unresolved: tasks.filter((_task, index) => unknown[index]).map((task) => task.priority),
    schedule: waves.map((wave) => wave.map((index) => tasks[index].priority))
  }
}

/** Every pair of priorities (by index, first < second) that `overlaps` does not hold. */
function pairsNotIn(
  priorities: readonly number[],
  overlaps: readonly Overlap[]
): [number, number][] {
  const count = priorities.length
  const pairs = new Array<[number, number]>((count * (count - 1)) / 2 - overlaps.length)
  // Overlaps come sorted by (first, second): one cursor finds the pairs that are not in them.
  let next = 0
  let filled = 0
  for (let first = 0; first < count; first += 1) {
    for (let second = first + 1; second < count; second += 1) {
      const overlap = overlaps[next]
      if (overlap !== undefined && overlap.first === first && overlap.second === second) next += 1
      else pairs[filled++] = [priorities[first], priorities[second]]
    }
  }
  pairs.length = filled
  return pairs
}

/** `./docs/specs/` → `docs/specs`; `.` → `` (the repository root). */
function repositoryPath(path: string): string {
  const trimmed = path
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/)+/, '')
    .replace(/\/+$/, '')
  return trimmed === '.' ? '' : trimmed
}

const megabytes = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`

function cutNote(file: string, size: number): string {
  return `${file} is ${megabytes(size)}: only its first ${megabytes(MAX_SPEC_BYTES)} were read (paths named after them are not in the plan)`
}

type LandedPhaseOf = { phase: PhaseSection; commits: StoryCommit[] } | undefined

/** The specs' phase sections, and the commits of base naming each priority that has some. */
interface PhaseHistory {
  phases: Map<string, PhaseSection[]>
  commits: Map<number, StoryCommit[]>
}

/**
 * Phases and the history that may show them landed. One `git log --grep` for every priority
 * together, and none at all when no spec has two phases or more (most plans).
 */
async function phasesInHistory(
  git: GitCommandManager,
  commit: string,
  priorities: readonly number[],
  lookups: ReadonlyMap<number, SpecLookup>,
  texts: ReadonlyMap<string, string>,
  roadmap: ReturnType<typeof readRoadmap> | null
): Promise<PhaseHistory> {
  const phases = new Map<string, PhaseSection[]>()
  const idsOf = new Map<number, string[]>()
  for (const priority of priorities) {
    const specFiles = lookups.get(priority)?.specFiles ?? []
    let phased = false
    for (const file of specFiles) {
      const text = texts.get(file) ?? ''
      if (!mayHavePhases(text)) continue
      const sections = phaseSections(text)
      if (sections.length) {
        phases.set(file, sections)
        phased = true
      }
    }
    if (!phased) continue
    const story = roadmap?.sections.get(priority)?.[0]?.userStory ?? null
    idsOf.set(priority, priorityIds(priority, story, specFiles))
  }
  const commits = new Map<number, StoryCommit[]>()
  if (idsOf.size === 0) return { phases, commits }
  const naming = await commitsNaming(
    git,
    commit,
    idPattern([...new Set([...idsOf.values()].flat())])
  )
  for (const [priority, ids] of idsOf) {
    commits.set(
      priority,
      naming.filter((found) => namesAny(found.message, ids))
    )
  }
  return { phases, commits }
}

/** `abc123def456 "US-055 phase 1: schema"`, the first two and how many more. */
function commitList(commits: readonly StoryCommit[]): string {
  const shown = commits
    .slice(0, 2)
    .map((found) => `${found.commit.slice(0, 12)} "${found.message.split('\n')[0]}"`)
  return commits.length > 2
    ? `${shown.join(', ')} and ${commits.length - 2} more`
    : shown.join(', ')
}

/** The import hubs of the priorities' named files (see importHubs); none for a lone priority. */
async function importHubsOf(
  tree: BaseTree,
  tasks: readonly PlannedTask[]
): Promise<Map<string, number>> {
  if (tasks.length < 2) return new Map()
  const files = graphFiles(new Set(tasks.flatMap((task) => task.paths)), tree)
  if (files.length === 0) return new Map()
  const goMod = files.some((file) => file.endsWith('.go')) && tree.hasFile('go.mod')
  const texts = await tree.read(goMod ? [...files, 'go.mod'] : files)
  const named = new Map(tasks.map((task) => [task.priority, task.paths]))
  return importHubs(named, texts, tree, goModuleOf(texts.get('go.mod')))
}
