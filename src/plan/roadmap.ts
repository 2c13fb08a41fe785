import { fencePositions } from './markdown-fences.js'
/** One `PRIORITY <p>` heading of the ROADMAP and the text under it. */
export interface RoadmapSection {
  priority: number
  /** The user story that names the spec (`US-108` → 108), when the heading has one. */
  userStory: number | null
  heading: string
  /** 1-based line of the heading. */
  line: number
  /** The heading and everything under it up to the next heading of the same or a higher level. */
  text: string
}

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/
/** `PRIORITY 23`, after optional emoji, emphasis or status marks; not `PRIORITY 2.5`. */
const PRIORITY = /^[^\p{L}\p{N}]*PRIORITY\s*#?\s*0*(\d+)(?![\d.]*\d)/iu
const USER_STORY = /\bUS[-_ ]?0*(\d+)\b/i

/**
 * The ROADMAP's priority sections by priority number. A heading of any level counts:
 * `## PRIORITY 5: Recipes` or `### PRIORITY 23: US-108 - Parallel Agent Execution`.
 * Headings inside fenced code blocks are ignored.
 */
export function parseRoadmap(markdown: string): Map<number, RoadmapSection[]> {
  const lines = markdown.split(/\r?\n/)
  const sections = new Map<number, RoadmapSection[]>()
  const open: { section: RoadmapSection; level: number; start: number }[] = []
  const close = (level: number, end: number): void => {
    while (open.length && open[open.length - 1].level >= level) {
      const done = open.pop()
      if (done) done.section.text = lines.slice(done.start, end).join('\n')
    }
  }
  const fences = fencePositions(lines)
  for (let index = 0; index < lines.length; index += 1) {
    if (fences[index] !== 'outside') continue
    const heading = HEADING.exec(lines[index])
    if (!heading) continue
    const level = heading[1].length
    close(level, index)
    const priority = PRIORITY.exec(heading[2])
    if (!priority) continue
    const story = USER_STORY.exec(heading[2].slice(priority[0].length))
    const section: RoadmapSection = {
      priority: Number(priority[1]),
      userStory: story ? Number(story[1]) : null,
      heading: heading[2],
      line: index + 1,
      text: ''
    }
    open.push({ section, level, start: index })
    const list = sections.get(section.priority) ?? []
    list.push(section)
    sections.set(section.priority, list)
  }
  close(0, lines.length)
  return sections
}
