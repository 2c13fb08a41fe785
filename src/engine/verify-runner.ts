import { mkdir } from 'node:fs/promises'
import type { Logger } from '../core/logger.js'
import type { Settings } from '../core/types.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { VerifyQueue, type VerifyRunner } from '../merge/verify-queue.js'
import { agentEnvironment } from '../run/agent-env.js'
import { runProcess } from '../run/agent-process.js'
import { explainAutoParallelism } from '../run/resource-monitor.js'

export interface VerifyRunnerOptions {
  env: NodeJS.ProcessEnv
  signal?: AbortSignal
  killGraceMs?: number
}

/**
 * verify-command as the gate runs it: `bash -c` in the candidate's worktree, in its own
 * process group, with the agents' environment (no token, no INPUT_*) plus where it runs,
 * stopped at verify-timeout-minutes.
 */
export function verifyRunner(settings: Settings, options: VerifyRunnerOptions): VerifyRunner {
  const minutes = +(settings.verifyTimeoutMs / 60_000).toFixed(2)
  return async (worktree, logFile) => {
    await mkdir(settings.logDir, { recursive: true })
    const outcome = await runProcess({
      command: settings.verifyCommand,
      label: 'verify',
      cwd: worktree,
      env: agentEnvironment(options.env, settings.githubToken, {
        WORKTREE_PATH: worktree,
        BASE_BRANCH: settings.baseBranch
      }),
      logFile,
      timeoutMs: settings.verifyTimeoutMs,
      signal: options.signal,
      killGraceMs: options.killGraceMs ?? 10_000
    })
    const last = outcome.tail
      .filter((line) => line.trim())
      .at(-1)
      ?.trim()
      .slice(0, 200)
    const detail = outcome.timedOut
      ? `ran past verify-timeout-minutes (${minutes})`
      : outcome.signal
        ? `killed by ${outcome.signal}`
        : `exit ${outcome.exitCode}${last ? `: ${last}` : ''}`
    return {
      passed: outcome.exitCode === 0 && !outcome.timedOut && !outcome.cancelled,
      cancelled: outcome.cancelled,
      detail
    }
  }
}

/** The verify gate of a run, or undefined when verify-command is empty. */
export async function verifyGate(
  settings: Settings,
  git: GitCommandManager,
  logger: Logger,
  options: VerifyRunnerOptions
): Promise<VerifyQueue | undefined> {
  if (!settings.verifyCommand) return undefined
  const parallel =
    settings.maxParallel === 'auto'
      ? (await explainAutoParallelism()).maxParallel
      : settings.maxParallel
  return new VerifyQueue(git, {
    command: settings.verifyCommand,
    parallel,
    run: verifyRunner(settings, options),
    logDir: settings.logDir,
    logger,
    // Pushed with the kept branches (publish-branches): reproduced from any clone.
    ...(settings.push ? { remote: 'origin' } : {})
  })
}
