import type { RunResult, TaskResult } from '../core/types.js'
import { annotationsCapped, RUNNER_ANNOTATION_CAPS, type AnnotationCaps } from './annotations.js'
import { renderWithin, type Section } from './bounded-document.js'
import {
  clockTime,
  code,
  codeBlock,
  escapeInline,
  formatDuration,
  plural,
  truncate
} from './format.js'
import { headline } from './headline.js'
import { exitExplains, OUTCOME_ICON, OUTCOME_WORD, outcomeOf, statusCell } from './outcome.js'
import { renderPlanSummary } from './plan-summary.js'
import { commitsKept, listProblems, shortError } from './problems.js'
import { timingSentence } from './timing-text.js'
import { conflictCommands, type BranchLocation } from './resolve-commands.js'
import { overlapPairs, overlapsBefore, separationInBrief } from './separation-text.js'

export { headline }
import { renderTimeline, TIMELINE_LEGEND } from './timeline.js'
import { costSentence } from './cost.js'
import { usageCell } from '../core/usage.js'
import { describeStartLimitChange } from '../core/start-limit-text.js'
import { linked, NO_LINKS, type RepositoryLinks } from './links.js'
import { failureLogOf } from './log-tail.js'
import { scopeSection, verifySection } from './queue-summary.js'

/** A step summary is at most 1 MiB; keep a little room for what the runner adds. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 1024

export interface SummaryOptions {
  /** Where the kept branches are, for the commands that resolve a conflict (default `local`). */
  branches?: BranchLocation
  /** Size limit in UTF-8 bytes (default: the step summary's). */
  limitBytes?: number
  /** The run's page, linked where something had to be left out. */
  runUrl?: string
  /** Draw the mermaid timeline (default true). */
  timeline?: boolean
  /** Characters of each failure's error to show (default 4,000). */
  errorChars?: number
  /** The annotation caps in force, to know whether the full problem list is needed. */
  annotationCaps?: AnnotationCaps
  /** Links to commits, branches and compare views (only where they are on GitHub). */
  links?: RepositoryLinks
  /** The last lines of each failed agent's log, by priority. */
  logTails?: ReadonlyMap<number, readonly string[]>
  /** The folder of the agents' logs on this machine. */
  logDir?: string
  /** The artifact a later step uploads the log folder as. */
  logArtifact?: string
}

/** What the README's workflow and the examples name the artifact of the agents' logs. */
export const LOG_ARTIFACT = 'parallel-worktree-logs'

const MAX_FILES_PER_CONFLICT = 50
const MAX_PATHS_PER_OVERLAP = 20

/** The merge column of a task's row; its commit linked where `links` can link one. */
export function mergeCell(task: TaskResult, links?: Pick<RepositoryLinks, 'commit'>): string {
  switch (task.merge) {
    case 'merged':
      return `✅ merged${task.merge_commit ? ` ${linked(code(task.merge_commit.slice(0, 7)), links?.commit(task.merge_commit) ?? null)}` : ''}`
    case 'conflict':
      return `⚔️ conflict (${plural(task.conflict_files.length, 'file')})`
    case 'failed':
      return '❌ failed'
    case 'verify-failed':
      return '🧪 verify failed'
    default:
      return '—'
  }
}

/** A branch in a cell: linked to its tree while it exists there (it was kept). */
function branchCell(task: TaskResult, links: RepositoryLinks): string {
  const kept = task.merge !== 'merged' && task.commits > 0
  return linked(code(task.branch), kept ? links.branch(task.branch) : null)
}

/** Which of the optional columns some priority fills: a column of dashes says nothing. */
interface ShownColumns {
  cost: boolean
  error: boolean
}

function tableRow(task: TaskResult, links: RepositoryLinks, shown: ShownColumns): string {
  const ran = task.started_at !== null
  const cells = [
    String(task.priority),
    branchCell(task, links),
    `${statusCell(task).icon} ${statusCell(task).word}`,
    ran ? formatDuration(task.duration_ms) : '—',
    ran ? String(task.commits) : '—',
    mergeCell(task, links),
    ...(shown.cost ? [usageCell(task.usage) ?? '—'] : []),
    ...(shown.error ? [escapeInline(shortError(task))] : [])
  ]
  return `| ${cells.join(' | ')} |`
}

