import type { Logger } from '../core/logger.js'
import type { RunResult } from '../core/types.js'
import {
  explainApiError,
  githubClient,
  refusalStatus,
  scrubbed,
  type GitHubClient
} from './github-api.js'
import { runUrl } from './github-event.js'
import { headline } from './headline.js'
import { checkRunName, checkRunTitle, CHECK_RUN_NAME, fanOutNote } from './fan-out-check.js'
import { liveSummary, type LiveRunView } from './live-summary.js'
import { runningLastLines } from './log-tail.js'
import { RequestPace } from './request-pace.js'

export { CHECK_RUN_NAME }
/** Least time between two updates, except a task's end (always sent). */
export const CHECK_RUN_MIN_INTERVAL_MS = 10_000
/** A run whose tasks neither start nor end still shows their durations moving. */
export const CHECK_RUN_REFRESH_MS = 60_000
/**
 * The same for a fan-out's task job, less often: every job of the fan-out sends its own, and
 * GITHUB_TOKEN's requests per hour are counted per repository.
 */
export const TASK_JOB_REFRESH_MS = 300_000
/** The API takes at most 50 annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50
/** Requests that carry only annotations left over at the end, at most. */
const MAX_ANNOTATION_REQUESTS = 10
const REQUEST_TIMEOUT_MS = 20_000
/** Failed updates in a row after which the API is given up on for this run. */
const MAX_FAILURES_IN_A_ROW = 3

export type CheckConclusion = 'success' | 'failure' | 'cancelled'

/** What the post step needs to complete the check run of a main step that was killed. */
export interface CheckRunRef {
  id: number
  owner: string
  repo: string
  /** Its name (a fan-out's task job has its own); `parallel-worktree` when absent. */
  name?: string
}

const FORBIDDEN =
  'the github-token may not write check runs. Grant `permissions: { checks: write }`; on pull requests from forks the token is read-only'

export interface CheckRunOptions {
  /** The `check-run` input. */
  enabled: boolean
  /** The `github-token` input: sent in the Authorization header, never printed. */
  token: string
  env: NodeJS.ProcessEnv
  logger: Pick<Logger, 'info' | 'warning' | 'debug'>
  /** Told the check run's id once it exists (the action saves it for its post step). */
  onCreated?: (ref: CheckRunRef) => void
  minIntervalMs?: number
  refreshMs?: number
  /** For each request. */
  timeoutMs?: number
}

/** The repository of GITHUB_REPOSITORY, or null. */
function repositoryOf(env: NodeJS.ProcessEnv): { owner: string; repo: string } | null {
  const [owner, repo, ...extra] = (env.GITHUB_REPOSITORY ?? '').split('/')
  return owner && repo && !extra.length ? { owner, repo } : null
}

interface Annotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'failure' | 'warning' | 'notice'
  title: string
  message: string
}

/**
 * One check run named `parallel-worktree` (a fan-out's task job: `parallel-worktree (priority
 * n)`, see fan-out-check.ts) on the commit the run started from, kept current while the run
 * goes: created `in_progress`, updated on every task's end and otherwise at most every
 * `minIntervalMs` (a start, a merge, the durations moving), completed with the run's
 * conclusion. One request at a time, in order. Nothing it does can fail the run: the
 * first failure is one warning, and a refusal (no `checks: write`, a fork's read-only token)
 * ends its requests.
 */
export class LiveCheckRun {
  private readonly client: GitHubClient
  private readonly pace: RequestPace
  private id: number | null = null
  private warned = false
  private over = false
  private refresher: NodeJS.Timeout | undefined
  private readonly annotated = new Set<string>()
  private readonly name: string

  private constructor(
    private readonly view: LiveRunView,
    private readonly where: { owner: string; repo: string },
    private readonly options: CheckRunOptions
  ) {
    this.client = githubClient(options.token, options.env, options.logger)
    this.name = checkRunName(view)
    this.pace = new RequestPace({
      minIntervalMs: options.minIntervalMs ?? CHECK_RUN_MIN_INTERVAL_MS,
      timeoutMs: options.timeoutMs ?? REQUEST_TIMEOUT_MS,
      failed: (error, signal, inARow) => this.failed(error, signal, inARow)
    })
  }

