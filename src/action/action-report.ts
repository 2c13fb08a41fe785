import * as core from '@actions/core'
import type { Execution } from '../engine/execute.js'
import { resultOutputs } from '../report/result.js'
import { renderSummary } from '../report/summary.js'

/** Outputs and the job summary of one execution. */
export async function reportToRunner(execution: Execution): Promise<void> {
  const outputs = { ...resultOutputs(execution.result), ...execution.extraOutputs }
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
  await core.summary.addRaw(renderSummary(execution.result)).write()
}
