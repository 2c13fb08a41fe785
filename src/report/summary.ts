import type { RunResult, TaskResult } from '../engine/types.js'

const STATUS_ICON: Record<string, string> = {
  completed: '✅',
  'no-changes': '⚪',
  failed: '❌',
  'timed-out': '⏱️',
  cancelled: '🛑',
  skipped: '⏭️',
  pending: '⏳',
  running: '🏃'
}

function seconds(ms: number): string {
  return ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`
    : `${(ms / 1000).toFixed(1)}s`
}

/** The outcome in one line. */
export function headline(result: RunResult): string {
  const merged = result.tasks.filter((task) => task.merge === 'merged').length
  const total = result.priorities_requested.length
  if (result.mode === 'plan') return `Plan for ${total} priorities on \`${result.base_branch}\``
  return result.success
    ? `✅ All ${total} priorities merged into \`${result.base_branch}\``
    : `❌ ${merged} of ${total} priorities merged into \`${result.base_branch}\``
}

/** The job summary (Markdown). */
export function renderSummary(result: RunResult): string {
  const rows = result.tasks.map(
    (task: TaskResult) =>
      `| ${task.priority} | \`${task.branch}\` | ${STATUS_ICON[task.status] ?? ''} ${task.status} | ${seconds(task.duration_ms)} | ${task.commits} | ${task.merge} |`
  )
  return [
    `## ${headline(result)}`,
    '',
    '| Priority | Branch | Status | Duration | Commits | Merge |',
    '|---:|---|---|---:|---:|---|',
    ...rows,
    '',
    `Total ${seconds(result.timings.total_ms)}, speedup ×${result.timings.speedup} over running them one by one.`,
    ''
  ].join('\n')
}
