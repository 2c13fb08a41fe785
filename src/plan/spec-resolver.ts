import { posix } from 'node:path'
import type { TreeListing } from './base-tree.js'
import { scanMarkdown } from './markdown-mentions.js'
import { folderOf } from './path-extractor.js'
import { normaliseMention } from './path-normaliser.js'
import type { AnchoredSection, Roadmap, RoadmapSection } from './roadmap.js'
import type { SpecHeader } from './spec-header.js'
import {
  chooseStories,
  isCompanion,
  numberedFolderOf,
  numberedName,
  specNumberOf,
  storyOf,
  wordsOf,
  type NumberKind,
  type SpecCandidate
} from './spec-stories.js'

/** The spec files found for one priority, and what a reader should know about them. */
export interface SpecLookup {
  priority: number
  specFiles: string[]
  notes: string[]
  /** Story sections of the ROADMAP its section links in-page (`[US-055](#us-055-…)`). */
  storySections: AnchoredSection[]
  /** The title of its spec (spec-kit's `spec.md` first heading) when the ROADMAP gives none. */
  specTitle: string | null
}

export interface SpecSources {
  tree: TreeListing
  baseBranch: string
  specsDir: string
  roadmapFile: string
  /** The ROADMAP, or null when the file is not on the base branch. */
  roadmap: Roadmap | null
  /** A spec file's title, declared ids and whether it is a placeholder, when read. */
  headerOf?: (file: string) => SpecHeader | null
  /**
   * Markdown files to search by front matter and title for priorities that no number or link
   * resolves (see searchableSpecFiles); their headers come from headerOf.
   */
  searchFiles?: readonly string[]
}

/** The spec files found by number, by what their names number. */
interface SpecIndex {
  spec: Map<number, string[]>
  story: Map<number, string[]>
  priority: Map<number, string[]>
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
 *    markdown file in `SPEC-<n>-*` folders, at any depth under specs-dir; spec-kit's feature
 *    folders `NNN-name/` directly under specs-dir (priority 1 is `001-*`); files or folders
 *    named by the story (`US-055-*`) or the priority (`PRIORITY-12-*`);
 * 3. spec files linked or named in the priority's ROADMAP section (and in the story sections
 *    it links in-page, `[US-055](#us-055-…)`): those of its own number, those with no
 *    number, and those on a "Spec:" line; never those it only refers to ("see", "related",
 *    "depends on") nor other stories' specs (noted). A link to a spec that has moved finds
 *    it by its file name;
 * 4. placeholders (`TBD`, an unfilled template) and dropped specs (`Status: ❌ Dropped`, unless
 *    on a "Spec:" line) are not specs: the search goes on (noted);
 * 5. a spec found by number only must agree with the ROADMAP: its declared priority or story,
 *    else its title or name sharing a word with the ROADMAP title; one that contradicts it is
 *    another story's (numbers get reused) and is not read (noted);
 * 6. when one number matches specs of several stories, those of the priority's story stay
 *    (on its "Spec:" line, else linked nearest its heading, else the file name or title
 *    matching its ROADMAP title; versions, parts, phase folders and addenda of one story stay
 *    together) and the others go, each choice noted;
 * 7. a priority still without a spec takes the one document that declares it in its front
 *    matter (`Roadmap Item: PRIORITY-12`, `User Story: US-055`), else the one whose title
 *    carries its ROADMAP title, from searchFiles (noted).
 * A priority's spec is never guessed by its priority number when that number is another
 * priority's user story.
 */
