import { posix } from 'node:path'
import type { TreeListing } from './base-tree.js'
import { scanMarkdown } from './markdown-mentions.js'
import { folderOf } from './path-extractor.js'
import { normaliseMention } from './path-normaliser.js'
import type { RoadmapSection } from './roadmap.js'

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
  /** The ROADMAP's sections, or null when the file is not on the base branch. */
  roadmap: Map<number, RoadmapSection[]> | null
}

/** `SPEC-108-parallel.md`, `SPEC-008.md`, `spec-0108_x.markdown`: the number, unpadded. */
const SPEC_FILE = /^SPEC-0*(\d+)(?:[-_.][^/]*)?\.(?:md|markdown)$/i
const SPEC_FOLDER = /^SPEC-0*(\d+)(?:[-_.][^/]*)?$/i
const MARKDOWN = /\.(?:md|markdown)$/i
/** A spec file named in running text of the ROADMAP: `see SPEC-108-parallel.md`. */
const SPEC_NAME_IN_TEXT = /\bSPEC-\d+[\w.-]*?\.(?:md|markdown)\b/gi

/**
 * Finds every priority's spec files on the base branch:
 * 1. the ROADMAP heading `PRIORITY <p>` gives the spec number: its `US-<n>` when it has one
 *    (specs are named by user story), else p itself;
 * 2. `SPEC-<n>-*.md` files (with or without zero padding) and every markdown file in
 *    `SPEC-<n>-*` folders, at any depth under specs-dir;
 * 3. spec files linked or named in the priority's ROADMAP section (a markdown file or folder
 *    under specs-dir, or named `SPEC-*`).
 * A priority's spec is never looked up by its priority number when its heading names a user
 * story: SPEC-<p> would then be another story's spec.
 */
export function resolveSpecs(
  priorities: readonly number[],
  sources: SpecSources
): Map<number, SpecLookup> {
  const byNumber = indexSpecsByNumber(sources.tree, sources.specsDir)
  const lookups = new Map<number, SpecLookup>()
  for (const priority of priorities) {
    lookups.set(priority, lookUp(priority, sources, byNumber))
  }
  return lookups
}

function lookUp(
  priority: number,
  sources: SpecSources,
  byNumber: Map<number, string[]>
): SpecLookup {
  const { roadmap, roadmapFile, baseBranch } = sources
  const notes: string[] = []
  const sections = roadmap?.get(priority) ?? []
  const stories = [...new Set(sections.flatMap((section) => section.userStory ?? []))]
  const numbers = stories.length > 0 ? stories : [priority]

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

  const found = new Set<string>()
  for (const section of sections) {
    for (const file of specsLinkedFrom(section, sources)) found.add(file)
  }
  for (const number of numbers) {
    for (const file of byNumber.get(number) ?? []) found.add(file)
  }
  const specFiles = [...found].sort()

  if (specFiles.length === 0) {
    notes.push(notFoundMessage(priority, sections, numbers, sources))
    return { priority, specFiles, notes }
  }
  if (sections.length === 0) {
    const missing = roadmap ? `has no "PRIORITY ${priority}" heading` : `is not on ${baseBranch}`
    notes.push(`${roadmapFile} ${missing}: the spec was found by priority number`)
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
      const padded = String(n).padStart(3, '0')
      const files = padded === String(n) ? `SPEC-${n}-*.md` : `SPEC-${n}-*.md, SPEC-${padded}-*.md`
      const story = sections.some((section) => section.userStory === n) ? ` (named by US-${n})` : ''
      return `${files} or a SPEC-${n}-*/ folder${story}`
    })
    .join('; ')
  const roadmapPart =
    sections.length > 0
      ? `in the "PRIORITY ${priority}" section of ${roadmapFile} (it links no spec)`
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
  for (const path of tree.files()) {
    if (!path.startsWith(prefix) || !MARKDOWN.test(path)) continue
    const segments = path.slice(prefix.length).split('/')
    for (let index = 0; index < segments.length; index += 1) {
      const last = index === segments.length - 1
      const match = (last ? SPEC_FILE : SPEC_FOLDER).exec(segments[index])
      if (!match) continue
      const number = Number(match[1])
      const list = byNumber.get(number) ?? []
      list.push(path)
      byNumber.set(number, list)
      break
    }
  }
  return byNumber
}

/** Spec files the section links or names. */
function specsLinkedFrom(section: RoadmapSection, sources: SpecSources): string[] {
  const { tree, specsDir, roadmapFile } = sources
  const roadmapFolder = folderOf(roadmapFile)
  const candidates = new Set<string>()
  for (const mention of scanMarkdown(section.text)) {
    const fromDocument = normaliseMention(mention, roadmapFolder)
    if (fromDocument) candidates.add(fromDocument)
    if (mention.context === 'link') {
      // Links are often written from the repository root without the leading slash.
      const fromRoot = normaliseMention(mention, '')
      if (fromRoot) candidates.add(fromRoot)
    }
  }
  for (const name of section.text.match(SPEC_NAME_IN_TEXT) ?? []) candidates.add(name)

  const isSpecPath = (path: string): boolean =>
    (specsDir !== '' && (path === specsDir || path.startsWith(`${specsDir}/`))) ||
    /^SPEC-/i.test(posix.basename(path))
  const files: string[] = []
  for (const candidate of candidates) {
    const path = candidate.replace(/\/$/, '')
    const places = path.includes('/')
      ? [path]
      : [path, posix.join(specsDir || '.', path), posix.join(roadmapFolder || '.', path)]
    for (const place of places) {
      if (tree.hasFile(place) && MARKDOWN.test(place) && isSpecPath(place)) {
        files.push(place)
        break
      }
      if (place !== specsDir && tree.hasFolder(place) && isSpecPath(place)) {
        files.push(...tree.filesUnder(place).filter((file) => MARKDOWN.test(file)))
        break
      }
    }
  }
  return files
}
