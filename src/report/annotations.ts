import type { RunResult } from '../core/types.js'
import { truncate } from './format.js'
import { listProblems, type Problem, type ProblemLevel } from './problems.js'

export interface Annotation {
  level: ProblemLevel
  message: string
  title?: string
  file?: string
}

export type AnnotationCaps = Record<ProblemLevel, number>

/** What a runner shows per step; the rest are dropped silently (field notes). */
export const RUNNER_ANNOTATION_CAPS: AnnotationCaps = { error: 10, warning: 10, notice: 10 }

const LEVELS: ProblemLevel[] = ['error', 'warning', 'notice']
const MESSAGE_CHARS = 2000

const LEVEL_NOUN: Record<ProblemLevel, string> = {
  error: 'error',
  warning: 'warning',
  notice: 'notice'
}

/** True when the runner would not show every problem: the summary then lists them all. */
export function annotationsCapped(
  problems: Problem[],
  caps: AnnotationCaps = RUNNER_ANNOTATION_CAPS
): boolean {
  return LEVELS.some((level) => problems.filter((p) => p.level === level).length > caps[level])
}

function aggregate(level: ProblemLevel, rest: Problem[]): Annotation {
  const ids = rest.map((problem) => problem.priority)
  const shown = ids.length > 20 ? `${ids.slice(0, 20).join(', ')}, …` : ids.join(', ')
  const noun = rest.length === 1 ? LEVEL_NOUN[level] : `${LEVEL_NOUN[level]}s`
  return {
    level,
    title: `${rest.length} more ${noun}`,
    message: `${rest.length} more ${noun} (PRIORITY ${shown}) not shown as annotations: the job summary lists every problem.`
  }
}

/**
 * One annotation per problem (conflict on its first conflicting file, failure, timeout,
 * cancellation, no changes, skip), within the runner's caps per level: beyond a cap the
 * last slot says how many more there are and points to the summary. `caps` lets the caller
 * leave room for annotations it made itself.
 */
export function planAnnotations(
  result: RunResult,
  caps: AnnotationCaps = RUNNER_ANNOTATION_CAPS
): Annotation[] {
  const problems = listProblems(result)
  const annotations: Annotation[] = []
  for (const level of LEVELS) {
    const cap = Math.max(0, caps[level])
    const atLevel = problems.filter((problem) => problem.level === level)
    const fits = atLevel.length <= cap
    const shown = fits ? atLevel : atLevel.slice(0, Math.max(0, cap - 1))
    for (const problem of shown) {
      annotations.push({
        level,
        title: problem.title,
        message: truncate(problem.message, MESSAGE_CHARS),
        ...(problem.file ? { file: problem.file } : {})
      })
    }
    if (!fits && cap > 0) annotations.push(aggregate(level, atLevel.slice(shown.length)))
  }
  return annotations
}
