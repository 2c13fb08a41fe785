import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  COMMENT_LIMIT_CHARS,
  postReportComment,
  type CommentOptions
} from '../../src/report/pr-comment.js'
import { tempDir, type TempDir } from '../helpers/temp-repo.js'
import { FakeGitHub } from './fake-github.js'
import { mixedResult, result, task } from './fixtures.js'

const TOKEN = 'ghs_s3cr3tT0kenThatMustNeverBePrinted'

let github: FakeGitHub
let dir: TempDir
let logged: string[]
let printed: string[]

beforeAll(async () => {
  github = await new FakeGitHub().start()
  dir = tempDir()
})
afterAll(async () => {
  await github[Symbol.asyncDispose]()
  dir[Symbol.dispose]()
})
beforeEach(() => {
  github.reset()
  logged = []
  printed = []
  // Whatever the module might print on its own is caught too.
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk))
      return true
    })
  }
})
afterEach(() => {
  jest.restoreAllMocks()
  // No test leaks the token into anything it logged or printed.
  expect([...logged, ...printed].join('\n')).not.toContain(TOKEN)
})

function env(event: string, payload: unknown, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const path = join(dir.path, `${event}-${Math.random()}.json`)
  writeFileSync(path, JSON.stringify(payload))
  return {
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKFLOW: 'Roadmap',
    GITHUB_JOB: 'agents',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: path,
    ...extra
  }
}

function options(
  environment: NodeJS.ProcessEnv,
  more: Partial<CommentOptions> = {}
): CommentOptions {
  return {
    enabled: true,
    token: TOKEN,
    prNumber: null,
    env: environment,
    logger: { info: (m) => logged.push(m), debug: (m) => logged.push(m) },
    ...more
  }
}

const failing = mixedResult()
const pullRequest = (n: number) => env('pull_request', { number: n, pull_request: { number: n } })

