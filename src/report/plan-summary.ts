import type { RunResult, TaskResult } from '../core/types.js'
import { renderWithin, type Section } from './bounded-document.js'
import { code, escapeInline, plural, truncate } from './format.js'
import { headline } from './headline.js'
import { overlapPairs, overlapsBefore, waveOf } from './separation-text.js'

const MAX_PATHS_SHOWN = 5
const MAX_NOTE_CHARS = 600

function specCell(task: TaskResult, unresolved: Set<number>): string {
  const specs = task.spec_files.map((file) => code(file.split('/').at(-1) ?? file)).join(', ')
  if (unresolved.has(task.priority)) return `⚠️ ${specs || 'no spec found'}`
  return specs || '—'
}

function pathsCell(paths: string[]): string {
  if (!paths.length) return '—'
  const shown = paths.slice(0, MAX_PATHS_SHOWN).map(code).join(', ')
  return paths.length > MAX_PATHS_SHOWN
    ? `${shown} and ${paths.length - MAX_PATHS_SHOWN} more`
    : shown
}

/**
 * `plan` mode: what would run, in which wave and after what, with the overlaps that made
 * the waves and the priorities whose scope is unknown. Nothing ran, so no timings.
 */
export function renderPlanSummary(
  result: RunResult,
  limitBytes: number,
  whereElse: string
): string {
  const { separation } = result
  const waves = waveOf(separation)
  const before = overlapsBefore(separation)
  const unresolved = new Set(separation.unresolved)
  const willRun = result.tasks
    .filter((task) => task.status !== 'skipped')
    .map((task) => task.priority)
  const sections: Section[] = [
    {
      name: 'Headline',
      head: `## ${headline(result)}\n\n${plural(willRun.length, 'priority', 'priorities')} to run; matrix: ${code(JSON.stringify({ priority: willRun }))}\n`,
      items: []
    },
    {
      name: 'Priorities table',
      head: [
        '### Priorities',
        '',
        '| Priority | Branch | Wave | Starts after | Spec | Paths | Plan |',
        '|---:|---|---:|---|---|---|---|'
      ].join('\n'),
      items: result.tasks.map((task) => {
        const plan =
          task.status === 'skipped'
            ? `⏭️ skipped: ${escapeInline(truncate(task.error ?? '', 200))}`
            : '▶️ runs'
        const cells = [
          String(task.priority),
          code(task.branch),
          waves.has(task.priority) ? String(waves.get(task.priority)) : '—',
          before.get(task.priority)?.join(', ') ?? '—',
          specCell(task, unresolved),
          pathsCell(separation.task_file_map[String(task.priority)] ?? []),
          plan
        ]
        return `| ${cells.join(' | ')} |`
      }),
      tail: '',
      leftOutNote: (count) =>
        `\n_… and ${plural(count, 'more priority', 'more priorities')} (size limit)._`
    },
    {
      name: 'Waves',
      head: '### Waves\n\nA priority starts once the earlier ones it overlaps are merged; the others never wait.\n',
      items: separation.schedule.map((wave, index) => `${index + 1}. ${wave.join(', ')}`),
      tail: ''
    }
  ]
  const pairs = overlapPairs(separation)
  if (pairs.length) {
    sections.push({
      name: 'Overlaps',
      head: `### Overlaps (${pairs.length})\n\n| Priorities | Shared paths |\n|---|---|`,
      items: pairs.map(({ pair, paths }) => `| ${pair[0]} ↔ ${pair[1]} | ${pathsCell(paths)} |`),
      tail: '',
      leftOutNote: (count) => `\n_… and ${plural(count, 'more overlap')} (size limit)._`
    })
  }
  if (unresolved.size) {
    sections.push({
      name: 'Unresolved',
      head:
        `### ⚠️ Unresolved (${unresolved.size})\n\n` +
        'No spec was found for these, or their spec names no path: they are treated as overlapping ' +
        'every other priority, so they never run alongside another. Add a spec (`SPEC-<n>-*.md` under `specs-dir`) that names the paths they touch.\n',
      items: [...unresolved].map((priority) => `- ${priority}`),
      tail: ''
    })
  }
  if (result.warnings.length) {
    sections.push({
      name: 'Warnings',
      head: '### ⚠️ Warnings\n',
      items: result.warnings.map((warning) => `- ${escapeInline(truncate(warning, 2000))}`),
      tail: ''
    })
  }
  // How each spec was found or chosen among several (numbers get reused): never silently.
  const notes = result.tasks.flatMap((task) =>
    (task.notes ?? []).map(
      (note) => `- **${task.priority}**: ${escapeInline(truncate(note, MAX_NOTE_CHARS))}`
    )
  )
  if (notes.length) {
    sections.push({
      name: 'Notes',
      head: '### Notes on the specs\n\nWhich spec each priority was given, when it was chosen among several or guessed, and what was left out:\n',
      items: notes,
      tail: '',
      leftOutNote: (count) => `_… and ${plural(count, 'more note')} (size limit)._`
    })
  }
  return renderWithin(sections, limitBytes, whereElse)
}
