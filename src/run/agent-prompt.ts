import { open, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { RoadmapSectionText } from '../core/types.js'

/** What a priority's prompt is made of. */
export interface PromptFacts {
  priority: number
  /** The ROADMAP heading, when there is one. */
  title: string | null
  branch: string
  worktree: string
  base: string
  specFiles: readonly string[]
  /** The paths the separation found in the spec. */
  files: readonly string[]
  /**
   * The ROADMAP sections the priority was planned from when no spec served (the ROADMAP
   * fallback): its spec, in the prompt.
   */
  roadmapSections?: readonly RoadmapSectionText[]
  /** Whether what the agent leaves uncommitted is committed for it. */
  autoCommit: boolean
}

/** Spec text beyond these is cut (with a note): a prompt has to fit a model's context. */
const MAX_SPEC_CHARS = 200_000
const MAX_SPECS_CHARS = 600_000
const MAX_SPEC_BYTES_READ = MAX_SPEC_CHARS * 4

/** Where a priority's prompt is written: beside its log, outside every worktree. */
export function promptFilePath(logDir: string, priority: number): string {
  return join(logDir, `priority-${priority}.prompt.md`)
}

/**
 * Writes the priority's prompt: the repository's `prompt-template` with its placeholders
 * filled in, or the built-in one. Spec files are read from the worktree (base's version, the
 * one the agent sees).
 */
export async function writePromptFile(
  file: string,
  facts: PromptFacts,
  template: string | null
): Promise<void> {
  const values = await promptValues(facts)
  const text = template === null ? builtInPrompt(values) : fillTemplate(template, values)
  await writeFile(file, text.endsWith('\n') ? text : `${text}\n`)
}

/** The placeholders of a prompt template, by name. */
export type PromptValues = Record<(typeof PROMPT_PLACEHOLDERS)[number], string>

export const PROMPT_PLACEHOLDERS = [
  'priority',
  'branch',
  'worktree',
  'base',
  'title',
  'spec',
  'spec-files',
  'files',
  'rules'
] as const

const PLACEHOLDER = new RegExp(`\\{(${PROMPT_PLACEHOLDERS.join('|')})\\}`, 'g')

/** One pass: a value that itself holds `{title}` (a spec about templates) stays as it is. */
export function fillTemplate(template: string, values: PromptValues): string {
  return template.replace(PLACEHOLDER, (_match, name: keyof PromptValues) => values[name])
}

async function promptValues(facts: PromptFacts): Promise<PromptValues> {
  const title = facts.title?.trim() || `PRIORITY ${facts.priority}`
  return {
    priority: String(facts.priority),
    branch: facts.branch,
    worktree: facts.worktree,
    base: facts.base,
    title,
    spec: await specText(facts),
    'spec-files': facts.specFiles.join('\n'),
    files: facts.files.length
      ? facts.files.map((file) => `- ${file}`).join('\n')
      : '(the spec names no file of the repository: its scope is not known)',
    rules: rules(facts)
  }
}

function rules(facts: PromptFacts): string {
  const leftover = facts.autoCommit
    ? ' Changes you leave uncommitted are committed on it for you when you exit.'
    : ' Changes you leave uncommitted are not merged.'
  return [
    `- Work only inside this worktree: ${facts.worktree}. Change nothing outside it: not the main checkout, not other worktrees, not other branches.`,
    `- Commit your work on the branch ${facts.branch}, which is checked out here. Do not switch branches, rebase, merge, push or rewrite history.${leftover}`,
    `- The base branch is ${facts.base}: your branch is merged into it after you exit with status 0. Other priorities are being worked on at the same time; keep to the files below where you can.`,
    `- Done means: what the spec asks is implemented (with its tests, where the project has tests), the work is committed on ${facts.branch}, and you exit with status 0. If you cannot finish, say why and exit with a non-zero status.`
  ].join('\n')
}

function builtInPrompt(values: PromptValues): string {
  return [
    `# ${values.title}`,
    '',
    `You are implementing priority ${values.priority} of this repository's roadmap, in a git worktree made for it alone.`,
    '',
    '## Rules',
    '',
    values.rules,
    '',
    '## Files the spec names',
    '',
    values.files,
    '',
    values.spec
  ].join('\n')
}

async function specText(facts: PromptFacts): Promise<string> {
  const sections = facts.roadmapSections ?? []
  if (!facts.specFiles.length && !sections.length) {
    return '## Spec\n\n(no spec file was found for this priority: work from the title and the ROADMAP)'
  }
  const parts: string[] = []
  let budget = MAX_SPECS_CHARS
  // The ROADMAP fallback: the sections the priority was planned from are its spec.
  for (const section of sections) {
    const limit = Math.max(0, Math.min(MAX_SPEC_CHARS, budget))
    const text = section.text.replace(/\n{3,}/g, '\n\n').trim()
    const shown = text.length > limit ? text.slice(0, limit) : text
    budget -= shown.length
    parts.push(`## Spec: ${section.file}, the section at line ${section.line}`, '', shown, '')
    if (shown.length < text.length) {
      parts.push(
        `(… ${text.length - shown.length} more characters: read ${section.file} itself)`,
        ''
      )
    }
  }
  for (const file of facts.specFiles) {
    parts.push(`## Spec: ${file}`, '')
    const spec = await readSpec(join(facts.worktree, file))
    if (spec === null) {
      parts.push(`(${file} could not be read in the worktree)`, '')
      continue
    }
    const { text, size } = spec
    const limit = Math.max(0, Math.min(MAX_SPEC_CHARS, budget))
    const shown = text.length > limit ? text.slice(0, limit) : text
    budget -= shown.length
    parts.push(shown.trimEnd(), '')
    if (size > MAX_SPEC_BYTES_READ) {
      parts.push(`(… cut: ${file} is ${size} bytes; read it itself)`, '')
    } else if (shown.length < text.length) {
      parts.push(`(… ${text.length - shown.length} more characters: read ${file} itself)`, '')
    }
  }
  return parts.join('\n').trimEnd()
}

/**
 * The start of a spec: bytes enough for `MAX_SPEC_CHARS` characters (UTF-8 takes at most 4
 * each), never the whole of a 100 MB file; `size` is the file's.
 */
async function readSpec(path: string): Promise<{ text: string; size: number } | null> {
  try {
    const info = await stat(path)
    if (!info.isFile()) return null
    const file = await open(path, 'r')
    try {
      const buffer = Buffer.alloc(Math.min(info.size, MAX_SPEC_BYTES_READ))
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0)
      return { text: buffer.subarray(0, bytesRead).toString('utf8'), size: info.size }
    } finally {
      await file.close()
    }
  } catch {
    return null
  }
}