describe('postReportComment', () => {
  it('creates one comment on the pull request that triggered the run', async () => {
    const outcome = await postReportComment(failing, options(pullRequest(12)))
    expect(outcome).toEqual({
      action: 'created',
      issue: 12,
      url: 'https://github.com/o/r/issues/12#issuecomment-1000'
    })
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/o/r/issues/12/comments?per_page=100&page=1',
      'POST /repos/o/r/issues/12/comments'
    ])
    const body = (github.requests[1].body as { body: string }).body
    expect(body.split('\n')[0]).toBe('<!-- parallel-worktree:Roadmap:agents -->')
    expect(body).toContain('## ❌ 1 of 7 priorities merged into `roadmap`')
    expect(body).toContain('### ⚔️ Conflicts (1)')
    expect(body).toContain('[this run](https://github.com/o/r/actions/runs/4242)')
    // The token travels only in the Authorization header.
    for (const request of github.requests) {
      expect(request.headers.authorization).toBe(`token ${TOKEN}`)
      expect(
        JSON.stringify({ ...request, headers: { ...request.headers, authorization: '' } })
      ).not.toContain(TOKEN)
    }
    expect(logged).toContain(
      'Posted the report on #12: https://github.com/o/r/issues/12#issuecomment-1000'
    )
  })

  it('updates its own comment on the next run instead of adding one', async () => {
    const environment = pullRequest(12)
    github.comments.push({ id: 7, issue: 12, body: 'a human comment' })
    await postReportComment(failing, options(environment))
    github.requests.length = 0
    const second = result([task(65), task(66, { merge: 'conflict', conflict_files: ['a.ts'] })], {
      success: false
    })
    const outcome = await postReportComment(second, options(environment))
    expect(outcome).toMatchObject({ action: 'updated', issue: 12 })
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/o/r/issues/12/comments?per_page=100&page=1',
      'PATCH /repos/o/r/issues/comments/1000'
    ])
    expect(github.comments.map((c) => c.id)).toEqual([7, 1000])
    expect(github.comments[1].body).toContain('1 of 2 priorities merged')
    expect(github.comments[0].body).toBe('a human comment')
  })

  it('finds its comment on a later page of a long thread', async () => {
    for (let i = 0; i < 150; i += 1)
      github.comments.push({ id: i + 1, issue: 12, body: `comment ${i}` })
    github.comments[120].body = '<!-- parallel-worktree:Roadmap:agents -->\nold report'
    await postReportComment(failing, options(pullRequest(12)))
    expect(github.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'PATCH /repos/o/r/issues/comments/121'
    ])
  })

  it('keeps one comment per workflow job', async () => {
    await postReportComment(failing, options(pullRequest(12)))
    await postReportComment(failing, options({ ...pullRequest(12), GITHUB_JOB: 'other' }))
    expect(github.writes().map((r) => r.method)).toEqual(['POST', 'POST'])
    expect(github.comments.map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- parallel-worktree:Roadmap:agents -->',
      '<!-- parallel-worktree:Roadmap:other -->'
    ])
  })

  it('comments on pr-number when the event names no pull request', async () => {
    const outcome = await postReportComment(
      failing,
      options(env('push', { ref: 'refs/heads/main' }), { prNumber: 34 })
    )
    expect(outcome).toMatchObject({ action: 'created', issue: 34 })
    expect(github.writes().map((r) => r.path)).toEqual(['/repos/o/r/issues/34/comments'])
  })

  it('prefers the triggering pull request to pr-number (the contract)', async () => {
    await postReportComment(failing, options(pullRequest(12), { prNumber: 34 }))
    expect(github.writes().map((r) => r.path)).toEqual(['/repos/o/r/issues/12/comments'])
  })

  it('comments on the issue of an issue_comment event (a pull request is an issue too)', async () => {
    const outcome = await postReportComment(
      failing,
      options(env('issue_comment', { issue: { number: 56, pull_request: {} }, comment: { id: 1 } }))
    )
    expect(outcome).toMatchObject({ action: 'created', issue: 56 })
    expect(github.writes().map((r) => r.path)).toEqual(['/repos/o/r/issues/56/comments'])
  })

  it('sends nothing when there is nothing to comment on, and says so', async () => {
    const outcome = await postReportComment(failing, options(env('workflow_dispatch', {})))
    expect(outcome).toEqual({
      action: 'none',
      reason:
        'no pull request or issue to comment on: the `workflow_dispatch` event names no pull request or issue and pr-number is empty'
    })
    expect(github.requests).toEqual([])
    expect(logged.join('\n')).toContain('No pull request comment')
  })

  it('sends nothing when pr-comment is off or when there is no token', async () => {
    expect(await postReportComment(failing, options(pullRequest(12), { enabled: false }))).toEqual({
      action: 'none',
      reason: 'pr-comment is off'
    })
    expect(await postReportComment(failing, options(pullRequest(12), { token: '' }))).toEqual({
      action: 'failed',
      reason: 'no github-token: the report was not posted on #12'
    })
    expect(github.requests).toEqual([])
  })

  it('turns a server error into a warning, not a thrown error', async () => {
    github.failWith = { status: 500, message: 'Server Error' }
    const outcome = await postReportComment(failing, options(pullRequest(12)))
    expect(outcome).toEqual({
      action: 'failed',
      reason: 'Could not comment on o/r#12: 500: Server Error'
    })
  })

  it('explains a 403 (read-only token, forks)', async () => {
    github.failWith = { status: 403, message: 'Resource not accessible by integration' }
    const outcome = await postReportComment(failing, options(pullRequest(12)))
    expect(outcome.action).toBe('failed')
    expect((outcome as { reason: string }).reason).toMatch(
      /^Could not comment on o\/r#12: 403 Forbidden: .*Resource not accessible by integration.*pull-requests: write.*forks/
    )
  })

  it('gives up on an API that does not answer', async () => {
    github.hang = true
    const outcome = await postReportComment(failing, options(pullRequest(12), { timeoutMs: 300 }))
    expect(outcome).toEqual({
      action: 'failed',
      reason: 'Could not comment on o/r#12: the GitHub API did not answer in time'
    })
  })

  it('turns a refused connection into a warning', async () => {
    // A port that was free a moment ago: nothing listens there.
    const closed = await new FakeGitHub().start()
    await closed[Symbol.asyncDispose]()
    const outcome = await postReportComment(
      failing,
      options({ ...pullRequest(12), GITHUB_API_URL: closed.url })
    )
    expect(outcome).toEqual({
      action: 'failed',
      reason: expect.stringMatching(
        /^Could not comment on o\/r#12: could not reach the GitHub API: .*ECONNREFUSED/
      )
    })
  })

  it('marks its earlier report resolved when a later run succeeds, and stays silent otherwise', async () => {
    const environment = pullRequest(12)
    const succeeded = result([task(65), task(66)])
    expect(await postReportComment(succeeded, options(environment))).toEqual({
      action: 'none',
      reason: 'the run succeeded and there is no earlier report'
    })
    expect(github.writes()).toEqual([])
    await postReportComment(failing, options(environment))
    const outcome = await postReportComment(succeeded, options(environment))
    expect(outcome).toMatchObject({ action: 'resolved', issue: 12 })
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0].body).toBe(
      '<!-- parallel-worktree:Roadmap:agents -->\n## ✅ Resolved\n\n' +
        '✅ All 2 priorities merged into `roadmap` in [this run](https://github.com/o/r/actions/runs/4242). ' +
        'The earlier report no longer applies.\n'
    )
  })

  it('keeps the body within 65,536 characters, with a link to the run', async () => {
    const huge = result(
      Array.from({ length: 256 }, (_, i) =>
        task(i + 1, {
          status: 'failed',
          merge: 'not-merged',
          error: `failure ${i}\n${'💥'.repeat(30_000)}`
        })
      ),
      { success: false }
    )
    await postReportComment(huge, options(pullRequest(12)))
    const body = (github.writes()[0].body as { body: string }).body
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT_CHARS)
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT_CHARS / 2)
    expect(body).toContain('[run](https://github.com/o/r/actions/runs/4242)')
    expect(body).toMatch(/_… and \d+ more failures \(size limit\)\._/)
  })
})
