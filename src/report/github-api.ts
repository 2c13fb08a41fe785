import * as github from '@actions/github'
import type { Logger } from '../core/logger.js'

/** The REST client every report to GitHub uses (comment, check run). */
export type GitHubClient = ReturnType<typeof github.getOctokit>

/** The text without the token: an error message may quote a request. */
export function scrubbed(text: string, token: string): string {
  return token ? text.split(token).join('***') : text
}

/** The innermost cause's message: `fetch failed` hides `connect ECONNREFUSED …`. */
export function deepestMessage(error: unknown): string {
  interface Chained {
    message?: string
    cause?: Chained
  }
  let current = error as Chained | undefined
  let message = current?.message ?? String(error)
  for (let depth = 0; depth < 5 && current?.cause; depth += 1) {
    current = current.cause
    if (current?.message) message = current.message
  }
  return message
}

/** A client of the API named by GITHUB_API_URL now, whose own log goes to debug, scrubbed. */
export function githubClient(
  token: string,
  env: NodeJS.ProcessEnv,
  logger: Pick<Logger, 'debug'>
): GitHubClient {
  // @actions/github reads GITHUB_API_URL once, when it is first imported: read it now.
  const baseUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
  return github.getOctokit(token, {
    baseUrl,
    userAgent: 'parallel-worktree',
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => logger.debug(scrubbed(message, token)),
      error: (message: string) => logger.debug(scrubbed(message, token))
    }
  })
}

/** The HTTP status of a refusal of the API, or null (no answer, no connection). */
export function refusalStatus(error: unknown): number | null {
  const status = (error as { status?: number }).status
  const answered = (error as { response?: unknown }).response !== undefined
  return answered && typeof status === 'number' ? status : null
}

/**
 * What went wrong with a request, in words: a timeout (the signal tells; Octokit turns it
 * into a 500), a connection that failed (a 500 with no response), or the API's answer.
 * `forbidden` says what to grant on a 403.
 */
export function explainApiError(error: unknown, signal: AbortSignal, forbidden: string): string {
  if (signal.aborted) return 'the GitHub API did not answer in time'
  const status = (error as { status?: number }).status
  const message = (error as Error).message ?? String(error)
  if ((error as Error).name === 'HttpError' && !(error as { response?: unknown }).response)
    return `could not reach the GitHub API: ${deepestMessage(error)}`
  if (status === 401) return `401 Unauthorized: the github-token was refused (${message})`
  if (status === 403) return `403 Forbidden: ${message}; ${forbidden}`
  return status ? `${status}: ${message}` : message
}