export function resolveSpecs(
  priorities: readonly number[],
  sources: SpecSources
): Map<number, SpecLookup> {
  const index = indexSpecs(sources.tree, sources.specsDir)
  const claimed = new Map<number, number>()
  for (const sections of sources.roadmap?.sections.values() ?? []) {
    for (const section of sections) {
      if (section.userStory !== null) claimed.set(section.userStory, section.priority)
    }
  }
  const lookups = new Map<number, SpecLookup>()
  for (const priority of priorities) {
    lookups.set(priority, lookUp(priority, sources, index, claimed))
  }
  if (sources.searchFiles?.length) {
    const taken = new Set([...lookups.values()].flatMap((lookup) => lookup.specFiles))
    for (const lookup of lookups.values()) {
      if (lookup.specFiles.length === 0) searchByHeader(lookup, sources, taken, claimed)
    }
  }
  return lookups
}

/** Every file resolveSpecs may consider for these priorities (to read their headers first). */
export function candidateSpecFiles(priorities: readonly number[], sources: SpecSources): string[] {
  const index = indexSpecs(sources.tree, sources.specsDir)
  const files = new Set<string>()
  for (const priority of priorities) {
    const sections = sources.roadmap?.sections.get(priority) ?? []
    const stories = sections.flatMap((section) => section.userStory ?? [])
    for (const { file } of byNumber(
      index,
      priority,
      stories.length ? stories : [priority],
      stories
    )) {
      files.add(file)
    }
    for (const section of sections) {
      for (const link of specsLinkedFrom(section, sources)) files.add(link.file)
      for (const story of storySectionsLinkedFrom(section, sources.roadmap)) {
        for (const link of specsLinkedFrom(story, sources)) files.add(link.file)
      }
    }
  }
  return [...files]
}

/**
 * The markdown files to search by front matter and title when a priority has no spec by
 * number or link: those under specs-dir, the ROADMAP's folder, and the usual homes of design
 * documents (`docs/`, `specs/`, `design/`, `planning/`), at most MAX_SEARCHED.
 */
export function searchableSpecFiles(sources: SpecSources): string[] {
  const { tree, specsDir, roadmapFile } = sources
  const places = [specsDir, folderOf(roadmapFile), 'docs', 'specs', 'design', 'planning']
  const found = new Set<string>()
  for (const place of places) {
    const files = place ? tree.filesUnder(place) : [...tree.files()]
    for (const file of files) if (MARKDOWN.test(file) && file !== roadmapFile) found.add(file)
  }
  return [...found].slice(0, MAX_SEARCHED)
}

const MAX_SEARCHED = 5000
/** Title words that say what a document is, not which story (as wordsOf leaves them). */
const GENERIC_TITLE_WORDS = new Set(
  'technical document overview requirement proposal rfc addendum appendix note detail readme index plan task phase part version'.split(
    ' '
  )
)
/** A line that makes a link a dependency, not the priority's own story: "depends on [US-3](#…)". */
const DEPENDENCY =
  /\b(?:depends?|dependency|dependencies|after|blocked|blocks|requires|prerequisites?|unlike|supersedes?)\b/i

function byNumber(
  index: SpecIndex,
  priority: number,
  numbers: readonly number[],
  stories: readonly number[]
): { file: string; kind: NumberKind }[] {
  const found: { file: string; kind: NumberKind }[] = []
  for (const number of numbers) {
    for (const file of index.spec.get(number) ?? []) found.push({ file, kind: 'spec' })
  }
  for (const story of stories) {
    for (const file of index.story.get(story) ?? []) found.push({ file, kind: 'story' })
  }
  for (const file of index.priority.get(priority) ?? []) found.push({ file, kind: 'priority' })
  return found
}

