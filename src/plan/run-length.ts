import type { ExpectedLength } from '../core/types.js'

export interface LengthInput {
  priorities: readonly number[]
  /** Per task: hours from the ROADMAP, or null. */
  estimates: readonly (number | null)[]
  /** Per task: the tasks (indices) it waits for. */
  after: readonly (readonly number[])[]
  /** Per task: it will not run (strict separation skipped it). */
  skipped: readonly boolean[]
  maxParallel: number | 'auto'
}

/**
 * The order in which tasks free to start are started: the longest estimate first (a task
 * with none counts as the mean of the others'), ties and unestimated runs in the given order.
 * Starting the long ones first keeps a short one from holding a slot at the end of the run.
 */
export function startOrder(input: LengthInput): number[] {
  const durations = durationsOf(input.estimates)
  return input.priorities
    .map((_priority, index) => index)
    .filter((index) => !input.skipped[index])
    .sort((a, b) => durations[b] - durations[a] || a - b)
}

/**
 * The expected length of the run: each task starts when the tasks it waits for are done and
 * a slot is free, in start order; against the sum (one at a time). `auto` counts as a slot
 * per task (the machine decides at run time).
 */
export function expectedLength(input: LengthInput): ExpectedLength {
  const count = input.priorities.length
  const estimated = input.priorities.filter((_p, index) => input.estimates[index] !== null)
  const durations = estimated.length ? durationsOf(input.estimates) : input.estimates.map(() => 1)
  const order = startOrder(input)
  const slots = input.maxParallel === 'auto' ? Math.max(1, count) : input.maxParallel
  const endOf = new Map<number, number>()
  const waiting = [...order]
  const running: { task: number; end: number }[] = []
  let now = 0
  while (waiting.length > 0 || running.length > 0) {
    for (let at = 0; at < waiting.length && running.length < slots;) {
      const task = waiting[at]
      const ready = input.after[task].every((other) => input.skipped[other] || endOf.has(other))
      if (!ready) {
        at += 1
        continue
      }
      waiting.splice(at, 1)
      running.push({ task, end: now + durations[task] })
    }
    if (running.length === 0) break // waits on something that never runs: cannot happen
    running.sort((a, b) => a.end - b.end)
    const next = running.shift() as { task: number; end: number }
    now = next.end
    endOf.set(next.task, next.end)
  }
  const serial = order.reduce((sum, task) => sum + durations[task], 0)
  return {
    unit: estimated.length ? 'hours' : 'priorities',
    parallel: round(now),
    serial: round(serial),
    max_parallel: slots,
    estimated
  }
}

function durationsOf(estimates: readonly (number | null)[]): number[] {
  const known = estimates.filter((hours): hours is number => hours !== null)
  const mean = known.length ? known.reduce((sum, hours) => sum + hours, 0) / known.length : 1
  return estimates.map((hours) => hours ?? mean)
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
