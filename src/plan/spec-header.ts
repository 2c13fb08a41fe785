/**
 * What a spec says of itself before its body: its title, the priority and stories it declares
 * (front matter `Roadmap Item: PRIORITY-12`, `**User Story**: US-055`, a title `# US-055: …`),
 * and whether it is a placeholder (`TBD`, an unfilled template) that hides the real spec.
 */
export interface SpecHeader {
  /** The first `# ` heading, else the front matter's `title:`; null when neither. */
  title: string | null
  /** Priorities the spec declares itself for. */
  priorities: number[]
  /** User stories the spec declares itself for. */
  stories: number[]
  placeholder: boolean
  /** Its status says it was dropped (`**Status**: ❌ Dropped`, `Rejected`, `Abandoned`). */
  retired: boolean
}

const HEADER_LINES = 40
const LABEL = /^[\s>*_-]*\**([A-Za-z][A-Za-z _-]{0,30}?)\**\s*[:=]\s*\**\s*(.*)$/
/** Labels that say which roadmap item a document is for. */
const ID_LABEL =
  /^(?:roadmap(?:[\s_-]*(?:item|priority|entry|id))?|priority|user[\s_-]*story|story|story[\s_-]*id|us|item|id|ticket|feature[\s_-]*id)$/i
const PRIORITY_ID = /\bPRIORITY[\s_#-]*0*(\d+(?:\.\d+)?)(?![\d.]*\d)/gi
const STORY_ID = /\b(?:US|STORY)[-_ #]?0*(\d+(?:\.\d+)?)(?![\d.]*\d)/gi
const BARE_NUMBER = /^#?\s*0*(\d+(?:\.\d+)?)\s*$/
/** Words that say a document is still to be written. */
const UNWRITTEN =
  /\b(?:TBD|TBA|TODO|to be (?:written|defined|determined|decided)|coming soon|placeholder|not yet written|fill (?:this|me) in|lorem ipsum)\b/i
/** A status that says the document will not be built: a dropped story whose number was reused. */
const RETIRED_STATUS =
  /\bstatus\**\s*[:=|]\s*\**\s*(?:[❌🚫⛔]|(?:dropped|rejected|abandoned|cancell?ed|withdrawn|obsolete|won['’]?t (?:do|fix|build))\b)/iu
/** Marks of an unfilled template: `path/to/file.py`, `[FEATURE NAME]`, `<name>`, `my_new_…`. */
const TEMPLATE_MARK =
  /(?:\bpath\/to\/|\[(?:FEATURE|PROJECT|NAME|DATE|###)[^\]]*\]|<(?:name|feature|module|file)[\w-]*>|\bmy_new_\w+|\{\{\s*\w+\s*\}\})/i
/** A token that looks like a file path: `src/app.py`, `<name>.ts`, `settings.go`. */
const PATH_TOKEN = /[\w.<>[\]{}-]*(?:\/[\w.<>[\]{}-]+)*(?:\.[a-z]{1,5}\b|\/)/gi

/** A file name (`feature-1.txt`, `settings.go`), not an abbreviation (`e.g.`). */
const FILE_NAME = /[\w-]{2,}\.[a-z][a-z0-9]{1,4}$/i

export function readSpecHeader(markdown: string): SpecHeader {
  const lines = markdown.split(/\r?\n/)
  let title: string | null = null
  let frontTitle: string | null = null
  const priorities = new Set<number>()
  const stories = new Set<number>()
  let retired = false
  const inFront = lines[0]?.trim() === '---'
  let frontEnds = inFront ? lines.indexOf('---', 1) : -1
  if (frontEnds < 0 && inFront) frontEnds = 0
  for (let index = 0; index < Math.min(lines.length, HEADER_LINES); index += 1) {
    const line = lines[index]
    if (!retired && RETIRED_STATUS.test(line)) retired = true
    const heading = /^#\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading && title === null) {
      title = heading[1]
      readIds(heading[1], priorities, stories)
      continue
    }
    const label = LABEL.exec(line)
    if (!label || !ID_LABEL.test(label[1].trim())) continue
    const value = label[2].replace(/[*_`"']/g, '')
    const before = priorities.size + stories.size
    readIds(value, priorities, stories)
    const bare = BARE_NUMBER.exec(value)
    if (priorities.size + stories.size === before && bare) {
      const number = Number(bare[1])
      // A bare "Priority: 1" is most often an importance, not the roadmap's priority 1.
      if (/story|^us$/i.test(label[1].trim())) stories.add(number)
      else if (/roadmap/i.test(label[1])) priorities.add(number)
    }
  }
  if (title === null && inFront) {
    const front = lines.slice(1, frontEnds).find((line) => /^title\s*:/i.test(line))
    frontTitle = front ? front.replace(/^title\s*:\s*/i, '').replace(/^["']|["']$/g, '') : null
  }
  return {
    title: title ?? frontTitle,
    priorities: [...priorities],
    stories: [...stories],
    placeholder: isPlaceholder(markdown, lines.slice(frontEnds > 0 ? frontEnds + 1 : 0)),
    retired
  }
}

function isIdLine(line: string): boolean {
  const label = LABEL.exec(line)
  return label !== null && ID_LABEL.test(label[1].trim())
}

function readIds(text: string, priorities: Set<number>, stories: Set<number>): void {
  for (const match of text.matchAll(PRIORITY_ID)) priorities.add(Number(match[1]))
  for (const match of text.matchAll(STORY_ID)) stories.add(Number(match[1]))
}

/**
 * A spec that names no file of its own (every path in it is a template's: `path/to/file.py`)
 * and has next to nothing in it, says it is still to be written, or is an unfilled template.
 */
function isPlaceholder(text: string, lines: string[]): boolean {
  const real = (path: string): boolean =>
    !TEMPLATE_MARK.test(path) &&
    !/[<[{]/.test(path) &&
    (/\w\/\w|\w\/$/.test(path) || FILE_NAME.test(path))
  // Most specs name a real path early: stop at the first one (the plan reads every spec).
  for (const [token] of text.matchAll(PATH_TOKEN)) if (real(token)) return false
  const body = lines
    .filter((line) => !/^\s*#/.test(line) && !isIdLine(line))
    .join('\n')
    .replace(/<!--[\s\S]*?-->/g, ' ')
  const words = body.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 1).length
  return words < 4 || (UNWRITTEN.test(body) && words < 80) || TEMPLATE_MARK.test(body)
}