  /**
   * Creates the check run (without waiting for the API) when it is wanted and possible: the
   * input is on, a token and GITHUB_REPOSITORY are known. Null otherwise, said in debug.
   */
  static open(view: LiveRunView, options: CheckRunOptions): LiveCheckRun | null {
    const where = repositoryOf(options.env)
    const why = !options.enabled
      ? 'check-run is off'
      : !options.token
        ? 'no github-token'
        : !where
          ? 'GITHUB_REPOSITORY is not set (owner/name)'
          : !view.baseCommit
            ? 'no base commit'
            : null
    if (why || !where) {
      options.logger.debug(`No check run: ${why}`)
      return null
    }
    const live = new LiveCheckRun(view, where, options)
    const first = live.snapshot()
    void live.pace.now((signal) => live.create(signal, first))
    const refreshMs =
      options.refreshMs ?? (view.job?.role === 'task' ? TASK_JOB_REFRESH_MS : CHECK_RUN_REFRESH_MS)
    live.refresher = setInterval(() => live.changed(), refreshMs)
    live.refresher.unref()
    return live
  }

  /** A task started or merged: an update within the throttle's interval, coalesced. */
  changed(): void {
    if (this.over) return
    // Coalesced: the tasks as they are when it is sent.
    this.pace.soon((signal) => this.update(signal, null))
  }

  /** A task ended (its merge included): always one update of its own. */
  taskEnded(): void {
    if (this.over || this.pace.isStopped) return
    const now = this.snapshot()
    void this.pace.now((signal) => this.update(signal, now))
  }

  /** The last update: `completed` with the conclusion, the final summary, every annotation left. */
  async complete(conclusion: CheckConclusion, result?: RunResult): Promise<void> {
    if (this.over) return
    this.over = true
    this.pace.close()
    clearInterval(this.refresher)
    const last = this.snapshot()
    await this.pace.now((signal) => this.update(signal, last, { conclusion, result }))
    for (let extra = 0; extra < MAX_ANNOTATION_REQUESTS; extra += 1) {
      if (!this.pendingAnnotations().length) break
      await this.pace.now((signal) => this.update(signal, last))
    }
  }

  /** Resolves once every request asked for so far has been answered (or given up on). */
  settled(): Promise<void> {
    return this.pace.settled()
  }

  /** Whether to stop after this failure; the first one is one warning, the rest debug. */
  private failed(error: unknown, signal: AbortSignal, failuresInARow: number): boolean {
    const status = refusalStatus(error)
    const creating = this.id === null
    // A failed creation leaves nothing to update; a refusal will not change during the run;
    // an API that does not answer would hold every later request (and the run's end) for the
    // whole timeout. Only an answer that may pass (a 5xx) is worth a few more tries.
    const stop =
      creating ||
      signal.aborted ||
      status === null ||
      status === 401 ||
      status === 403 ||
      status === 404 ||
      failuresInARow >= MAX_FAILURES_IN_A_ROW
    if (this.warned) {
      this.options.logger.debug(`check run: ${scrubbed(String(error), this.options.token)}`)
      return stop
    }
    this.warned = true
    const what = creating ? 'create the check run' : 'update the check run'
    const after = stop
      ? 'the run goes on without it'
      : 'the run goes on, and later updates are tried'
    this.options.logger.warning(
      scrubbed(
        `Could not ${what} ${this.name} on ${this.where.owner}/${this.where.repo}: ${explainApiError(error, signal, FORBIDDEN)}; ${after}.`,
        this.options.token
      )
    )
    return stop
  }

  /** The tasks as they are now: an update shows the moment it was asked for. */
  private snapshot(): LiveRunView {
    return {
      ...this.view,
      tasks: this.view.tasks.map((task) => ({
        ...task,
        conflict_files: [...task.conflict_files]
      }))
    }
  }

