import * as core from '@actions/core'
import { resolve } from 'node:path'
import { execute, stepSucceeded } from './engine/execute.js'
import { InputError } from './core/errors.js'
import { parseSettings } from './inputs/settings.js'
import { cleanupLeftovers } from './run/leftover-cleanup.js'
import { readActionInputs } from './action/input-helper.js'
import { actionLogger, annotationsMade } from './action/action-logger.js'
import { reportRefusal, reportToRunner } from './action/action-report.js'
import { headline } from './report/summary.js'
import * as state from './action/state-helper.js'
import { completeCheckRun } from './report/check-run.js'

/** The action: reads inputs, hands them to the engine, reports. Main and post in one bundle. */
export async function run(): Promise<void> {
  if (state.isPost) return post()
  const controller = new AbortController()
  const cancel = (signal: string) => {
    core.warning(`Received ${signal}: stopping every agent and cleaning up`)
    controller.abort()
  }
  process.once('SIGINT', () => cancel('SIGINT'))
  process.once('SIGTERM', () => cancel('SIGTERM'))
  try {
    const raw = readActionInputs()
    if (raw['github-token']) core.setSecret(raw['github-token'])
    const settings = parseSettings(raw, resolve(process.env.GITHUB_WORKSPACE || process.cwd()))
    const leftovers: state.LeftoverRecord = {
      repo: settings.repo,
      worktrees: [],
      pids: [],
      baseBranch: settings.baseBranch,
      autoCommit: settings.autoCommit,
      worktreeFiles: settings.worktreeFiles
    }
    let execution
    try {
      execution = await execute(settings, {
        logger: actionLogger,
        signal: controller.signal,
        checkRunCreated: (ref) => state.saveCheckRun(ref),
        // The report comment is written at the end by this shell (not for a matrix leg).
        liveComment: settings.mode === 'run' || settings.mode === 'merge',
        events: {
          worktreeCreated: (priority, path, branch) => {
            leftovers.worktrees.push({ priority, path, branch })
            state.saveLeftovers(leftovers)
          },
          processStarted: (_priority, pid) => {
            leftovers.pids.push(pid)
            state.saveLeftovers(leftovers)
          },
          processEnded: (_priority, pid) => {
            leftovers.pids = leftovers.pids.filter((known) => known !== pid)
            state.saveLeftovers(leftovers)
          }
        }
      })
    } finally {
      // The engine completed its check run, whatever the outcome: the post step leaves it.
      state.forgetCheckRun()
    }
    // Matrix legs share one job name: the merge job comments for the whole fan-out.
    const comment = settings.prComment && settings.mode !== 'task'
    await reportToRunner(execution, { ...settings, prComment: comment }, { annotationsMade })
    state.markFinished()
    if (!stepSucceeded(execution.result))
      core.setFailed(headline(execution.result).replace(/`/g, ''))
  } catch (error) {
    // Refused input touched nothing; any other failure may have left agents or worktrees
    // behind, which the post step then cleans up.
    if (error instanceof InputError) state.markFinished()
    const message = (error as Error).message
    if (error instanceof InputError) await reportRefusal(message)
    core.setFailed(error instanceof InputError ? `Invalid input: ${message}` : message)
  }
}

/**
 * The post step: after a cancelled or killed main step, stop what it left and clean up, and
 * complete its check run as `cancelled`.
 */
async function post(): Promise<void> {
  if (state.wasFinished()) return
  const leftovers = state.loadLeftovers()
  if (leftovers) {
    core.info('The main step did not finish: stopping its agents and removing its worktrees')
    try {
      await cleanupLeftovers(leftovers, actionLogger)
    } catch (error) {
      core.warning(`Cleanup after the main step failed: ${(error as Error).message}`)
    }
  }
  const checkRun = state.loadCheckRun()
  if (checkRun) {
    const token = core.getInput('github-token')
    if (token) core.setSecret(token)
    const warning = await completeCheckRun(checkRun, 'cancelled', {
      token,
      env: process.env,
      logger: actionLogger
    })
    if (warning) core.warning(warning)
    else core.info(`Completed the check run ${checkRun.id} as cancelled`)
  }
}
