import type { Logger } from '../core/logger.js'
import type { ScheduleState } from './task-queue.js'

/** A terminal's reader looks often; a runner's log is read later, and every line stays in it. */
export const TERMINAL_PROGRESS_INTERVAL_MS = 30_000
export const RUNNER_PROGRESS_INTERVAL_MS = 60_000
/** Seconds between two progress lines, to override the default (tests, or a quieter log). */
export const PROGRESS_INTERVAL_VARIABLE = 'PARALLEL_WORKTREE_PROGRESS_SECONDS'

/** The pace of the progress line: the variable when set, else by where the run is read. */
export function progressIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env[PROGRESS_INTERVAL_VARIABLE])
  if (env[PROGRESS_INTERVAL_VARIABLE] && Number.isFinite(seconds) && seconds >= 0) {
    return Math.round(seconds * 1000)
  }
  return env.GITHUB_ACTIONS === 'true' ? RUNNER_PROGRESS_INTERVAL_MS : TERMINAL_PROGRESS_INTERVAL_MS
}

/** `12:05`, or `1:02:05` past an hour. */
export function formatElapsed(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = String(total % 60).padStart(2, '0')
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`
}

/** What the progress line knows of each task beyond the schedule's lists. */
export interface ProgressDetails {
  /** When the task's agent started (ms), or null. */
  startedAt(priority: number): number | null
  /** The priorities it waits on. */
  after(priority: number): readonly number[]
  now: number
  /** What part of the run this is, when not the agents' first runs (`on-conflict rerun`). */
  phase?: string
  /** How many agents may run at once while rate limits hold it below max-parallel, or null. */
  startLimit?(): { current: number; max: number } | null
}

/**
 * One line on where the run stands: each agent running and for how long, those queued (and
 * what they wait on), how many are done, elapsed, and what holds the next start back.
 */
export function progressLine(
  state: ScheduleState,
  total: number,
  elapsedMs: number,
  details?: ProgressDetails
): string {
  const finishing = new Set(state.finishing)
  const running = [...state.running, ...state.finishing].sort((a, b) => a - b)
  const runningText = running.map((priority) => {
    if (finishing.has(priority)) return details ? `${priority} finishing` : String(priority)
    const started = details?.startedAt(priority) ?? null
    return started === null
      ? String(priority)
      : `${priority} for ${formatElapsed(details!.now - started)}`
  })
  const waitingText = state.waiting.map((priority) => {
    const after = (details?.after(priority) ?? []).filter((other) => !state.done.includes(other))
    return after.length ? `${priority} after ${after.join(', ')}` : String(priority)
  })
  const parts = [
    `${running.length} running${running.length ? ` (${runningText.join(', ')})` : ''}`,
    `${state.waiting.length} queued${details && state.waiting.length ? ` (${waitingText.join(', ')})` : ''}`,
    `${state.done.length} of ${total} done`
  ]
  const held = state.held ? `; next start held: ${state.held}` : ''
  const phase = details?.phase ? ` (${details.phase})` : ''
  const limit = details?.startLimit?.()
  const limited = limit ? `; start limit ${limit.current} of ${limit.max} after rate limits` : ''
  return `Progress ${formatElapsed(elapsedMs)}${phase}: ${parts.join(', ')}${held}${limited}`
}

/**
 * Prints the progress line at a steady pace (every intervalMs; 0 turns it off), so that a
 * run whose agents are quiet for a long time still shows it is alive and where it stands.
 * The timer never keeps the process alive.
 */
export function startProgress(
  state: ScheduleState,
  total: number,
  logger: Logger,
  intervalMs = TERMINAL_PROGRESS_INTERVAL_MS,
  began = Date.now(),
  details?: Omit<ProgressDetails, 'now'>
): { stop(): void } {
  if (intervalMs <= 0) return { stop: () => {} }
  const timer = setInterval(() => {
    const now = Date.now()
    logger.info(progressLine(state, total, now - began, details && { ...details, now }))
  }, intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
