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
  /** The heading and everything under it up to the next heading of the same or a higher level. */
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
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/
/** `PRIORITY 23` or `PRIORITY 2.5`, after optional emoji, emphasis or status marks. */
const PRIORITY = /^[^\p{L}\p{N}]*PRIORITY\s*#?\s*0*(\d+(?:\.\d+)?)(?![\d.]*\d)/iu
const USER_STORY = /\bUS[-_ ]?0*(\d+(?:\.\d+)?)(?![\d.]*\d)/i

/**
 * The ROADMAP's priority sections by priority number. A heading of any level counts:
 * `## PRIORITY 5: Recipes`, `### PRIORITY 23: US-108 - Parallel Agent Execution` or
 * `## PRIORITY 2.5: …` (decimal priorities are their own priority, never 2).
 * Headings inside fenced code blocks are ignored.
 */
export function parseRoadmap(markdown: string): Map<number, RoadmapSection[]> {
  return readRoadmap(markdown).sections
}

export function readRoadmap(markdown: string): Roadmap {
  const lines = markdown.split(/\r?\n/)
  const sections = new Map<number, RoadmapSection[]>()
  const hidden = new Map<number, number[]>()
  const open: { section: RoadmapSection; level: number; start: number }[] = []
  const close = (level: number, end: number): void => {
    while (open.length && open[open.length - 1].level >= level) {
      const done = open.pop()
      if (done) {
        done.section.text = lines.slice(done.start, end).join('\n')
        done.section.estimateHours = estimateHours(done.section.text)
      }
    }
  }
  const { positions, unclosedAt } = readFences(lines)
  for (let index = 0; index < lines.length; index += 1) {
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
    const level = heading[1].length
    close(level, index)
    if (!priority) continue
    const rest = heading[2].slice(priority[0].length)
    const story = USER_STORY.exec(rest)
    const section: RoadmapSection = {
      priority: Number(priority[1]),
      userStory: story ? Number(story[1]) : null,
      heading: heading[2],
      title: (story ? rest.slice(story.index + story[0].length) : rest)
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim(),
      line: index + 1,
      text: '',
      estimateHours: null
    }
    open.push({ section, level, start: index })
    const list = sections.get(section.priority) ?? []
    list.push(section)
    sections.set(section.priority, list)
  }
  close(0, lines.length)
  return { sections, unclosedFenceAt: unclosedAt, hidden }
}
