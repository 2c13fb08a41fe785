import { posix } from 'node:path'

/** A spec file offered for a priority: found by its number, or linked from its section. */
export interface SpecCandidate {
  file: string
  linked: boolean
  /** On a "Spec:" line of the section. */
  labelled?: boolean
  /** Lines between the priority's heading and the link (links only). */
  distance?: number
}

/**
 * `SPEC-108-parallel.md` → 108, `SPEC-008.md` → 8, `SPEC-2-5-retry.md` or `SPEC-2.5-retry.md`
 * → 2.5 (a decimal priority's spec, never spec 2), or null for another name. A folder
 * (`SPEC-108-parallel/`) is read the same way, without the extension.
 */
const SPEC_NAME = /^SPEC-0*(\d+)(?:[.-](\d{1,2})(?=[-_.]|$))?(?:[-_.][^/]*)?$/i

export function specNumberOf(path: string, folder = false): number | null {
  const name = posix.basename(path)
  const stem = folder ? name : name.replace(/\.(?:md|markdown)$/i, '')
  if (!folder && stem === name) return null
  const match = SPEC_NAME.exec(stem)
  if (!match) return null
  return Number(match[2] ? `${match[1]}.${match[2]}` : match[1])
}

/** Words that say nothing of a story. */
const STOP_WORDS = new Set(
  'the and for with from into that this spec specification design implementation feature story user planned status draft done'.split(
    ' '
  )
)
/** Versions and parts of one story: `-v2`, `_part-1`, `-draft`, a date. */
const VERSION_SUFFIX =
  /[-_.](?:v\d+(?:[._]\d+)*|version[-_]?\d+|part[-_]?\d+|p\d+|draft|final|revised|updated|old|new|\d{4}-\d{2}-\d{2}|\d{8})$/i

/** `001-photo-albums` (spec-kit), `US-055-export`, `PRIORITY-12-billing`: what a name numbers. */
export type NumberKind = 'spec' | 'story' | 'priority'
const FEATURE_NAME = /^0*(\d+)-(?=\p{L})[^/]*$/u
const STORY_NAME = /^(?:US|STORY)[-_]?0*(\d+)(?:[-_.][^/]*)?$/i
const PRIORITY_NAME = /^(?:PRIORITY|P)[-_]?0*(\d+)(?:[-_.][^/]*)?$/i

/**
 * The number a file or folder name gives and what it numbers: `SPEC-108-*` and spec-kit's
 * `001-name` (only `featureLevel`: directly under specs-dir) number specs, `US-055-*` stories,
 * `PRIORITY-12-*` priorities. Null for another name.
 */
export function numberedName(
  path: string,
  folder: boolean,
  featureLevel: boolean
): { kind: NumberKind; number: number } | null {
  const spec = specNumberOf(path, folder)
  if (spec !== null) return { kind: 'spec', number: spec }
  const name = posix.basename(path)
  const stem = folder ? name : name.replace(/\.(?:md|markdown)$/i, '')
  if (!folder && stem === name) return null
  const story = STORY_NAME.exec(stem)
  if (story) return { kind: 'story', number: Number(story[1]) }
  const priority = PRIORITY_NAME.exec(stem)
  if (priority) return { kind: 'priority', number: Number(priority[1]) }
  const feature = featureLevel ? FEATURE_NAME.exec(stem) : null
  if (feature) return { kind: 'spec', number: Number(feature[1]) }
  return null
}

/** Names of a story's other documents: its phases, parts, addendum, spec-kit's files. */
const COMPANION =
  /^(?:\d+[-_.]?)?(?:phase|part|step|stage|milestone)[-_ ]?\d+\b|^(?:technical[-_ ]?)?(?:addendum|appendix|annex|notes?|details?|design|implementation|plan|tasks|research|data[-_]model|quickstart|overview|readme|index|spec|requirements|checklist|acceptance)(?:[-_.]|$)/i
/**
 * A companion's suffix on its story's name: `SPEC-108-prompts-technical-addendum.md` and
 * `SPEC-108-prompts-phase-2.md` are documents of the story `prompts`.
 */
const COMPANION_SUFFIX =
  /[-_.](?:(?:technical[-_])?(?:addendum|appendix|annex|notes|details)|(?:phase|part|step|stage)[-_]?\d+)$/i
/** A story folder's suffixes that say it holds the story's phases. */
const PHASES_SUFFIX = /[-_.](?:phases|parts|docs|files)$/i

/** A document that belongs to whichever story of its number is kept (`SPEC-12-addendum.md`). */
export function isCompanion(file: string): boolean {
  return COMPANION.test(stemOf(file))
}

/**
 * The story a spec file belongs to: its numbered folder (`SPEC-012-export/`, `001-albums/`)
 * or its file name, without the number and without version or part suffixes: so
 * `SPEC-065-recipes-v2.md`, `SPEC-065-recipes.md` and `SPEC-065-recipes/phase-1.md` are one
 * story, `recipes`. A phase file in a `recipes-phases/` folder is the story `recipes` too.
 */
export function storyOf(file: string): string {
  const segments = file.split('/')
  const folder = numberedFolderOf(file)
  if (folder >= 0) {
    return `${segments.slice(0, folder).join('/')}/${bareStem(segments[folder]).replace(PHASES_SUFFIX, '')}`
  }
  if (isCompanion(file) && segments.length > 1) {
    const parent = segments.slice(0, -1)
    const last = parent.pop() as string
    return `${parent.join('/')}/${bareStem(last).replace(PHASES_SUFFIX, '')}`
  }
  return `${posix.dirname(file)}/${stemOf(file)}`
}