function tableSection(result: RunResult, links: RepositoryLinks): Section {
  const shown: ShownColumns = {
    cost: result.tasks.some((task) => usageCell(task.usage) !== null),
    error: result.tasks.some((task) => shortError(task) !== '')
  }
  return {
    name: 'Priorities table',
    head: [
      '### Priorities',
      '',
      `| Priority | Branch | Status | Duration | Commits | Merge |${shown.cost ? ' Cost |' : ''}${shown.error ? ' Error |' : ''}`,
      `|---:|---|---|---:|---:|---|${shown.cost ? '---:|' : ''}${shown.error ? '---|' : ''}`
    ].join('\n'),
    items: result.tasks.map((task) => tableRow(task, links, shown)),
    tail: '',
    leftOutNote: (count) =>
      `\n_… and ${plural(count, 'more priority', 'more priorities')} (size limit)._`
  }
}

/** What the run cost, and how much of its budget, when anything is known of either. */
function costSection(result: RunResult): Section | null {
  const sentence = costSentence(result)
  return sentence ? { name: 'Cost', head: `💰 ${sentence}\n`, items: [] } : null
}

function warningsSection(result: RunResult): Section | null {
  if (!result.warnings.length) return null
  return {
    name: 'Warnings',
    head: '### ⚠️ Warnings\n',
    items: result.warnings.map((warning) => `- ${escapeInline(truncate(warning, 2000))}`),
    tail: '',
    leftOutNote: (count) => `- _… and ${plural(count, 'more warning')}_`
  }
}

function fileList(files: string[]): string {
  const shown = files.slice(0, MAX_FILES_PER_CONFLICT).map(code).join(', ')
  const more = files.length - MAX_FILES_PER_CONFLICT
  return more > 0 ? `${shown} and ${more} more` : shown || '_(not known)_'
}

function conflictsSection(
  result: RunResult,
  where: BranchLocation,
  links: RepositoryLinks
): Section | null {
  const conflicted = result.tasks.filter((task) => task.merge === 'conflict')
  if (!conflicted.length) return null
  const base = code(result.base_branch)
  const intro =
    where === 'local'
      ? `Each branch below was kept, and ${base} was left as it was. To resolve one, in this repository:`
      : where === 'origin'
        ? `Each branch below was kept and pushed, and ${base} was left as it was. To resolve one, in a clone:`
        : `⚠️ These branches were **not pushed** (\`push: false\`): they are gone with this runner, ` +
          `and ${base} was left as it was. Run again with \`push: true\` to keep them and resolve them in a clone.`
  return {
    name: 'Conflicts',
    head: `### ⚔️ Conflicts (${conflicted.length})\n\n${intro}\n`,
    items: conflicted.map((task) =>
      [
        `#### PRIORITY ${task.priority} · ${code(task.branch)}`,
        '',
        `Conflicts with ${base} in ${fileList(task.conflict_files)}.`,
        '',
        ...[branchLinks(task, result.base_branch, links)].flatMap((text) =>
          text ? [text, ''] : []
        ),
        ...(where === 'runner'
          ? []
          : [codeBlock(conflictCommands(task, result.base_branch, where).join('\n'), 'sh'), ''])
      ].join('\n')
    ),
    leftOutNote: (count) => `_… and ${plural(count, 'more conflict')} (size limit)._\n`
  }
}

function failureTitle(task: TaskResult): string {
  const outcome = outcomeOf(task)
  const exit = exitExplains(task) ? ` (exit code ${task.exit_code})` : ''
  const after = task.started_at ? ` after ${formatDuration(task.duration_ms)}` : ''
  return `#### ${OUTCOME_ICON[outcome]} PRIORITY ${task.priority} · ${code(task.branch)} · ${OUTCOME_WORD[outcome]}${exit}${after}`
}

/** `[branch](…) · [compare with roadmap](…)` for a kept branch on GitHub, or nothing. */
function branchLinks(task: TaskResult, base: string, links: RepositoryLinks): string | null {
  if (task.merge === 'merged' || task.commits === 0) return null
  const branch = links.branch(task.branch)
  const compare = links.compare(base, task.branch)
  if (!branch || !compare) return null
  return `[The branch](${branch}) · [its changes against ${escapeInline(base)}](${compare})`
}

