import { posix } from 'node:path'
import type { TreeListing } from './base-tree.js'
import { scanMarkdown } from './markdown-mentions.js'
import { folderOf } from './path-extractor.js'
import { normaliseMention } from './path-normaliser.js'
import type { Roadmap, RoadmapSection } from './roadmap.js'
import { chooseStories, specNumberOf, type SpecCandidate } from './spec-stories.js'

/** The spec files found for one priority, and what a reader should know about them. */
export interface SpecLookup {
  priority: number
  specFiles: string[]
  notes: string[]
}

export interface SpecSources {
  tree: TreeListing
  baseBranch: string
  specsDir: string
  roadmapFile: string
  /** The ROADMAP, or null when the file is not on the base branch. */
  roadmap: Roadmap | null
  /** A spec file's first heading, when read (used to tell the stories of one number apart). */
  titleOf?: (file: string) => string | null
}

const MARKDOWN = /\.(?:md|markdown)$/i
/** A spec file named in running text of the ROADMAP: `see SPEC-108-parallel.md`. */
const SPEC_NAME_IN_TEXT = /\bSPEC-\d+[\w.-]*?\.(?:md|markdown)\b/gi
/** "**Spec**: [..](..)", "Technical specification:": a line that names the priority's own spec. */
const SPEC_LABEL = /^[\s>*_-]*(?:technical\s+|design\s+)?spec(?:ification)?s?\b[^:]{0,20}:/i

/**
 * Finds every priority's spec files on the base branch:
 * 1. the ROADMAP heading `PRIORITY <p>` gives the spec number: its `US-<n>` when it has one
 *    (specs are named by user story), else p itself, as a guess (noted);
 * 2. `SPEC-<n>-*.md` files (with or without zero padding; `SPEC-2-5-*` is 2.5) and every
 *    markdown file in `SPEC-<n>-*` folders, at any depth under specs-dir;
 * 3. spec files linked or named in the priority's ROADMAP section: those of its own number,
 *    those with no number, and those on a "Spec:" line; never those it only refers to
 *    ("see", "related", "depends on") nor other stories' specs (noted);
 * 4. when one number matches specs of several stories, those of the priority's story stay
 *    (linked from its section, or the file name or title matching its ROADMAP title;
 *    versions and parts of one story stay together) and the others go, each choice noted.
 * A priority's spec is never guessed by its priority number when that number is another
 * priority's user story.
 */
export function resolveSpecs(
  priorities: readonly number[],
  sources: SpecSources
): Map<number, SpecLookup> {
  const byNumber = indexSpecsByNumber(sources.tree, sources.specsDir)
  const claimed = new Map<number, number>()
  for (const sections of sources.roadmap?.sections.values() ?? []) {
    for (const section of sections) {
      if (section.userStory !== null) claimed.set(section.userStory, section.priority)
    }
  }
  const lookups = new Map<number, SpecLookup>()
  for (const priority of priorities) {
    lookups.set(priority, lookUp(priority, sources, byNumber, claimed))
  }
  return lookups
}

/** Every file resolveSpecs may consider for these priorities (to read their titles first). */
export function candidateSpecFiles(priorities: readonly number[], sources: SpecSources): string[] {
  const byNumber = indexSpecsByNumber(sources.tree, sources.specsDir)
  const files = new Set<string>()
  for (const priority of priorities) {
    const sections = sources.roadmap?.sections.get(priority) ?? []
    const numbers = new Set([priority, ...sections.flatMap((section) => section.userStory ?? [])])
    for (const number of numbers) for (const file of byNumber.get(number) ?? []) files.add(file)
    for (const section of sections) {
      for (const link of specsLinkedFrom(section, sources)) files.add(link.file)
    }
  }
  return [...files]
}

