import type { RunResult } from '../core/types.js'
import { formatDuration, plural } from './format.js'

/**
 * How long the agents took, in one sentence. `run` mode compares the run with the agents one
 * by one. A fan-out's merge job did not run them: it says how much agent time its jobs took
 * and how long ago the first one started, with no speedup (the wait between waves and jobs
 * would make one meaningless). `strong` marks the speedup (Markdown: `**`).
 */
export function timingSentence(result: RunResult, strong = ''): string {
  const ran = result.tasks.filter((task) => task.started_at !== null).length
  const { total_ms, sum_of_tasks_ms, speedup } = result.timings
  if (ran === 0) return 'No agent ran.'
  if (result.mode === 'merge') {
    const each = ran === 1 ? 'in its own job' : 'in their own jobs'
    return (
      `${plural(ran, 'agent')} ran ${each}, ${formatDuration(sum_of_tasks_ms)} of agent time in all; ` +
      `from the first start to this merge: ${formatDuration(total_ms)}.`
    )
  }
  return (
    `${plural(ran, 'agent')} ran in ${formatDuration(total_ms)}; one by one they would have taken ` +
    `${formatDuration(sum_of_tasks_ms)}: ${strong}×${speedup.toFixed(2)}${strong}.`
  )
}
