import type { SeparationMode } from '../core/types.js'
import type { Overlap } from './overlap.js'

export interface Schedule {
  /** Per task: the tasks (indices, ascending) it waits for. */
  after: number[][]
  /** Per task: why it will not run (strict separation), else null. */
  skipReasons: (string | null)[]
  /** Task indices per wave, in input order. */
  waves: number[][]
}

export interface SchedulingInput {
  priorities: readonly number[]
  /** Per task: its scope is unknown. */
  unknown: readonly boolean[]
  overlaps: readonly Overlap[]
}

/**
 * - `strict`: the seed's greedy independent set: in input order, a task runs when it
 *   overlaps no task already picked; the others are skipped, with the reason. One wave.
 * - `waves`: every task runs; one that overlaps earlier tasks (input order) waits for them
 *   to be merged. A task's wave is the length of its longest chain of such waits, so
 *   unrelated tasks never wait. A task of unknown scope (it overlaps every other one) waits
 *   for every task of known scope and the earlier unknown ones, and none waits for it: the
 *   tasks it cannot be shown independent of run first, as many at once as they can.
 * - `off`: no analysis: every task in one wave.
 */
export function scheduleTasks(mode: SeparationMode, input: SchedulingInput): Schedule {
  const count = input.priorities.length
  const all = [...Array(count).keys()]
  if (mode === 'off') {
    return { after: all.map(() => []), skipReasons: all.map(() => null), waves: count ? [all] : [] }
  }
  const earlier: Overlap[][] = all.map(() => [])
  for (const overlap of input.overlaps) earlier[overlap.second].push(overlap)
  return mode === 'strict' ? strict(input, earlier) : waves(earlier, input.unknown)
}

function strict(input: SchedulingInput, earlier: Overlap[][]): Schedule {
  const picked = new Set<number>()
  const skipReasons = earlier.map((overlaps, task) => {
    const blocker = overlaps.find((overlap) => picked.has(overlap.first))
    if (!blocker) {
      picked.add(task)
      return null
    }
    return skipReason(blocker, input)
  })
  return {
    after: earlier.map(() => []),
    skipReasons,
    waves: picked.size ? [[...picked]] : []
  }
}

function waves(earlier: Overlap[][], unknown: readonly boolean[]): Schedule {
  const all = earlier.map((_overlaps, task) => task)
  const known = all.filter((task) => !unknown[task])
  const after = earlier.map((overlaps, task) =>
    unknown[task]
      ? all.filter((other) => other !== task && (!unknown[other] || other < task))
      : overlaps.map((overlap) => overlap.first).filter((other) => !unknown[other])
  )
  const waveOf: number[] = []
  const schedule: number[][] = []
  // Those of known scope first: the unknown ones wait for all of them.
  for (const task of [...known, ...all.filter((other) => unknown[other])]) {
    const wave = after[task].reduce((deepest, other) => Math.max(deepest, waveOf[other] + 1), 0)
    waveOf[task] = wave
    ;(schedule[wave] ??= []).push(task)
  }
  for (const wave of schedule) wave.sort((a, b) => a - b)
  return { after, skipReasons: after.map(() => null), waves: schedule }
}

function skipReason(blocker: Overlap, { priorities, unknown }: SchedulingInput): string {
  const other = priorities[blocker.first]
  if (unknown[blocker.second]) {
    return `scope unknown: it cannot be shown independent of ${other}, which runs`
  }
  if (unknown[blocker.first]) return `overlaps ${other}, whose scope is unknown`
  const shown = blocker.paths.slice(0, 3).join(', ')
  const more = blocker.paths.length > 3 ? ` and ${blocker.paths.length - 3} more` : ''
  return `overlaps ${other} on ${shown}${more}`
}