function lookUp(
  priority: number,
  sources: SpecSources,
  index: SpecIndex,
  claimed: Map<number, number>
): SpecLookup {
  const { roadmap, roadmapFile, baseBranch } = sources
  const headerOf = sources.headerOf ?? (() => null)
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

  const storySections: AnchoredSection[] = []
  const linked: SpecCandidate[] = []
  const offerLinks = (links: SpecLink[], from: { line: number }, far: number): void => {
    for (const link of links) {
      const number = specNumberOf(link.file)
      if (number === null || numbers.includes(number) || link.labelled) {
        linked.push({
          file: link.file,
          linked: true,
          labelled: link.labelled,
          distance: far + link.line - from.line
        })
        if (link.movedFrom) {
          notes.push(
            `${roadmapFile}:${link.line} links ${link.movedFrom}, which is not on ${baseBranch}: read ${link.file} (found by its name)`
          )
        }
      } else {
        notes.push(
          `${roadmapFile}:${link.line} links ${posix.basename(link.file)}, the spec of another number (${number}): not read`
        )
      }
    }
  }
  for (const section of sections) {
    offerLinks(specsLinkedFrom(section, sources), section, 0)
    for (const story of storySectionsLinkedFrom(section, roadmap)) {
      storySections.push(story)
      // A story's own section is as near as the priority's heading gets: its spec is the one.
      offerLinks(specsLinkedFrom(story, sources), story, 0)
    }
  }
  if (storySections.length > 0) {
    notes.push(
      `read the story ${storySections.length > 1 ? 'sections' : 'section'} its ROADMAP section links: ${storySections.map((story) => `"${story.heading}" (line ${story.line})`).join(', ')}`
    )
  }

  const found: SpecCandidate[] = []
  const placeholders: string[] = []
  const retired: string[] = []
  // A short document in a story's folder (spec-kit's `spec.md` names no path by design) is one
  // of its documents, not a placeholder hiding the real spec.
  const inFolderStory = (file: string): boolean => numberedFolderOf(file) >= 0
  const offer = (candidate: SpecCandidate): void => {
    if (found.some((other) => other.file === candidate.file)) return
    const header = headerOf(candidate.file)
    if (header?.placeholder && !inFolderStory(candidate.file)) {
      if (!placeholders.includes(candidate.file)) placeholders.push(candidate.file)
      return
    }
    // A dropped story's spec whose number was reused: only a "Spec:" line makes it the spec.
    if (header?.retired && !candidate.labelled) {
      if (!retired.includes(candidate.file)) retired.push(candidate.file)
      return
    }
    found.push(candidate)
  }
  for (const candidate of linked) offer(candidate)
  const title = sections.map((section) => section.title).join(' ')
  const disagreeing: string[] = []
  const owners = new Set<number>()
  for (const { file, kind } of byNumber(index, priority, numbers, stories)) {
    const number = kind === 'priority' ? priority : numberOf(file, kind)
    const owner = kind === 'spec' && number !== null ? claimed.get(number) : undefined
    if (guessed && owner !== undefined && owner !== priority) {
      owners.add(number as number)
      continue
    }
    offer({ file, linked: false })
  }
  for (const number of owners) {
    notes.push(
      `SPEC-${number}-* belongs to PRIORITY ${claimed.get(number)} (US-${number}): not taken as the spec of ${priority}, whose heading names no US id`
    )
  }
  if (placeholders.length) {
    notes.push(
      `placeholder, treated as absent: ${placeholders.map((file) => posix.basename(file)).join(', ')} (no path of its own: "TBD", or an unfilled template)`
    )
  }
  if (retired.length) {
    notes.push(
      `dropped, treated as absent: ${retired.map((file) => posix.basename(file)).join(', ')} (its status says the story was dropped)`
    )
  }
  const chosen = chooseStories(found, title, (file) => headerOf(file)?.title ?? null)
  notes.push(...chosen.notes)
  // An addendum or phase file follows its story: its own title need not repeat the ROADMAP's.
  const companionOfKept = (file: string): boolean =>
    isCompanion(file) && chosen.files.some((other) => other !== file && !isCompanion(other))
  // Found by number alone, even as the only candidate or among equals: it must agree.
  const agreeing = chosen.files.filter((file) => {
    const candidate = found.find((other) => other.file === file)
    // A link is the section's word, unless the document declares another priority itself
    // (a link to a folder of exported specs): only a "Spec:" line outweighs that.
    const why = candidate?.labelled
      ? null
      : candidate?.linked
        ? declaredElsewhere(priority, stories, headerOf(file))
        : companionOfKept(file)
          ? declaredElsewhere(priority, stories, headerOf(file))
          : disagreement(file, priority, stories, title, headerOf(file))
    if (why) disagreeing.push(`${posix.basename(file)} (${why})`)
    return why === null
  })
  if (disagreeing.length) {
    notes.push(`another story's spec (numbers get reused), not read: ${disagreeing.join('; ')}`)
  }
  const specFiles = [...new Set(agreeing)].sort()
  const specTitle = titleOfSpec(specFiles, headerOf)

  if (specFiles.length === 0) {
    notes.push(notFoundMessage(priority, sections, numbers, sources))
    return { priority, specFiles, notes, storySections, specTitle }
  }
  if (sections.length === 0) {
    const feature = specKitFolder(specFiles, sources.specsDir)
    const missing = roadmap ? `has no "PRIORITY ${priority}" heading` : `is not on ${baseBranch}`
    notes.push(
      feature
        ? `${roadmapFile} ${missing}: spec-kit feature folder ${feature}/ (priority ${priority} is its number)`
        : `${roadmapFile} ${missing}: the spec was found by priority number (a guess)`
    )
  } else if (guessed && linked.length === 0) {
    notes.push(
      `guessed: the heading "${sections[0].heading}" names no US id, so the spec was looked up by the priority number ${priority}`
    )
  }
  if (specFiles.length > 1) {
    notes.push(`${specFiles.length} spec files found: all of them are read`)
  }
  return { priority, specFiles, notes, storySections, specTitle }
}