function lookUp(
  priority: number,
  sources: SpecSources,
  byNumber: Map<number, string[]>,
  claimed: Map<number, number>
): SpecLookup {
  const { roadmap, roadmapFile, baseBranch } = sources
  const notes: string[] = []
  const sections = roadmap?.sections.get(priority) ?? []
  const stories = [...new Set(sections.flatMap((section) => section.userStory ?? []))]
  const guessed = stories.length === 0
  const numbers = guessed ? [priority] : stories

  if (sections.length > 1) {
    const lines = sections.map((section) => section.line).join(', ')
    notes.push(
      `${roadmapFile} has ${sections.length} "PRIORITY ${priority}" headings (lines ${lines}): read them all`
    )
  }
  if (stories.length > 1) {
    notes.push(
      `its headings name several user stories (${stories.map((n) => `US-${n}`).join(', ')})`
    )
  }

  const linked: SpecCandidate[] = []
  for (const section of sections) {
    for (const link of specsLinkedFrom(section, sources)) {
      const number = specNumberOf(link.file)
      if (number === null || numbers.includes(number) || link.labelled) {
        linked.push({ file: link.file, linked: true })
      } else {
        notes.push(
          `${roadmapFile}:${link.line} links ${posix.basename(link.file)}, the spec of another number (${number}): not read`
        )
      }
    }
  }
  const found: SpecCandidate[] = [...linked]
  for (const number of numbers) {
    const owner = claimed.get(number)
    const files = byNumber.get(number) ?? []
    if (guessed && owner !== undefined && owner !== priority && files.length > 0) {
      notes.push(
        `SPEC-${number}-* belongs to PRIORITY ${owner} (US-${number}): not taken as the spec of ${priority}, whose heading names no US id`
      )
      continue
    }
    for (const file of files) {
      if (!found.some((candidate) => candidate.file === file)) found.push({ file, linked: false })
    }
  }
  const title = sections.map((section) => section.title).join(' ')
  const chosen = chooseStories(found, title, sources.titleOf ?? (() => null))
  notes.push(...chosen.notes)
  const specFiles = [...new Set(chosen.files)].sort()

  if (specFiles.length === 0) {
    notes.push(notFoundMessage(priority, sections, numbers, sources))
    return { priority, specFiles, notes }
  }
  if (sections.length === 0) {
    const missing = roadmap ? `has no "PRIORITY ${priority}" heading` : `is not on ${baseBranch}`
    notes.push(`${roadmapFile} ${missing}: the spec was found by priority number (a guess)`)
  } else if (guessed && linked.length === 0) {
    notes.push(
      `guessed: the heading "${sections[0].heading}" names no US id, so the spec was looked up by the priority number ${priority}`
    )
  }
  if (specFiles.length > 1) {
    notes.push(`${specFiles.length} spec files found: all of them are read`)
  }
  return { priority, specFiles, notes }
}

function notFoundMessage(
  priority: number,
  sections: RoadmapSection[],
  numbers: number[],
  { roadmap, roadmapFile, specsDir, baseBranch }: SpecSources
): string {
  const where = specsDir ? `${specsDir}/` : 'the repository root'
  const names = numbers
    .map((n) => {
      const [whole, decimals] = String(n).split('.')
      const padded = whole.padStart(3, '0') + (decimals ? `-${decimals}` : '')
      const plain = decimals ? `${whole}-${decimals}` : whole
      const files =
        padded === plain ? `SPEC-${plain}-*.md` : `SPEC-${plain}-*.md, SPEC-${padded}-*.md`
      const story = sections.some((section) => section.userStory === n) ? ` (named by US-${n})` : ''
      return `${files} or a SPEC-${plain}-*/ folder${story}`
    })
    .join('; ')
  const hiddenLines = roadmap?.hidden.get(priority)
  const roadmapPart =
    sections.length > 0
      ? `in the "PRIORITY ${priority}" section of ${roadmapFile} (it links no spec)`
      : hiddenLines && roadmap?.unclosedFenceAt
        ? `for a "PRIORITY ${priority}" heading in ${roadmapFile} (the one on line ${hiddenLines[0]} is inside a code block opened at line ${roadmap.unclosedFenceAt} and never closed: close that fence)`
        : roadmap
          ? `for a "PRIORITY ${priority}" heading in ${roadmapFile} (there is none)`
          : `for ${roadmapFile} (not on ${baseBranch})`
  return (
    `scope unknown: no spec found on ${baseBranch}. Looked ${roadmapPart}, then for ${names} ` +
    `under ${where} (none). It counts as overlapping every other priority.`
  )
}

