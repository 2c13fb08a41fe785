import { buildPlan } from '../plan/plan.js'
import { pendingTask } from '../run/task-runner.js'
import { buildResult } from '../report/result.js'
import { preflight } from './preflight.js'
import { chooseCheckedStart, startFromBase, type CheckedStart } from './base-start.js'
import type { Logger } from '../core/logger.js'
import type { Plan, RunResult, Settings } from '../core/types.js'
import { mergesToSkip } from '../merge/earlier-merges.js'

const SILENT: Logger = { info() {}, warning() {}, error() {}, debug() {}, group() {} }

/** `plan` mode: the separation analysis and schedule; nothing in the repository changes. */
export async function planOnly(
  settings: Settings,
  env: NodeJS.ProcessEnv = process.env,
  logger: Logger = SILENT
): Promise<{ plan: Plan; result: RunResult }> {
  const began = Date.now()
  let checked: CheckedStart | undefined
  const { git } = await preflight(settings.repo, settings.baseBranch, {
    env,
    createBase: false,
    beforeChanges: async (git) => {
      checked = await chooseCheckedStart(git, settings, logger, { env, agentsRun: false })
    }
  })
  // Plan mode changes nothing of the user's: the local branch is not moved, only named.
  const start = await startFromBase(git, checked!.choice, logger, { moveLocal: false })
  const plan = await buildPlan(
    { ...settings, repo: git.cwd, baseCommit: start.commit },
    git,
    await mergesToSkip(git, settings, start.commit),
    checked!.tree
  )
  plan.base_warnings = [...start.warnings]
  const tasks = plan.tasks.map((planned) => pendingTask(planned, settings))
  const result = buildResult(settings, plan.separation, tasks, began, start.warnings)
  result.base_commit = start.commit
  result.success = plan.separation.unresolved.length === 0
  return { plan, result }
}

/** `strategy.matrix` for a fan-out: the priorities that will run (skipped ones left out). */
export function matrixOf(plan: Plan): { priority: number[] } {
  return { priority: plan.tasks.filter((task) => !task.skip_reason).map((task) => task.priority) }
}

/**
 * The outputs a fan-out workflow needs: `matrix` (every priority to run), `count` (to guard an
 * empty matrix, which fails a job), and one matrix per wave (`matrix-wave-1`, …) with
 * `wave-count`, so that overlapping priorities run after the wave they overlap is merged.
 */
export function fanOutOutputs(plan: Plan): Record<string, string> {
  const skipped = new Set(
    plan.tasks.filter((task) => task.skip_reason).map((task) => task.priority)
  )
  const waves = plan.separation.schedule
    .map((wave) => wave.filter((priority) => !skipped.has(priority)))
    .filter((wave) => wave.length > 0)
  const matrix = matrixOf(plan)
  const outputs: Record<string, string> = {
    matrix: JSON.stringify(matrix),
    count: String(matrix.priority.length),
    waves: JSON.stringify(waves),
    'wave-count': String(waves.length)
  }
  waves.forEach((wave, index) => {
    outputs[`matrix-wave-${index + 1}`] = JSON.stringify({ priority: wave })
  })
  return outputs
}