function numberOf(file: string, kind: NumberKind): number | null {
  const segments = file.split('/')
  for (let at = segments.length - 1; at >= 0; at -= 1) {
    const named = numberedName(segments[at], at < segments.length - 1, true)
    if (named && named.kind === kind) return named.number
  }
  return null
}

/**
 * Why a spec found by number only is not the priority's: it declares another priority or
 * story, or neither its title nor its name shares a word with the ROADMAP title (its name
 * alone only when the number is the priority's, a guess). Null when it agrees, or when there
 * is nothing to compare with.
 */
function disagreement(
  file: string,
  priority: number,
  stories: readonly number[],
  roadmapTitle: string,
  header: SpecHeader | null
): string | null {
  if (header && (header.priorities.length || header.stories.length)) {
    return declaredElsewhere(priority, stories, header)
  }
  const wanted = wordsOf(roadmapTitle)
  // A heading's US id points at the number on purpose: then only a title can contradict it.
  if (wanted.size === 0 || (stories.length > 0 && !header?.title)) return null
  const words = new Set(
    [...wordsOf(storyNameOf(file)), ...wordsOf(header?.title ?? '')].filter(
      (word) => !GENERIC_TITLE_WORDS.has(word)
    )
  )
  // "SPEC-108: Technical specification" says nothing of its story: nothing to contradict.
  if (words.size === 0 || [...wanted].some((word) => words.has(word))) return null
  return `"${header?.title ?? posix.basename(file)}" shares no word with "${roadmapTitle}"`
}

/** The story's name in a spec's file or folder name (`recipes`), or '' (`SPEC-110.md`). */
function storyNameOf(file: string): string {
  const story = storyOf(file)
  return story.endsWith('/') ? '' : posix.basename(story)
}

/** "it declares PRIORITY 18" when the header declares ids and none is this priority's. */
function declaredElsewhere(
  priority: number,
  stories: readonly number[],
  header: SpecHeader | null
): string | null {
  if (!header || (header.priorities.length === 0 && header.stories.length === 0)) return null
  if (header.priorities.includes(priority)) return null
  if (header.stories.some((story) => stories.includes(story))) return null
  const declared = [
    ...header.priorities.map((n) => `PRIORITY ${n}`),
    ...header.stories.map((n) => `US-${n}`)
  ]
  return `it declares ${declared.join(', ')}`
}