/** Spec files by number, from the files under specs-dir. */
function indexSpecsByNumber(tree: TreeListing, specsDir: string): Map<number, string[]> {
  const prefix = specsDir ? `${specsDir}/` : ''
  const byNumber = new Map<number, string[]>()
  for (const path of prefix ? tree.filesUnder(specsDir) : tree.files()) {
    if (!MARKDOWN.test(path)) continue
    const segments = path.slice(prefix.length).split('/')
    for (let index = 0; index < segments.length; index += 1) {
      const last = index === segments.length - 1
      const number = specNumberOf(segments[index], !last)
      if (number === null) continue
      const list = byNumber.get(number) ?? []
      list.push(path)
      byNumber.set(number, list)
      break
    }
  }
  return byNumber
}

interface SpecLink {
  file: string
  /** 1-based line in the ROADMAP. */
  line: number
  /** On a "Spec:" line: the priority's own spec, whatever its number. */
  labelled: boolean
}

/** Spec files the section links or names, leaving out references ("see", "related to"). */
function specsLinkedFrom(section: RoadmapSection, sources: SpecSources): SpecLink[] {
  const { tree, specsDir, roadmapFile } = sources
  const roadmapFolder = folderOf(roadmapFile)
  const lines = section.text.split(/\r?\n/)
  const candidates = new Map<string, SpecLink>()
  const offer = (path: string, line: number): void => {
    if (candidates.has(path)) return
    const text = lines[line - 1] ?? ''
    candidates.set(path, {
      file: path,
      line: section.line + line - 1,
      labelled: SPEC_LABEL.test(text)
    })
  }
  // References ("see", "related") are kept here: a spec of the priority's own number is its
  // spec however it is introduced, and lookUp drops other numbers unless on a "Spec:" line.
  for (const mention of scanMarkdown(section.text)) {
    const line = mention.line ?? 1
    const fromDocument = normaliseMention(mention, roadmapFolder)
    if (fromDocument) offer(fromDocument, line)
    if (mention.context === 'link') {
      // Links are often written from the repository root without the leading slash.
      const fromRoot = normaliseMention(mention, '')
      if (fromRoot) offer(fromRoot, line)
    }
  }
  lines.forEach((text, index) => {
    for (const name of text.match(SPEC_NAME_IN_TEXT) ?? []) offer(name, index + 1)
  })

  const isSpecPath = (path: string): boolean =>
    (specsDir !== '' && (path === specsDir || path.startsWith(`${specsDir}/`))) ||
    /^SPEC-/i.test(posix.basename(path))
  const links: SpecLink[] = []
  const push = (link: SpecLink): void => {
    if (!links.some((other) => other.file === link.file)) links.push(link)
  }
  for (const candidate of candidates.values()) {
    const path = candidate.file.replace(/\/$/, '')
    const places = path.includes('/')
      ? [path]
      : [path, posix.join(specsDir || '.', path), posix.join(roadmapFolder || '.', path)]
    for (const place of places) {
      if (tree.hasFile(place) && MARKDOWN.test(place) && isSpecPath(place)) {
        push({ ...candidate, file: place })
        break
      }
      if (place !== specsDir && tree.hasFolder(place) && isSpecPath(place)) {
        for (const file of tree.filesUnder(place).filter((name) => MARKDOWN.test(name))) {
          push({ ...candidate, file })
        }
        break
      }
    }
  }
  return links
}
