import type { Plan, RunResult, Settings } from '../core/types.js'
import { runOneTask } from './task-mode.js'
import { mergePushed } from './merge-mode.js'
import { runParallel, type EngineOptions } from './run-mode.js'
import { fanOutOutputs, planOnly } from './plan-mode.js'

export interface Execution {
  result: RunResult
  plan?: Plan
  /** Outputs beyond the result's own (plan mode's matrices, the agents' log folder, …). */
  extraOutputs: Record<string, string>
}

/** Runs the mode the settings name: the one dispatch the action and the CLI share. */
export async function execute(settings: Settings, options: EngineOptions): Promise<Execution> {
  switch (settings.mode) {
    case 'run':
      return {
        result: await runParallel(settings, options),
        extraOutputs: { 'log-dir': settings.logDir }
      }
    case 'plan': {
      const { plan, result } = await planOnly(settings, options.env, options.logger)
      return { result, plan, extraOutputs: fanOutOutputs(plan) }
    }
    case 'task': {
      const { result, resultFile } = await runOneTask(settings, options)
      return { result, extraOutputs: { 'result-file': resultFile, 'log-dir': settings.logDir } }
    }
    case 'merge':
      return { result: await mergePushed(settings, options), extraOutputs: {} }
  }
}

// Whether the step succeeds is judged with every other verdict; the shells ask it here.
export { stepSucceeded } from '../run/verdict.js'
