import type { Plan, RunResult, Settings } from './types.js'
import { InputError } from './errors.js'
import { runParallel, type EngineOptions } from './run-engine.js'
import { fanOutOutputs, planOnly } from './plan-engine.js'

export interface Execution {
  result: RunResult
  plan?: Plan
  /** Outputs beyond the result's own (the matrix of plan mode). */
  extraOutputs: Record<string, string>
}

/** Runs the mode the settings name: the one dispatch the action and the CLI share. */
export async function execute(settings: Settings, options: EngineOptions): Promise<Execution> {
  switch (settings.mode) {
    case 'run':
      return { result: await runParallel(settings, options), extraOutputs: {} }
    case 'plan': {
      const { plan, result } = await planOnly(settings, options.env)
      return { result, plan, extraOutputs: fanOutOutputs(plan) }
    }
    default:
      throw new InputError(`mode: "${settings.mode}" is not available in this version yet`)
  }
}