/** The index of the first numbered folder in the file's path, or -1. */
export function numberedFolderOf(file: string): number {
  return file
    .split('/')
    .slice(0, -1)
    .findIndex(
      (segment) => numberedName(segment, true, false) !== null || FEATURE_NAME.test(segment)
    )
}

/** A file's name without extension, number, version or part suffixes, lower case. */
function stemOf(file: string): string {
  return bareStem(posix.basename(file).replace(/\.(?:md|markdown)$/i, ''))
}

function bareStem(name: string): string {
  let stem = name
    .replace(/^SPEC-0*\d+(?:[.-]\d{1,2}(?=[-_.]|$))?[-_.]?/i, '')
    .replace(/^(?:US|STORY|PRIORITY|P)[-_]?0*\d+[-_.]?/i, '')
    .replace(/^0*\d+-(?=\p{L})/u, '')
  for (let before = ''; before !== stem;) {
    before = stem
    stem = stem.replace(VERSION_SUFFIX, '')
    // `technical-addendum` alone is a companion name, not a story called `technical`.
    if (!COMPANION.test(stem)) stem = stem.replace(COMPANION_SUFFIX, '')
  }
  return stem.toLowerCase()
}

export function wordsOf(text: string): Set<string> {
  const words = text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 3 && !STOP_WORDS.has(word) && !/^\d+$/.test(word))
  // `notifications` and `notification` are one word here.
  return new Set(words.map((word) => word.replace(/(?:ies|es|s)$/, '')))
}

/**
 * The spec files of the priority's story. When the candidates belong to one story, all of
 * them. Else the stories linked from the priority's section (those on a "Spec:" line, else
 * the one linked nearest its heading: a link deep in a long section is less its own); else
 * the one whose file name or title shares the most words with the ROADMAP title; else (a tie)
 * all, noted as ambiguous. A story's companions (`-addendum`, `phase-2`) follow it.
 */
export function chooseStories(
  candidates: readonly SpecCandidate[],
  roadmapTitle: string,
  titleOf: (file: string) => string | null
): { files: string[]; notes: string[] } {
  const stories = new Map<string, SpecCandidate[]>()
  const companions = candidates.filter(
    (candidate) => isCompanion(candidate.file) && numberedFolderOf(candidate.file) < 0
  )
  const alone = companions.length === candidates.length
  for (const candidate of candidates) {
    if (!alone && companions.includes(candidate)) continue
    const story = storyOf(candidate.file)
    stories.set(story, [...(stories.get(story) ?? []), candidate])
  }
  const all = candidates.map((candidate) => candidate.file)
  if (stories.size <= 1) return { files: all, notes: [] }

  // By file name, unless two share one (a copy in another folder): then by path.
  const basenames = candidates.map((candidate) => posix.basename(candidate.file))
  const shared = new Set(basenames.filter((name, index) => basenames.indexOf(name) !== index))
  const names = (files: readonly string[]): string =>
    files.map((f) => (shared.has(posix.basename(f)) ? f : posix.basename(f))).join(', ')
  const linked = [...stories.entries()].filter(([, members]) => members.some((m) => m.linked))
  let kept: [string, SpecCandidate[]][]
  let why: string
  if (linked.length > 0) {
    const labelled = linked.filter(([, members]) => members.some((m) => m.labelled))
    if (labelled.length > 0 && labelled.length < linked.length) {
      kept = labelled
      why = 'on the "Spec:" line of its ROADMAP section'
    } else {
      const nearest = (members: SpecCandidate[]): number =>
        Math.min(...members.map((m) => (m.linked ? (m.distance ?? 0) : Infinity)))
      const closest = Math.min(...linked.map(([, members]) => nearest(members)))
      kept = linked.filter(([, members]) => nearest(members) === closest)
      why =
        kept.length < linked.length
          ? 'linked nearest its ROADMAP heading'
          : 'linked from its ROADMAP section'
    }
  } else {
    const wanted = wordsOf(roadmapTitle)
    const scored = [...stories.entries()].map(([story, members]) => {
      const words = new Set([
        ...wordsOf(posix.basename(story)),
        ...members.flatMap((member) => [...wordsOf(titleOf(member.file) ?? '')])
      ])
      return { story, members, score: [...wanted].filter((word) => words.has(word)).length }
    })
    const best = Math.max(...scored.map((entry) => entry.score))
    const top = scored.filter((entry) => entry.score === best)
    if (best === 0 || top.length > 1) {
      return {
        files: all,
        notes: [
          `ambiguous: ${stories.size} stories share its spec number (${names(all)}) and none matches its ROADMAP title better: all are read`
        ]
      }
    }
    kept = top.map((entry) => [entry.story, entry.members])
    why = `its title matches the ROADMAP title "${roadmapTitle}"`
  }
  const files = kept.flatMap(([, members]) => members.map((member) => member.file))
  if (!alone) files.push(...companions.map((companion) => companion.file))
  const dropped = all.filter((file) => !files.includes(file))
  if (dropped.length === 0) return { files, notes: [] }
  return {
    files,
    notes: [
      `${stories.size} stories share its spec number: kept ${names(files)} (${why}); dropped ${names(dropped)} (another story)`
    ]
  }
}