/**
 * The one searchable document that declares the priority (or its story) in its front matter,
 * else the one whose title carries most of its ROADMAP title.
 */
function searchByHeader(
  lookup: SpecLookup,
  sources: SpecSources,
  taken: Set<string>,
  claimed: Map<number, number>
): void {
  const headerOf = sources.headerOf ?? (() => null)
  const { priority } = lookup
  const sections = sources.roadmap?.sections.get(priority) ?? []
  const stories = sections.flatMap((section) => section.userStory ?? [])
  const title = sections.map((section) => section.title).join(' ')
  const free = (sources.searchFiles ?? []).filter((file) => !taken.has(file))
  const declaring = free.filter((file) => {
    const header = headerOf(file)
    return (
      header !== null &&
      !header.placeholder &&
      !header.retired &&
      (header.priorities.includes(priority) || header.stories.some((s) => stories.includes(s)))
    )
  })
  let files: string[] = []
  let why = ''
  if (declaring.length > 0) {
    const story = storyOf(declaring[0])
    files = declaring.filter((file) => storyOf(file) === story || declaring.length === 1)
    why = 'its front matter or title declares it'
  } else {
    const wanted = wordsOf(title)
    if (wanted.size < 2) return
    let best = 0
    let top: string[] = []
    for (const file of free) {
      const header = headerOf(file)
      if (!header?.title || header.placeholder || header.retired) continue
      if (header.priorities.length || header.stories.length) continue
      const spec = specNumberOf(file)
      if (spec !== null && claimed.has(spec) && claimed.get(spec) !== priority) continue
      const words = wordsOf(header.title)
      const shared = [...wanted].filter((word) => words.has(word)).length
      if (shared > best) [best, top] = [shared, [file]]
      else if (shared === best) top.push(file)
    }
    if (top.length !== 1 || best < Math.max(2, Math.ceil(wanted.size * 0.6))) return
    files = top
    why = `its title matches the ROADMAP title "${title}"`
  }
  for (const file of files) taken.add(file)
  lookup.specFiles = files.sort()
  lookup.specTitle ??= titleOfSpec(lookup.specFiles, headerOf)
  // The "not found" note no longer holds.
  lookup.notes = lookup.notes.filter((note) => !note.startsWith('scope unknown: no spec found'))
  lookup.notes.push(`found by its header, not by number: ${files.join(', ')} (${why})`)
}

/** spec-kit's `spec.md` title, else the first spec file's. */
function titleOfSpec(
  files: readonly string[],
  headerOf: (file: string) => SpecHeader | null
): string | null {
  const main = files.find((file) => /^spec\.md$/i.test(posix.basename(file))) ?? files[0]
  return main ? (headerOf(main)?.title ?? null) : null
}

