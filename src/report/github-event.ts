import { readFileSync } from 'node:fs'

/** The issue or pull request a run reports to, and how it was found. */
export interface CommentTarget {
  owner: string
  repo: string
  number: number
  /** `event`: the triggering pull request or issue; `input`: the `pr-number` input. */
  source: 'event' | 'input'
}

// Events whose payload names the pull request or issue that triggered the run.
const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment'
])
const ISSUE_EVENTS = new Set(['issues', 'issue_comment'])

interface EventPayload {
  number?: unknown
  pull_request?: { number?: unknown }
  issue?: { number?: unknown }
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null
}

/**
 * The number of the pull request or issue named by the triggering event, read from
 * GITHUB_EVENT_PATH when asked (not when a module loads, as @actions/github's context does),
 * or null with the reason.
 */
export function eventIssueNumber(env: NodeJS.ProcessEnv): { number: number | null; why: string } {
  const name = env.GITHUB_EVENT_NAME ?? ''
  if (!PULL_REQUEST_EVENTS.has(name) && !ISSUE_EVENTS.has(name)) {
    return {
      number: null,
      why: `the ${name ? `\`${name}\`` : 'unknown'} event names no pull request or issue`
    }
  }
  const path = env.GITHUB_EVENT_PATH
  if (!path) return { number: null, why: 'GITHUB_EVENT_PATH is not set' }
  let payload: EventPayload
  try {
    payload = JSON.parse(readFileSync(path, 'utf8')) as EventPayload
  } catch (error) {
    return { number: null, why: `the event file could not be read: ${(error as Error).message}` }
  }
  const number = PULL_REQUEST_EVENTS.has(name)
    ? (positiveInteger(payload.pull_request?.number) ?? positiveInteger(payload.number))
    : positiveInteger(payload.issue?.number)
  return number
    ? { number, why: `the \`${name}\` event` }
    : { number: null, why: `the \`${name}\` event payload has no number` }
}

/**
 * Where to comment: the triggering pull request or issue, else `pr-number` (contract:
 * "the pull request or issue to comment on when the event names none"), else nowhere.
 */
export function commentTarget(
  env: NodeJS.ProcessEnv,
  prNumber: number | null
): { target: CommentTarget | null; why: string } {
  const [owner, repo, ...extra] = (env.GITHUB_REPOSITORY ?? '').split('/')
  if (!owner || !repo || extra.length) {
    return { target: null, why: 'GITHUB_REPOSITORY is not set (owner/name)' }
  }
  const fromEvent = eventIssueNumber(env)
  if (fromEvent.number) {
    return {
      target: { owner, repo, number: fromEvent.number, source: 'event' },
      why: fromEvent.why
    }
  }
  if (prNumber)
    return {
      target: { owner, repo, number: prNumber, source: 'input' },
      why: 'the pr-number input'
    }
  return { target: null, why: `${fromEvent.why} and pr-number is empty` }
}

/** The page of this run, for links in reports. */
export function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
}
