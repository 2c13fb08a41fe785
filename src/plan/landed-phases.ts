import type { StoryCommit } from '../git/story-commits.js'
import { readFences } from './markdown-fences.js'

/**
 * Phases of a spec that already landed on base, found in history rather than in a mark: a
 * phase whose every file was changed by commits naming the priority (its story id, its
 * `PRIORITY n`, its spec's id) is done, though nobody ticked it. A spec marked done (✅,
 * "Status: Done", `[x]`, struck through) is read by markdown-mentions instead.
 */

/** `## Phase 2: API`, `### Stage 3 — rollout`, `#### Milestone 1`: a phase and its number. */
const PHASE_HEADING =
  /^ {0,3}(#{1,6})\s+.*?\b(?:phase|stage|milestone|increment|iteration)\s*#?\s*(\d+)\b/i
const HEADING = /^ {0,3}(#{1,6})\s/
/** A commit for one phase: "US-055 phase 2: the API". */
const PHASE_IN_MESSAGE = /\b(?:phase|stage|milestone|increment|iteration)\s*#?\s*(\d+)\b/gi

/** One phase of a spec: its number and the lines of its section (1-based, inclusive). */
export interface PhaseSection {
  number: string
  heading: string
  start: number
  end: number
}

/** The phase sections of a spec, when it has two or more (one phase is the whole spec). */
export function phaseSections(markdown: string): PhaseSection[] {
  const lines = markdown.split(/\r?\n/)
  const { positions } = readFences(lines)
  const phases: (PhaseSection & { level: number })[] = []
  for (let index = 0; index < lines.length; index += 1) {
    if (positions[index] !== 'outside') continue
    const heading = HEADING.exec(lines[index])
    if (!heading) continue
    const level = heading[1].length
    // A heading of the same or a higher level ends the open phases.
    for (const phase of phases) {
      if (phase.end === 0 && level <= phase.level) phase.end = index
    }
    const phase = PHASE_HEADING.exec(lines[index])
    if (phase) {
      phases.push({
        number: phase[2].replace(/^0+(?=\d)/, ''),
        heading: lines[index].replace(/^ {0,3}#+\s+/, '').trim(),
        start: index + 1,
        end: 0,
        level
      })
    }
  }
  for (const phase of phases) if (phase.end === 0) phase.end = lines.length
  return phases.length >= 2 ? phases.map(({ level: _level, ...phase }) => phase) : []
}

/** Whether a spec has phase sections worth a look in history (cheap: most have none). */
export function mayHavePhases(markdown: string): boolean {
  return /\b(?:phase|stage|milestone|increment|iteration)\s*#?\s*\d/i.test(markdown)
}

/** A phase landed in history: the commits that changed its files. */
export interface LandedPhase {
  phase: PhaseSection
  commits: StoryCommit[]
}

/**
 * The phases whose every counted file was changed by these commits (those naming the
 * priority); a commit that names phases counts for those phases only. Never every phase: a
 * spec whose phases all look landed is left to skip-merged (or run again), not emptied.
 * `paths`: path → lines of the spec naming it.
 */
export function landedPhases(
  phases: readonly PhaseSection[],
  paths: ReadonlyMap<string, readonly number[]>,
  commits: readonly StoryCommit[]
): LandedPhase[] {
  if (phases.length < 2 || commits.length === 0) return []
  const landed: LandedPhase[] = []
  for (const phase of phases) {
    const own = [...paths].filter(([, lines]) =>
      lines.some((line) => line >= phase.start && line <= phase.end)
    )
    // A folder or a glob cannot be shown changed by a list of files.
    if (own.length === 0 || own.some(([path]) => path.endsWith('/') || /[*?[\]{}]/.test(path))) {
      continue
    }
    const forPhase = commits.filter((commit) => {
      const named = [...commit.message.matchAll(PHASE_IN_MESSAGE)].map((match) =>
        match[1].replace(/^0+(?=\d)/, '')
      )
      return named.length === 0 || named.includes(phase.number)
    })
    const changed = new Set(forPhase.flatMap((commit) => commit.files))
    const done = own.filter(([path]) => changed.has(path)).length
    // A commit naming this very phase lands it when it changed most of its files (the rest
    // are often only read: "a cache over `storage.db`"); one naming no phase, all of them.
    const namesPhase = forPhase.some((commit) =>
      [...commit.message.matchAll(PHASE_IN_MESSAGE)].some(
        (match) => match[1].replace(/^0+(?=\d)/, '') === phase.number
      )
    )
    if (namesPhase ? done * 2 < own.length || done === 0 : done < own.length) continue
    landed.push({
      phase,
      commits: forPhase.filter((commit) =>
        commit.files.some((file) => own.some(([p]) => p === file))
      )
    })
  }
  return landed.length < phases.length ? landed : []
}

/**
 * The ids a commit message names a priority by: its story (`US-055`), its spec's id
 * (`SPEC-301` of `SPEC-301-multi-currency.md`), else `PRIORITY 5` (priorities get
 * renumbered as a roadmap moves; story and spec ids stay). As a regular expression for `git
 * log --grep` (extended, case-insensitive) and for the messages it returns.
 */
export function priorityIds(
  priority: number,
  story: number | null,
  specFiles: readonly string[]
): string[] {
  const ids: string[] = []
  if (story !== null) ids.push(`us[-_ ]?0*${escape(String(story))}`)
  for (const file of specFiles) {
    const id = /^([A-Za-z]+[-_]\d+)[-_.]/.exec(file.slice(file.lastIndexOf('/') + 1))?.[1]
    if (id && !/^(?:us|priority)[-_]/i.test(id)) ids.push(escape(id).replace(/[-_]/, '[-_ ]?'))
  }
  if (ids.length === 0) ids.push(`priority[-_ ]?#?0*${escape(String(priority))}`)
  return [...new Set(ids)]
}

/** The alternation of ids, closed so that `US-5` does not match `US-55`. */
export function idPattern(ids: readonly string[]): string {
  return `(^|[^[:alnum:]])(${ids.join('|')})([^[:alnum:].]|\\.[^0-9]|$)`
}

/** Whether a message names one of the ids (the same closure as idPattern, in JavaScript). */
export function namesAny(message: string, ids: readonly string[]): boolean {
  if (ids.length === 0) return false
  return new RegExp(`(?:^|[^A-Za-z0-9])(?:${ids.join('|')})(?![A-Za-z0-9]|\\.\\d)`, 'i').test(
    message
  )
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
