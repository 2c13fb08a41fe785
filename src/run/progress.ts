import type { Logger } from '../core/logger.js'
import type { ScheduleState } from './task-queue.js'

export const DEFAULT_PROGRESS_INTERVAL_MS = 30_000

/** `12:05`, or `1:02:05` past an hour. */
export function formatElapsed(ms: number): string {
  const total = Math.floor(ms / 1000)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = String(total % 60).padStart(2, '0')
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`
}

/** One line on where the run stands: running, queued, done, elapsed, and what holds a start. */
export function progressLine(state: ScheduleState, total: number, elapsedMs: number): string {
  const running = [...state.running, ...state.finishing].sort((a, b) => a - b)
  const parts = [
    `${running.length} running${running.length ? ` (${running.join(', ')})` : ''}`,
    `${state.waiting.length} queued`,
    `${state.done.length} of ${total} done`
  ]
  const held = state.held ? `; next start held: ${state.held}` : ''
  return `Progress ${formatElapsed(elapsedMs)}: ${parts.join(', ')}${held}`
}

/**
 * Prints the progress line at a steady pace (every intervalMs; 0 turns it off), so that a
 * long quiet run still shows it is alive. The timer never keeps the process alive.
 */
export function startProgress(
  state: ScheduleState,
  total: number,
  logger: Logger,
  intervalMs = DEFAULT_PROGRESS_INTERVAL_MS,
  began = Date.now()
): { stop(): void } {
  if (intervalMs <= 0) return { stop: () => {} }
  const timer = setInterval(
    () => logger.info(progressLine(state, total, Date.now() - began)),
    intervalMs
  )
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
