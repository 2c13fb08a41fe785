import * as core from '@actions/core'
import type { Leftovers } from '../run/leftover-cleanup.js'
import type { CheckRunRef } from '../report/check-run.js'

// The main step and the post step are one bundle: the post step is told apart by state the
// main step saved (actions/checkout's pattern). State is appended to GITHUB_STATE at once, so
// what main recorded survives main being killed.

export const isPost = core.getState('isPost') === 'true'
if (!isPost) core.saveState('isPost', 'true')

/** What the post step needs to clean up after a main step that did not finish. */
export type LeftoverRecord = Leftovers

export function saveLeftovers(record: LeftoverRecord): void {
  core.saveState('leftovers', JSON.stringify(record))
}

export function loadLeftovers(): LeftoverRecord | null {
  const text = core.getState('leftovers')
  if (!text) return null
  try {
    return JSON.parse(text) as LeftoverRecord
  } catch {
    return null
  }
}

/** The main step finished its own cleanup: the post step has nothing to do. */
export function markFinished(): void {
  core.saveState('finished', 'true')
}

export function wasFinished(): boolean {
  return core.getState('finished') === 'true'
}

/** The live check run main created: the post step completes it when main did not finish. */
export function saveCheckRun(ref: CheckRunRef): void {
  core.saveState('checkRun', JSON.stringify(ref))
}

export function loadCheckRun(): CheckRunRef | null {
  const text = core.getState('checkRun')
  if (!text) return null
  try {
    const ref = JSON.parse(text) as CheckRunRef
    return Number.isInteger(ref.id) && ref.owner && ref.repo ? ref : null
  } catch {
    return null
  }
}

/** The engine completed the check run itself: the post step leaves it as it is. */
export function forgetCheckRun(): void {
  core.saveState('checkRun', '')
}
