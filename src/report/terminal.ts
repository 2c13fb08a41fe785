import type { RunResult, TaskResult } from '../core/types.js'
import { clockTime, formatDuration, plural, stripAnsi, wrapWords } from './format.js'
import { headline } from './headline.js'
import { failureLogOf } from './log-tail.js'
import { exitExplains, OUTCOME_WORD, outcomeOf, statusCell } from './outcome.js'
import { commitsKept, shortError } from './problems.js'
import { timingSentence } from './timing-text.js'
import { costSentence } from './cost.js'
import { usageCell } from '../core/usage.js'
import { describeStartLimitChange } from '../core/start-limit-text.js'
import { conflictCommands, type BranchLocation } from './resolve-commands.js'
import { overlapPairs, overlapsBefore, separationInBrief, waveOf } from './separation-text.js'
import { someOf } from '../core/some-of.js'

const ERROR_LINES = 8
const ERROR_LINE_CHARS = 100

/** Agent output may carry colour codes and carriage returns: keep a terminal report plain. */
function plainText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return stripAnsi(text).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
}

/** Rows of cells as aligned columns; the last column is not padded. */
function columns(rows: string[][], indent = '  '): string[] {
  const widths = rows[0].map((_, index) =>
    Math.max(...rows.map((row) => (row[index] ?? '').length))
  )
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index])))
        .join('  ')
        .trimEnd()
  )
}

function mergeWord(task: TaskResult): string {
  switch (task.merge) {
    case 'merged':
      return task.merge_commit ? `merged ${task.merge_commit.slice(0, 7)}` : 'merged'
    case 'conflict':
      return `conflict (${plural(task.conflict_files.length, 'file')})`
    case 'failed':
      return 'merge failed'
    case 'verify-failed':
      return 'verify failed'
    default:
      return '-'
  }
}

/** A task's error, long lines wrapped rather than cut (the fix is often at the end). */
function errorBlock(task: TaskResult, indent: string): string[] {
  const lines = plainText(task.error ?? '')
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => wrapWords(line, ERROR_LINE_CHARS))
  const shown = lines.slice(0, ERROR_LINES).map((line) => indent + line)
  if (lines.length > ERROR_LINES) {
    shown.push(`${indent}… ${lines.length - ERROR_LINES} more lines (in the log)`)
  }
  return shown
}

function runReport(result: RunResult, where: BranchLocation): string[] {
  const out: string[] = []
  const rows = result.tasks.map((task) => [
    String(task.priority),
    task.branch,
    statusCell(task).word,
    task.started_at ? formatDuration(task.duration_ms) : '-',
    task.started_at ? String(task.commits) : '-',
    mergeWord(task),
    usageCell(task.usage) ?? '-',
    plainText(shortError(task, 80))
  ])
  const header = ['PRIORITY', 'BRANCH', 'STATUS', 'TIME', 'COMMITS', 'MERGE', 'COST', 'ERROR']
  // COST and ERROR only when some priority has one: a column of dashes says nothing.
  const shown = header.map(
    (name, column) =>
      !['COST', 'ERROR'].includes(name) || rows.some((row) => !['-', ''].includes(row[column]))
  )
  const keep = (cells: string[]): string[] => cells.filter((_cell, column) => shown[column])
  out.push(...columns([keep(header), ...rows.map(keep)]))
  const conflicted = result.tasks.filter((task) => task.merge === 'conflict')
  if (conflicted.length) {
    out.push(
      '',
      `Conflicts (${conflicted.length}): the branches were kept, ${result.base_branch} is unchanged.`
    )
    for (const task of conflicted) {
      const files = someOf(task.conflict_files) || 'unknown files'
      // Branches that were not pushed are gone with the runner: no commands to fetch them.
      out.push(
        where === 'runner'
          ? `  PRIORITY ${task.priority} (${task.branch}) conflicts in ${files}.`
          : `  PRIORITY ${task.priority} (${task.branch}) conflicts in ${files}. To resolve it:`,
        ...(where === 'runner'
          ? []
          : conflictCommands(task, result.base_branch, where).map((command) => `    ${command}`))
      )
    }
    if (where === 'runner')
      out.push(
        '  These branches were not pushed (push: false) and are gone with this runner: run again with push: true to keep them and resolve them in a clone.'
      )
  }
  const failed = result.tasks.filter((task) =>
    ['merge-failed', 'verify-failed', 'failed', 'timed-out', 'cancelled', 'no-changes'].includes(
      outcomeOf(task)
    )
  )
  if (failed.length) {
    out.push('', `Failures (${failed.length}):`)
    for (const task of failed) {
      const exit = exitExplains(task) ? ` (exit code ${task.exit_code})` : ''
      const after = task.started_at ? ` after ${formatDuration(task.duration_ms)}` : ''
      out.push(
        `  PRIORITY ${task.priority} (${task.branch}) ${OUTCOME_WORD[outcomeOf(task)]}${exit}${after}`
      )
      out.push(...errorBlock(task, '    '))
      if (task.commits > 0 && task.merge !== 'merged') out.push(`    ${commitsKept(task, where)}.`)
      const log = failureLogOf(task, result)
      if (log?.verify) out.push(`    verify-command's output: ${log.file}`)
      if ((task.log_files?.length ?? 0) > 1)
        out.push(`    logs (every run, oldest first): ${task.log_files.join(', ')}`)
      else if (task.log_file) out.push(`    log: ${task.log_file}`)
    }
  }
  out.push(...keptRefs(result))
  const skipped = result.tasks.filter((task) => task.status === 'skipped')
  if (skipped.length) {
    out.push('', `Skipped (${skipped.length}):`)
    for (const task of skipped)
      out.push(
        `  PRIORITY ${task.priority}: ${plainText(firstLineOf(task.error) || 'not started')}`
      )
  }
  out.push('', `${timingSentence(result)} Plan: ${separationInBrief(result.separation)}.`)
  for (const change of result.start_limit_changes ?? [])
    out.push(`${describeStartLimitChange(change)} (${clockTime(change.at)})`)
  const cost = costSentence(result)
  if (cost) out.push(cost)
  return out
}

