import type { Logger } from '../core/logger.js'
import type { RunResult } from '../core/types.js'
import { explainApiError, githubClient, scrubbed, type GitHubClient } from './github-api.js'
import { commentTarget, runUrl, type CommentTarget } from './github-event.js'
import { headline } from './headline.js'
import type { BranchLocation } from './resolve-commands.js'
import { renderSummary } from './summary.js'

/** GitHub refuses a comment body above 65,536 characters. */
export const COMMENT_LIMIT_CHARS = 65_536
const MAX_PAGES = 50
const PER_PAGE = 100
const DEFAULT_TIMEOUT_MS = 30_000

export interface CommentOptions {
  /** The `pr-comment` input. */
  enabled: boolean
  /** The `github-token` input: sent in the Authorization header, never printed. */
  token: string
  /** The `pr-number` input. */
  prNumber: number | null
  logger: Pick<Logger, 'info' | 'debug'>
  env?: NodeJS.ProcessEnv
  /** Where the kept branches are, for the commands in the report. */
  branches?: BranchLocation
  /** For the whole exchange with the API. */
  timeoutMs?: number
}

export type CommentOutcome =
  | { action: 'created' | 'updated' | 'resolved'; url: string; issue: number }
  | { action: 'none'; reason: string }
  /** Commenting was wanted and did not happen: a warning for the caller, never a failed run. */
  | { action: 'failed'; reason: string }

/**
 * The hidden line that finds this workflow job's comment again on a re-run. Workflow and
 * job names are the runner's; `--` would end the HTML comment early, so it is removed.
 */
export function commentMarker(env: NodeJS.ProcessEnv): string {
  const clean = (text: string | undefined) =>
    (text ?? '')
      .replace(/[\r\n]+/g, ' ')
      .replace(/-{2,}/g, '-')
      .replace(/>/g, '')
      .trim()
  return `<!-- parallel-worktree:${clean(env.GITHUB_WORKFLOW)}:${clean(env.GITHUB_JOB)} -->`
}

/** The body of a report comment: the marker, then the summary, within GitHub's limit. */
export function reportCommentBody(
  result: RunResult,
  env: NodeJS.ProcessEnv,
  branches: BranchLocation
): string {
  const marker = commentMarker(env)
  const url = runUrl(env)
  const footer = `\n---\n<sub>parallel-worktree${url ? ` · [this run](${url})` : ''} · this comment is updated on every run</sub>\n`
  const reserved = marker.length + footer.length + 64
  // renderWithin counts UTF-8 bytes, never fewer than characters: the body stays in the limit.
  const summary = renderSummary(result, {
    branches,
    limitBytes: COMMENT_LIMIT_CHARS - reserved,
    runUrl: url,
    timeline: false,
    errorChars: 1500
  })
  return `${marker}\n${summary}${footer}`
}

/** The body that replaces a report once a later run succeeded. */
export function resolvedCommentBody(result: RunResult, env: NodeJS.ProcessEnv): string {
  const url = runUrl(env)
  return [
    commentMarker(env),
    `## ✅ Resolved`,
    '',
    `${headline(result)}${url ? ` in [this run](${url})` : ''}. The earlier report no longer applies.`,
    ''
  ].join('\n')
}

function explain(error: unknown, signal: AbortSignal): string {
  const status = (error as { status?: number }).status
  if (!signal.aborted && status === 404) {
    const message = (error as Error).message ?? String(error)
    return `404 Not Found: no such issue or pull request, or no access to it (${message})`
  }
  return explainApiError(
    error,
    signal,
    'the github-token may not comment: grant `permissions: { pull-requests: write, issues: write }`; on pull requests from forks the token is read-only'
  )
}

type Client = GitHubClient

/** This job's comment on the issue or pull request, found by its marker; null when none. */
export async function findOurComment(
  client: Client,
  target: CommentTarget,
  marker: string,
  signal: AbortSignal
): Promise<{ id: number; html_url: string } | null> {
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const { data } = await client.rest.issues.listComments({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.number,
      per_page: PER_PAGE,
      page,
      request: { signal }
    })
    const ours = data.find((comment) => comment.body?.startsWith(marker))
    if (ours) return { id: ours.id, html_url: ours.html_url }
    if (data.length < PER_PAGE) return null
  }
  return null
}

/**
 * One comment per workflow job on the pull request or issue that triggered the run (or on
 * `pr-number`) when something failed or conflicted: created on the first run, updated on
 * the next ones. A later successful run marks an earlier report resolved. Every failure is
 * returned as `failed` (for a warning), never thrown; the token is never in what it says.
 */
export async function postReportComment(
  result: RunResult,
  options: CommentOptions
): Promise<CommentOutcome> {
  const env = options.env ?? process.env
  const { logger, token } = options
  if (!options.enabled) return { action: 'none', reason: 'pr-comment is off' }
  const { target, why } = commentTarget(env, options.prNumber)
  if (!target) {
    // Worth saying only when a report was wanted.
    const say = result.success ? logger.debug : logger.info
    say(`No pull request comment: nothing to comment on (${why}).`)
    return { action: 'none', reason: `no pull request or issue to comment on: ${why}` }
  }
  if (!token) {
    if (result.success) return { action: 'none', reason: 'no github-token' }
    return {
      action: 'failed',
      reason: `no github-token: the report was not posted on #${target.number}`
    }
  }
  logger.debug(`Commenting on ${target.owner}/${target.repo}#${target.number} (from ${why})`)
  const marker = commentMarker(env)
  const signal = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  try {
    const client = githubClient(token, env, logger)
    const existing = await findOurComment(client, target, marker, signal)
    const where = { owner: target.owner, repo: target.repo }
    if (result.success) {
      if (!existing)
        return { action: 'none', reason: 'the run succeeded and there is no earlier report' }
      const { data } = await client.rest.issues.updateComment({
        ...where,
        comment_id: existing.id,
        body: resolvedCommentBody(result, env),
        request: { signal }
      })
      logger.info(`Marked the earlier report resolved: ${data.html_url}`)
      return { action: 'resolved', url: data.html_url, issue: target.number }
    }
    const body = reportCommentBody(result, env, options.branches ?? 'runner')
    if (existing) {
      const { data } = await client.rest.issues.updateComment({
        ...where,
        comment_id: existing.id,
        body,
        request: { signal }
      })
      logger.info(`Updated the report on #${target.number}: ${data.html_url}`)
      return { action: 'updated', url: data.html_url, issue: target.number }
    }
    const { data } = await client.rest.issues.createComment({
      ...where,
      issue_number: target.number,
      body,
      request: { signal }
    })
    logger.info(`Posted the report on #${target.number}: ${data.html_url}`)
    return { action: 'created', url: data.html_url, issue: target.number }
  } catch (error) {
    return {
      action: 'failed',
      reason: scrubbed(
        `Could not comment on ${target.owner}/${target.repo}#${target.number}: ${explain(error, signal)}`,
        token
      )
    }
  }
}
