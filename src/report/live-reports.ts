import type { Logger } from '../core/logger.js'
import type { RunResult, Settings } from '../core/types.js'
import { LiveCheckRun, type CheckConclusion, type CheckRunRef } from './check-run.js'
import { LiveComment } from './live-comment.js'
import type { LiveRunView } from './live-summary.js'

export interface LiveReportOptions {
  env: NodeJS.ProcessEnv
  logger: Pick<Logger, 'info' | 'warning' | 'debug'>
  /** Told the check run's id once it exists (the action's post step completes it). */
  onCheckRunCreated?: (ref: CheckRunRef) => void
  /** The shell writes the final report comment: an earlier one may be kept current meanwhile. */
  liveComment?: boolean
}

/** The check run's conclusion: no result is a run that failed on its way. */
export function checkConclusion(
  result: RunResult | undefined,
  signal?: AbortSignal
): CheckConclusion {
  if (signal?.aborted) return 'cancelled'
  return result?.success ? 'success' : 'failure'
}

/**
 * What shows a run while it goes: the check run, and the report comment an earlier run left
 * (each only when wanted and possible). The engine tells it of each start, end and merge.
 */
export class LiveReports {
  private constructor(
    private readonly checkRun: LiveCheckRun | null,
    private readonly comment: LiveComment | null
  ) {}

  static open(
    view: LiveRunView,
    settings: Pick<Settings, 'checkRun' | 'prComment' | 'prNumber' | 'githubToken'>,
    options: LiveReportOptions
  ): LiveReports {
    const { env, logger } = options
    const checkRun = LiveCheckRun.open(view, {
      enabled: settings.checkRun,
      token: settings.githubToken,
      env,
      logger,
      onCreated: options.onCheckRunCreated
    })
    const comment = LiveComment.open(view, {
      enabled: settings.prComment && options.liveComment === true,
      token: settings.githubToken,
      prNumber: settings.prNumber,
      env,
      logger
    })
    return new LiveReports(checkRun, comment)
  }

  /** A task started or merged. */
  changed(): void {
    this.checkRun?.changed()
    this.comment?.changed()
  }

  /** A task ended, its merge included. */
  taskEnded(): void {
    this.checkRun?.taskEnded()
    this.comment?.taskEnded()
  }

  /** The run is over: the check run completed, the comment's edits done (the report follows). */
  async finish(conclusion: CheckConclusion, result?: RunResult): Promise<void> {
    await Promise.all([this.checkRun?.complete(conclusion, result), this.comment?.close()])
  }
}