function failuresSection(
  result: RunResult,
  errorChars: number,
  where: BranchLocation,
  options: SummaryOptions
): Section | null {
  const links = options.links ?? NO_LINKS
  const failed = result.tasks.filter((task) =>
    ['merge-failed', 'verify-failed', 'failed', 'timed-out', 'cancelled', 'no-changes'].includes(
      outcomeOf(task)
    )
  )
  if (!failed.length) return null
  return {
    name: 'Failures',
    head: `### ❌ Failures (${failed.length})\n`,
    items: failed.map((task) => {
      const lines = [failureTitle(task), '']
      if (outcomeOf(task) === 'no-changes')
        lines.push('The agent exited 0 but left no commit to merge.', '')
      if (task.commits > 0 && task.merge !== 'merged')
        lines.push(`${commitsKept(task, where, code)}.`, '')
      const onGitHub = branchLinks(task, result.base_branch, links)
      if (onGitHub) lines.push(onGitHub, '')
      const error = (task.error ?? '').trim()
      const tail = options.logTails?.get(task.priority)
      if (tail && tail.length) {
        // The end of the log says more than the error, which quotes its last line.
        if (error) lines.push(escapeInline(shortError(task, 300)), '')
        const log = failureLogOf(task, result)
        const whose = log?.verify ? "verify-command's output" : 'its log'
        lines.push(
          `The last ${plural(tail.length, 'line')} of ${whose} (${code(log?.file ?? task.log_file ?? '')}):`,
          '',
          codeBlock(tail.map((line) => truncate(line, 400)).join('\n'), 'text'),
          ''
        )
      } else if (error) {
        const shown = truncate(
          error,
          errorChars,
          `\n… (${error.length - errorChars} more characters)`
        )
        lines.push(codeBlock(shown, 'text'), '')
        if (task.log_file) lines.push(`Log file: ${code(task.log_file)}`, '')
      } else if (task.log_file) lines.push(`Log file: ${code(task.log_file)}`, '')
      return lines.join('\n')
    }),
    leftOutNote: (count) => `_… and ${plural(count, 'more failure')} (size limit)._\n`
  }
}

/** Where the agents' full logs are, and the artifact to download them from. */
function logsSection(result: RunResult, options: SummaryOptions): Section | null {
  if (!options.logDir || !result.tasks.some((task) => task.log_file)) return null
  const artifact = options.logArtifact ?? LOG_ARTIFACT
  const where = options.runUrl ? `the [run's page](${options.runUrl}#artifacts)` : "the run's page"
  return {
    name: 'Logs',
    head:
      `### 📄 Agents' logs\n\n` +
      `One file per run of a priority's agent (a re-run writes its own) in ${code(options.logDir)} (the \`log-dir\` output), gone with the runner ` +
      `unless a later step uploads it: the README's workflow keeps it as the artifact ` +
      `**${escapeInline(artifact)}** (\`actions/upload-artifact\` with \`path: \${{ steps.<id>.outputs.log-dir }}\`); ` +
      `download it from ${where}.\n`,
    items: result.tasks
      .filter((task) => (task.log_files?.length ?? 0) > 1)
      .map(
        (task) =>
          `- **PRIORITY ${task.priority}**, every run oldest first: ${task.log_files.map((file) => code(file)).join(', ')}`
      ),
    tail: '',
    leftOutNote: (count) => `- _… and ${count} more_`
  }
}

function skippedSection(result: RunResult): Section | null {
  const skipped = result.tasks.filter((task) => task.status === 'skipped')
  if (!skipped.length) return null
  return {
    name: 'Skipped',
    head: `### ⏭️ Skipped (${skipped.length})\n`,
    items: skipped.map(
      (task) =>
        `- **PRIORITY ${task.priority}** (${code(task.branch)}): ${escapeInline(truncate(task.error ?? 'not started', 500))}`
    ),
    tail: '',
    leftOutNote: (count) => `- _… and ${count} more_`
  }
}

