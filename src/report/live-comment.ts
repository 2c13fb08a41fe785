import type { Logger } from '../core/logger.js'
import { githubClient, explainApiError, scrubbed, type GitHubClient } from './github-api.js'
import { commentTarget, runUrl, type CommentTarget } from './github-event.js'
import { liveSummary, liveTitle, type LiveRunView } from './live-summary.js'
import { runningLastLines } from './log-tail.js'
import { commentMarker, COMMENT_LIMIT_CHARS, findOurComment } from './pr-comment.js'
import { RequestPace } from './request-pace.js'

/** Least time between two edits of the comment, except a task's end. */
export const LIVE_COMMENT_MIN_INTERVAL_MS = 10_000
const REQUEST_TIMEOUT_MS = 20_000

export interface LiveCommentOptions {
  /** `pr-comment`, and a shell that writes the final report over it at the end. */
  enabled: boolean
  token: string
  prNumber: number | null
  env: NodeJS.ProcessEnv
  logger: Pick<Logger, 'info' | 'warning' | 'debug'>
  minIntervalMs?: number
  timeoutMs?: number
}

/** The comment's body while the run goes: the marker, the counts, the live table. */
export function liveCommentBody(
  view: LiveRunView,
  env: NodeJS.ProcessEnv,
  lines: Map<number, string>
): string {
  const marker = commentMarker(env)
  const url = runUrl(env)
  const footer = `\n---\n<sub>parallel-worktree${url ? ` · [this run](${url})` : ''} · updated as the run goes; the report replaces it at the end</sub>\n`
  const head = `## ⏳ Running: ${liveTitle(view.tasks)}\n`
  const summary = liveSummary(view, {
    now: Date.now(),
    lastLines: lines,
    runUrl: url,
    limitBytes: COMMENT_LIMIT_CHARS - marker.length - head.length - footer.length - 64
  })
  return `${marker}\n${head}\n${summary}${footer}`
}

/**
 * The report comment an earlier run of this job already wrote on the pull request or issue
 * (the triggering one, or `pr-number`), edited in place as tasks start, end and merge, so that
 * a reader of the thread sees where the run stands. No comment is created mid-run: without
 * one, nothing is sent after the search. The first failure is one warning and ends it.
 */
export class LiveComment {
  private readonly client: GitHubClient
  private readonly pace: RequestPace
  private id: number | null = null

  private constructor(
    private readonly view: LiveRunView,
    private readonly target: CommentTarget,
    private readonly options: LiveCommentOptions
  ) {
    this.client = githubClient(options.token, options.env, options.logger)
    this.pace = new RequestPace({
      minIntervalMs: options.minIntervalMs ?? LIVE_COMMENT_MIN_INTERVAL_MS,
      timeoutMs: options.timeoutMs ?? REQUEST_TIMEOUT_MS,
      failed: (error, signal) => this.failed(error, signal)
    })
  }

  static open(view: LiveRunView, options: LiveCommentOptions): LiveComment | null {
    if (!options.enabled || !options.token) return null
    const { target } = commentTarget(options.env, options.prNumber)
    if (!target) return null
    const live = new LiveComment(view, target, options)
    void live.pace.now((signal) => live.find(signal))
    return live
  }

  changed(): void {
    this.pace.soon((signal) => this.edit(signal))
  }

  taskEnded(): void {
    if (this.pace.isStopped) return
    void this.pace.now((signal) => this.edit(signal))
  }

  /** Waits for the edits asked for: the final report is written after them, never under. */
  async close(): Promise<void> {
    this.pace.close()
    await this.pace.settled()
    this.pace.stop()
  }

  /** The first failure is one warning, and ends the edits. */
  private failed(error: unknown, signal: AbortSignal): boolean {
    const where = `${this.target.owner}/${this.target.repo}#${this.target.number}`
    this.options.logger.warning(
      scrubbed(
        `Could not update the report comment on ${where} while the run goes: ${explainApiError(error, signal, 'the github-token may not comment (grant `pull-requests: write, issues: write`)')}; the final report is still tried.`,
        this.options.token
      )
    )
    return true
  }

  private async find(signal: AbortSignal): Promise<void> {
    const marker = commentMarker(this.options.env)
    const ours = await findOurComment(this.client, this.target, marker, signal)
    if (!ours) {
      this.pace.stop()
      this.options.logger.debug(`No report comment on #${this.target.number} to keep current`)
      return
    }
    this.id = ours.id
    this.options.logger.info(
      `Keeping the report comment current while the run goes: ${ours.html_url}`
    )
  }

  private async edit(signal: AbortSignal): Promise<void> {
    if (this.id === null) return
    const lines = await runningLastLines(this.view.tasks)
    await this.client.rest.issues.updateComment({
      owner: this.target.owner,
      repo: this.target.repo,
      comment_id: this.id,
      body: liveCommentBody(this.view, this.options.env, lines),
      request: { signal }
    })
  }
}