/**
 * Every branch and ref the run kept beside the priorities' own branches: a re-run's first
 * branch, the merge that failed verify-command (with the command that reproduces it).
 */
function keptRefs(result: RunResult): string[] {
  const lines: string[] = []
  for (const task of result.tasks)
    for (const branch of task.kept_branches ?? [])
      lines.push(`  PRIORITY ${task.priority}: ${branch} (its first run, before the re-run)`)
  for (const culprit of result.verify?.culprits ?? [])
    lines.push(
      `  PRIORITY ${culprit.priority}: ${culprit.ref ? `${culprit.ref} (the merge that failed verify-command)` : 'the merge that failed verify-command'}. To reproduce: ${culprit.reproduce}`
    )
  return lines.length ? ['', 'Kept:', ...lines] : []
}

function firstLineOf(text: string | null): string {
  return (
    (text ?? '')
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  )
}

function planReport(result: RunResult): string[] {
  const { separation } = result
  const waves = waveOf(separation)
  const before = overlapsBefore(separation)
  const unresolved = new Set(separation.unresolved)
  const out = columns([
    ['PRIORITY', 'BRANCH', 'WAVE', 'AFTER', 'PATHS', 'PLAN'],
    ...result.tasks.map((task) => [
      String(task.priority),
      task.branch,
      String(waves.get(task.priority) ?? '-'),
      before.get(task.priority)?.join(',') ?? '-',
      unresolved.has(task.priority)
        ? 'unknown'
        : String((separation.task_file_map[String(task.priority)] ?? []).length),
      task.status === 'skipped' ? `skipped: ${plainText(firstLineOf(task.error))}` : 'runs'
    ])
  ])
  out.push(
    '',
    'Waves:',
    ...separation.schedule.map((wave, index) => `  ${index + 1}. ${wave.join(', ')}`)
  )
  const pairs = overlapPairs(separation)
  if (pairs.length) {
    out.push('', 'Overlaps:')
    for (const { pair, paths } of pairs) {
      const shown =
        paths.slice(0, 5).join(', ') + (paths.length > 5 ? ` and ${paths.length - 5} more` : '')
      out.push(`  ${pair[0]} <-> ${pair[1]}: ${shown}`)
    }
  }
  if (unresolved.size) {
    out.push(
      '',
      `Unresolved: ${[...unresolved].join(', ')} (no spec, or a spec naming no path: treated as overlapping everything)`
    )
  }
  const willRun = result.tasks
    .filter((task) => task.status !== 'skipped')
    .map((task) => task.priority)
  out.push('', `Matrix: ${JSON.stringify({ priority: willRun })}`)
  return out
}

/**
 * The report for a terminal: the outcome, one aligned line per priority, then what to do
 * about each problem (the exact commands for a conflict), warnings and timings. Plain
 * text, no Markdown; ends with a newline.
 */
export function renderTerminalReport(result: RunResult, where: BranchLocation = 'local'): string {
  const out = [plainText(headline(result).replace(/`/g, '')), '']
  out.push(...(result.mode === 'plan' ? planReport(result) : runReport(result, where)))
  if (result.warnings.length) {
    out.push('', 'Warnings:', ...result.warnings.map((warning) => `  - ${plainText(warning)}`))
  }
  return `${out.join('\n')}\n`
}
