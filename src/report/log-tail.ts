import { open } from 'node:fs/promises'
import type { RunResult, TaskResult } from '../core/types.js'
import { stripAnsi } from './format.js'

export const LOG_TAIL_LINES = 20
/** Enough bytes for 20 long lines; a log may be many megabytes. */
const TAIL_BYTES = 64 * 1024

/** The last `lines` lines of a file (colour codes removed), or null when it cannot be read. */
export async function readLogTail(file: string, lines = LOG_TAIL_LINES): Promise<string[] | null> {
  let handle
  try {
    handle = await open(file, 'r')
    const { size } = await handle.stat()
    const length = Math.min(size, TAIL_BYTES)
    const buffer = Buffer.alloc(length)
    await handle.read(buffer, 0, length, size - length)
    let text = buffer.toString('utf8')
    // A cut at the start may have split a line (or a character): drop that partial line.
    if (length < size) text = text.slice(text.indexOf('\n') + 1)
    const all = stripAnsi(text)
      .replace(/\r(?!\n)/g, '\n')
      .split(/\r?\n/)
    while (all.length > 0 && all[all.length - 1].trim() === '') all.pop()
    return all.slice(-lines)
  } catch {
    return null
  } finally {
    await handle?.close()
  }
}

const NEEDS_TAIL = new Set(['failed', 'timed-out', 'cancelled', 'no-changes'])

/**
 * The log whose end explains a failure: the agent's own, or, for a merge that failed
 * verify-command, that command's output when it failed with this branch.
 */
export function failureLogOf(
  task: TaskResult,
  result: Pick<RunResult, 'verify'>
): { file: string; verify: boolean } | null {
  if (task.merge === 'verify-failed') {
    const culprit = result.verify?.culprits.find((c) => c.priority === task.priority)
    return culprit?.log ? { file: culprit.log, verify: true } : null
  }
  return NEEDS_TAIL.has(task.status) && task.log_file
    ? { file: task.log_file, verify: false }
    : null
}

/** The end of each failed agent's log (or verify-command's), by priority: what the job summary shows of it. */
export async function failedLogTails(
  result: RunResult,
  lines = LOG_TAIL_LINES
): Promise<Map<number, string[]>> {
  const tails = new Map<number, string[]>()
  await Promise.all(
    result.tasks.map(async (task) => {
      const log = failureLogOf(task, result)
      const tail = log ? await readLogTail(log.file, lines) : null
      if (tail && tail.length) tails.set(task.priority, tail)
    })
  )
  return tails
}

/** The last line of each running agent's log, by priority: what a live report shows of it. */
export async function runningLastLines(tasks: readonly TaskResult[]): Promise<Map<number, string>> {
  const lines = new Map<number, string>()
  await Promise.all(
    tasks
      .filter((task) => task.status === 'running' && task.log_file)
      .map(async (task) => {
        const tail = await readLogTail(task.log_file!, 1)
        if (tail?.length) lines.set(task.priority, tail[0])
      })
  )
  return lines
}
