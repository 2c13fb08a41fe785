import { posix } from 'node:path'

/** A spec file offered for a priority: found by its number, or linked from its section. */
export interface SpecCandidate {
  file: string
  linked: boolean
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

/**
 * The story a spec file belongs to: its `SPEC-<n>-*` folder, or its file name without the
 * number and without version or part suffixes (`SPEC-065-recipes-v2.md` → `recipes`).
 */
export function storyOf(file: string): string {
  const segments = file.split('/')
  const folder = segments.slice(0, -1).findIndex((segment) => specNumberOf(segment, true) !== null)
  if (folder >= 0) return segments.slice(0, folder + 1).join('/')
  let stem = posix.basename(file).replace(/\.(?:md|markdown)$/i, '')
  stem = stem.replace(/^SPEC-0*\d+(?:[.-]\d{1,2}(?=[-_.]|$))?[-_.]?/i, '')
  for (let before = ''; before !== stem;) {
    before = stem
    stem = stem.replace(VERSION_SUFFIX, '')
  }
  return `${posix.dirname(file)}/${stem.toLowerCase()}`
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
 * them. Else the stories linked from the priority's section; else the one whose file name or
 * title shares the most words with the ROADMAP title; else (a tie) all, noted as ambiguous.
 */
export function chooseStories(
  candidates: readonly SpecCandidate[],
  roadmapTitle: string,
  titleOf: (file: string) => string | null
): { files: string[]; notes: string[] } {
  const stories = new Map<string, SpecCandidate[]>()
  for (const candidate of candidates) {
    const story = storyOf(candidate.file)
    stories.set(story, [...(stories.get(story) ?? []), candidate])
  }
  const all = candidates.map((candidate) => candidate.file)
  if (stories.size <= 1) return { files: all, notes: [] }

  const names = (files: readonly string[]): string => files.map((f) => posix.basename(f)).join(', ')
  const linked = [...stories.entries()].filter(([, members]) => members.some((m) => m.linked))
  let kept: [string, SpecCandidate[]][]
  let why: string
  if (linked.length > 0) {
    kept = linked
    why = 'linked from its ROADMAP section'
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
  const dropped = all.filter((file) => !files.includes(file))
  return {
    files,
    notes: [
      `${stories.size} stories share its spec number: kept ${names(files)} (${why}); dropped ${names(dropped)} (another story)`
    ]
  }
}