function timingSections(result: RunResult, drawTimeline: boolean): Section[] {
  const sentence = timingSentence(result, '**')
  const sections: Section[] = [
    { name: 'Timing', head: `### ⏱️ Timing\n\n${sentence}\n`, items: [] }
  ]
  const changes = result.start_limit_changes ?? []
  if (changes.length) {
    sections.push({
      name: 'Start limit',
      head: '\nAgents backed off together after rate limits:\n\n',
      items: changes.map(
        (change) => `- ${escapeInline(describeStartLimitChange(change))} (${clockTime(change.at)})`
      ),
      tail: '',
      leftOutNote: (count) => `- _… and ${plural(count, 'more change')}_`
    })
  }
  const timeline = drawTimeline ? renderTimeline(result) : null
  if (timeline) {
    const note =
      `\n_${TIMELINE_LEGEND}_\n` +
      (timeline.leftOut ? `\n_${timeline.leftOut} more not drawn._\n` : '')
    sections.push({
      name: 'Timeline',
      head: '',
      items: [codeBlock(timeline.diagram, 'mermaid') + '\n' + note]
    })
  }
  return sections
}

/** The separation plan in brief, folded. */
function planDetailsSection(result: RunResult): Section {
  const { separation } = result
  const before = overlapsBefore(separation)
  const items: string[] = [
    '**Waves** (a priority starts once the earlier ones it overlaps are merged)',
    ''
  ]
  separation.schedule.forEach((wave, index) => {
    const entries = wave.map((p) =>
      before.has(p) ? `${p} (after ${before.get(p)!.join(', ')})` : String(p)
    )
    items.push(`${index + 1}. ${entries.join(', ')}`)
  })
  const pairs = overlapPairs(separation)
  items.push('', pairs.length ? '**Overlaps**' : '**Overlaps**: none', '')
  for (const { pair, paths } of pairs) {
    const more =
      paths.length > MAX_PATHS_PER_OVERLAP
        ? ` and ${paths.length - MAX_PATHS_PER_OVERLAP} more`
        : ''
    items.push(
      `- ${pair[0]} ↔ ${pair[1]}: ${paths.slice(0, MAX_PATHS_PER_OVERLAP).map(code).join(', ')}${more}`
    )
  }
  if (separation.unresolved.length) {
    items.push(
      '',
      `**Unresolved** (no spec, or a spec naming no path: treated as overlapping everything): ${separation.unresolved.join(', ')}`
    )
  }
  return {
    name: 'Separation plan',
    head: `<details><summary>Separation plan: ${separationInBrief(separation)}</summary>\n`,
    items,
    tail: '\n</details>\n',
    leftOutNote: (count) => `\n_… ${count} more lines (size limit)._`
  }
}

function allProblemsSection(result: RunResult, caps: AnnotationCaps): Section | null {
  const problems = listProblems(result)
  if (!annotationsCapped(problems, caps)) return null
  const icon = { error: '❌', warning: '⚠️', notice: 'ℹ️' }
  return {
    name: 'All problems',
    head:
      `### All problems (${problems.length})\n\n` +
      'A runner shows at most 10 annotations of each kind per step; here is every problem.\n',
    items: problems.map(
      (problem) =>
        `- ${icon[problem.level]} **${escapeInline(problem.title)}**: ${escapeInline(problem.message)}`
    ),
    tail: '',
    leftOutNote: (count) => `- _… and ${count} more_`
  }
}

function whereElse(options: SummaryOptions): string {
  return options.runUrl
    ? `The whole report is in the [run](${options.runUrl}) and its \`result\` output.`
    : 'The whole result is in the `result` output (or `--json`).'
}

/** The job summary (Markdown), within `limitBytes`. Plan mode has its own rendering. */
export function renderSummary(result: RunResult, options: SummaryOptions = {}): string {
  const limit = options.limitBytes ?? SUMMARY_LIMIT_BYTES
  if (result.mode === 'plan') return renderPlanSummary(result, limit, whereElse(options))
  const sections: (Section | null)[] = [
    { name: 'Headline', head: `## ${headline(result)}\n`, items: [] },
    warningsSection(result),
    tableSection(result, options.links ?? NO_LINKS),
    costSection(result),
    conflictsSection(result, options.branches ?? 'local', options.links ?? NO_LINKS),
    verifySection(result),
    failuresSection(result, options.errorChars ?? 4000, options.branches ?? 'local', options),
    scopeSection(result),
    skippedSection(result),
    logsSection(result, options),
    // One agent in a matrix job: no timeline, no speedup to speak of.
    ...(result.mode === 'task' ? [] : timingSections(result, options.timeline ?? true)),
    planDetailsSection(result),
    allProblemsSection(result, options.annotationCaps ?? RUNNER_ANNOTATION_CAPS)
  ]
  return renderWithin(
    sections.filter((section): section is Section => section !== null),
    limit,
    whereElse(options)
  )
}
