import { readFences } from './markdown-fences.js'
import { estimateHours } from './estimates.js'

/** One `PRIORITY <p>` heading of the ROADMAP and the text under it. */
export interface RoadmapSection {
  priority: number
  /** The user story that names the spec (`US-108` → 108), when the heading has one. */
  userStory: number | null
  heading: string
  /** The heading's words after the priority and the story: what the priority is about. */
  title: string
  /** 1-based line of the heading. */
  line: number
  /**
   * The heading and everything under it up to the next heading of the same or a higher level,
   * without nested subsections of other stories (blank lines in their place; see readRoadmap).
   */
  text: string
  /** `Estimated effort: 3 days`, `Estimate: 4h` in the section, in hours; null when none. */
  estimateHours: number | null
}

export interface Roadmap {
  sections: Map<number, RoadmapSection[]>
  /** 1-based line of a code fence that is never closed: every heading after it is hidden. */
  unclosedFenceAt: number | null
  /** `PRIORITY <p>` headings hidden inside that unclosed block: priority → their lines. */
  hidden: Map<number, number[]>
  /**
   * Every heading's section by its in-page anchor (`#us-055-csv-export`, as GitHub makes
   * them), bounded like the priority sections: what an in-page link leads to.
   */
  anchors: Map<string, AnchoredSection>
}

/** A heading's section reached by an in-page link. */
export interface AnchoredSection {
  heading: string
  line: number
  text: string
  /** The priority the heading names, if any. */
  priority: number | null
  /** The user stories the heading names. */
  stories: number[]
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/
/** `PRIORITY 23` or `PRIORITY 2.5`, after optional emoji, emphasis or status marks. */
const PRIORITY = /^[^\p{L}\p{N}]*PRIORITY\s*#?\s*0*(\d+(?:\.\d+)?)(?![\d.]*\d)/iu
const USER_STORY = /\bUS[-_ ]?0*(\d+(?:\.\d+)?)(?![\d.]*\d)/i
/** A story id anywhere in a heading: `US-055`, `Story 12`, `User Story #4`. */
const STORY_IDS = /\b(?:US|(?:user\s+)?story)[-_ ]?#?\s*0*(\d+(?:\.\d+)?)(?![\d.]*\d)/gi
/** `PRIORITY 7` anywhere in a heading (a nested heading naming another priority). */
const PRIORITY_ANYWHERE = /\bPRIORITY\s*#?\s*0*(\d+(?:\.\d+)?)(?![\d.]*\d)/i

/**
 * The ROADMAP's priority sections by priority number. A heading of any level counts:
 * `## PRIORITY 5: Recipes`, `### PRIORITY 23: US-108 - Parallel Agent Execution` or
 * `## PRIORITY 2.5: …` (decimal priorities are their own priority, never 2).
 * Headings inside fenced code blocks are ignored.
 */
export function parseRoadmap(markdown: string): Map<number, RoadmapSection[]> {
  return readRoadmap(markdown).sections
}

interface Heading {
  level: number
  text: string
  /** 0-based line. */
  index: number
  priority: number | null
  stories: number[]
}

/**
 * A section runs to the next heading of the same or a higher level, or to a deeper heading of
 * another priority; the deeper subsections of another story are left out of it: long
 * roadmaps nest other stories' subsections under a priority (`## PRIORITY 3` … `### US-041
 * …`), and those are not its own. A heading with no story of its own keeps nested stories
 * that no priority heading names.
 */
export function readRoadmap(markdown: string): Roadmap {
  const lines = markdown.split(/\r?\n/)
  const sections = new Map<number, RoadmapSection[]>()
  const hidden = new Map<number, number[]>()
  const anchors = new Map<string, AnchoredSection>()
  const { positions, unclosedAt } = readFences(lines)
  const headings: Heading[] = []
  for (let index = 0; index < lines.length; index += 1) {
    if (!lines[index].includes('#')) continue
    const heading = HEADING.exec(lines[index])
    if (!heading) continue
    const priority = PRIORITY.exec(heading[2])
    if (positions[index] !== 'outside') {
      if (priority && unclosedAt !== null && index + 1 > unclosedAt) {
        const number = Number(priority[1])
        hidden.set(number, [...(hidden.get(number) ?? []), index + 1])
      }
      continue
    }
    const named = PRIORITY_ANYWHERE.exec(heading[2])
    headings.push({
      level: heading[1].length,
      text: heading[2],
      index,
      priority: named ? Number(named[1]) : null,
      stories: [...heading[2].matchAll(STORY_IDS)].map((match) => Number(match[1]))
    })
  }
  const claimedStories = new Set<number>()
  for (const heading of headings) {
    if (heading.priority !== null) for (const story of heading.stories) claimedStories.add(story)
  }
  /**
   * The heading's lines: to the next heading of its level or higher, or to a nested heading
   * of another priority; a nested subsection of another story is blanked out (lines kept, so
   * that line numbers stay the ROADMAP's), the priority's own subsections after it stay.
   */
  const textOf = (at: number): string => {
    const own = headings[at]
    const foreign = (other: Heading): boolean => {
      const others = other.stories.filter((story) => !own.stories.includes(story))
      return (
        others.length > 0 &&
        (own.stories.length > 0 || others.some((story) => claimedStories.has(story)))
      )
    }
    let end = lines.length
    const blanked: [number, number][] = []
    for (let next = at + 1; next < headings.length; next += 1) {
      const other = headings[next]
      if (other.level <= own.level) {
        end = other.index
        break
      }
      if (other.priority !== null && other.priority !== own.priority) {
        end = other.index
        break
      }
      if (!foreign(other)) continue
      let close = next + 1
      while (close < headings.length && headings[close].level > other.level) close += 1
      blanked.push([other.index, close < headings.length ? headings[close].index : lines.length])
      next = close - 1
    }
    const kept = lines.slice(own.index, end)
    for (const [from, to] of blanked) {
      for (let line = from; line < Math.min(to, end); line += 1) kept[line - own.index] = ''
    }
    return kept.join('\n')
  }
  const slugs = new Map<string, number>()
  headings.forEach((heading, at) => {
    const text = textOf(at)
    const base = slugOf(heading.text)
    const seen = slugs.get(base) ?? 0
    slugs.set(base, seen + 1)
    anchors.set(seen ? `${base}-${seen}` : base, {
      heading: heading.text,
      line: heading.index + 1,
      text,
      priority: heading.priority,
      stories: heading.stories
    })
    const priority = PRIORITY.exec(heading.text)
    if (!priority) return
    const rest = heading.text.slice(priority[0].length)
    const story = USER_STORY.exec(rest)
    const section: RoadmapSection = {
      priority: Number(priority[1]),
      userStory: story ? Number(story[1]) : null,
      heading: heading.text,
      title: (story ? rest.slice(story.index + story[0].length) : rest)
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim(),
      line: heading.index + 1,
      text,
      estimateHours: estimateHours(text)
    }
    const list = sections.get(section.priority) ?? []
    list.push(section)
    sections.set(section.priority, list)
  })
  return { sections, unclosedFenceAt: unclosedAt, hidden, anchors }
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-')
}