/** The spec-kit feature folder (`specs/001-albums`) all these files are in, if any. */
function specKitFolder(files: readonly string[], specsDir: string): string | null {
  const prefix = specsDir ? `${specsDir}/` : ''
  const folders = new Set(
    files.map((file) => {
      const first = file.slice(prefix.length).split('/')[0]
      return file.startsWith(prefix) &&
        file.slice(prefix.length).includes('/') &&
        numberedName(first, true, true)?.kind === 'spec' &&
        specNumberOf(first, true) === null
        ? `${prefix}${first}`
        : null
    })
  )
  const [only] = folders
  return folders.size === 1 && only ? only : null
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

/**
 * Spec files by what their names number, from the files under specs-dir: `SPEC-<n>-*` files
 * and folders at any depth, `US-<n>-*` and `PRIORITY-<n>-*` ones, and spec-kit's `NNN-name`
 * directly under specs-dir.
 */
function indexSpecs(tree: TreeListing, specsDir: string): SpecIndex {
  const prefix = specsDir ? `${specsDir}/` : ''
  const index: SpecIndex = { spec: new Map(), story: new Map(), priority: new Map() }
  for (const path of prefix ? tree.filesUnder(specsDir) : tree.files()) {
    if (!MARKDOWN.test(path)) continue
    const segments = path.slice(prefix.length).split('/')
    for (let at = 0; at < segments.length; at += 1) {
      const named = numberedName(segments[at], at < segments.length - 1, at === 0 && prefix !== '')
      if (named === null) continue
      const map = index[named.kind]
      const list = map.get(named.number) ?? []
      list.push(path)
      map.set(named.number, list)
      break
    }
  }
  return index
}

interface SpecLink {
  file: string
  /** 1-based line in the ROADMAP. */
  line: number
  /** On a "Spec:" line: the priority's own spec, whatever its number. */
  labelled: boolean
  /** The link's target when it is not in the tree and the file was found by its name. */
  movedFrom?: string
}

/**
 * The story sections a priority's section links in-page (`See [US-055](#us-055-csv-export)`):
 * they often link the real spec and list the files. Not another priority's section, nor a
 * story another priority's heading names, nor a dependency ("depends on [US-3](#…)").
 */
function storySectionsLinkedFrom(
  section: RoadmapSection,
  roadmap: Roadmap | null
): AnchoredSection[] {
  if (!roadmap || !section.text.includes('](#')) return []
  const found: AnchoredSection[] = []
  for (const line of section.text.split(/\r?\n/)) {
    if (!line.includes('](#') || DEPENDENCY.test(line)) continue
    for (const match of line.matchAll(/\]\(#([^)\s]+)\)/g)) {
      let slug = match[1]
      try {
        slug = decodeURIComponent(slug)
      } catch {
        // a stray % sign: keep it as written
      }
      const target = roadmap.anchors.get(slug.toLowerCase())
      if (!target || target.line === section.line || found.includes(target)) continue
      if (target.priority !== null && target.priority !== section.priority) continue
      const others = target.stories.filter((story) => {
        const owners = [...roadmap.sections.values()].flat().filter((s) => s.userStory === story)
        return owners.some((owner) => owner.priority !== section.priority)
      })
      if (others.length > 0) continue
      found.push(target)
    }
  }
  return found
}

/** Spec files the section links or names, leaving out references ("see", "related to"). */
function specsLinkedFrom(
  section: { line: number; text: string },
  sources: SpecSources
): SpecLink[] {
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
    path
      .split('/')
      .some((segment, at, all) => numberedName(segment, at < all.length - 1, false) !== null)
  const links: SpecLink[] = []
  const push = (link: SpecLink): void => {
    if (!links.some((other) => other.file === link.file)) links.push(link)
  }
  const moved: SpecLink[] = []
  for (const candidate of candidates.values()) {
    const path = candidate.file.replace(/\/$/, '')
    const places = path.includes('/')
      ? [path]
      : [path, posix.join(specsDir || '.', path), posix.join(roadmapFolder || '.', path)]
    let placed = false
    for (const place of places) {
      if (tree.hasFile(place) && MARKDOWN.test(place) && isSpecPath(place)) {
        push({ ...candidate, file: place })
        placed = true
        break
      }
      if (place !== specsDir && tree.hasFolder(place) && isSpecPath(place)) {
        for (const file of tree.filesUnder(place).filter((name) => MARKDOWN.test(name))) {
          push({ ...candidate, file })
        }
        placed = true
        break
      }
    }
    if (!placed && MARKDOWN.test(path) && !tree.hasFile(path)) moved.push(candidate)
  }
  // A link to a spec that has since moved: the one file of that name elsewhere.
  for (const candidate of moved) {
    const name = posix.basename(candidate.file)
    const matches = tree.filesNamed(name).filter(isSpecPath)
    if (matches.length === 1 && (isSpecPath(candidate.file) || specNumberOf(name) !== null)) {
      push({ ...candidate, file: matches[0], movedFrom: candidate.file })
    }
  }
  return links
}