  private async create(signal: AbortSignal, view: LiveRunView): Promise<void> {
    const env = this.options.env
    const details = runUrl(env)
    const { data } = await this.client.rest.checks.create({
      ...this.where,
      name: this.name,
      head_sha: this.view.baseCommit,
      status: 'in_progress',
      started_at: new Date().toISOString(),
      ...(details ? { details_url: details } : {}),
      ...(env.GITHUB_RUN_ID ? { external_id: env.GITHUB_RUN_ID } : {}),
      output: await this.output(view),
      request: { signal }
    })
    this.id = data.id
    this.options.logger.info(`Check run ${this.name}: ${data.html_url ?? data.id}`)
    this.options.onCreated?.({ id: data.id, ...this.where, name: this.name })
  }

  private async update(
    signal: AbortSignal,
    asked: LiveRunView | null,
    final: { conclusion?: CheckConclusion; result?: RunResult } = {}
  ): Promise<void> {
    if (this.id === null) return
    const annotations = this.pendingAnnotations().slice(0, ANNOTATIONS_PER_REQUEST)
    // Sent once, even when refused (an annotation the API rejects would fail every update).
    for (const annotation of annotations) this.annotated.add(annotationKey(annotation))
    const output = await this.output(asked ?? this.view, final.result)
    await this.client.rest.checks.update({
      ...this.where,
      check_run_id: this.id,
      ...(final.conclusion
        ? {
            status: 'completed',
            conclusion: final.conclusion,
            completed_at: new Date().toISOString()
          }
        : {}),
      output: { ...output, ...(annotations.length ? { annotations } : {}) },
      request: { signal }
    })
  }

  private async output(
    view: LiveRunView,
    result?: RunResult
  ): Promise<{ title: string; summary: string }> {
    const now = Date.now()
    const lastLines = await runningLastLines(view.tasks)
    const url = runUrl(this.options.env)
    const note = fanOutNote(view, url)
    return {
      title: checkRunTitle(view, result !== undefined),
      summary: liveSummary(view, {
        now,
        lastLines,
        runUrl: url,
        ...(note ? { note } : {}),
        ...(result ? { lead: `${headline(result)}.` } : {})
      })
    }
  }

  /** One annotation per conflicting file of each conflicted priority, not yet sent. */
  private pendingAnnotations(): Annotation[] {
    return this.view.tasks
      .filter((task) => task.merge === 'conflict')
      .flatMap((task) =>
        task.conflict_files.map((path): Annotation => ({
          path,
          start_line: 1,
          end_line: 1,
          annotation_level: 'warning',
          title: `PRIORITY ${task.priority}: merge conflict`,
          message: `${task.branch} conflicts with ${this.view.baseBranch} in this file; the branch was kept for a resolution.`
        }))
      )
      .filter((annotation) => !this.annotated.has(annotationKey(annotation)))
  }
}

function annotationKey(annotation: Annotation): string {
  return `${annotation.title}\n${annotation.path}`
}

/**
 * Completes a check run a killed main step left `in_progress` (the post step of a cancelled
 * job). Never throws: returns the warning to give, or null.
 */
export async function completeCheckRun(
  ref: CheckRunRef,
  conclusion: CheckConclusion,
  options: Pick<CheckRunOptions, 'token' | 'env' | 'logger' | 'timeoutMs'>
): Promise<string | null> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS)
  try {
    await githubClient(options.token, options.env, options.logger).rest.checks.update({
      owner: ref.owner,
      repo: ref.repo,
      check_run_id: ref.id,
      status: 'completed',
      conclusion,
      completed_at: new Date().toISOString(),
      output: {
        title: conclusion === 'cancelled' ? 'Cancelled' : conclusion,
        summary:
          conclusion === 'cancelled'
            ? 'The job was cancelled before the run ended: the job summary and the log say how far it got.'
            : 'The run ended.'
      },
      request: { signal }
    })
    return null
  } catch (error) {
    return scrubbed(
      `Could not complete the check run ${ref.name ?? CHECK_RUN_NAME}: ${explainApiError(error, signal, FORBIDDEN)}`,
      options.token
    )
  }
}
