import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import type { TaskResult } from '../../src/core/types.js'
import { LiveComment, type LiveCommentOptions } from '../../src/report/live-comment.js'
import { postReportComment } from '../../src/report/pr-comment.js'
import { FakeGitHub } from './fake-github.js'
import { result, task } from './fixtures.js'

// The report comment an earlier run wrote, kept current while a run goes (pr-number known),
// against a local stand-in of the API.

const TOKEN = 'ghs_liveCommentTokenNeverPrinted'
const MARKER = '<!-- parallel-worktree:Roadmap:agents -->'

let github: FakeGitHub
let logged: { level: string; message: string }[]

beforeAll(async () => {
  github = await new FakeGitHub().start()
})
afterAll(async () => {
  await github[Symbol.asyncDispose]()
})
beforeEach(() => {
  github.reset()
  logged = []
})

const env: NodeJS.ProcessEnv = {
  GITHUB_REPOSITORY: 'o/r',
  GITHUB_WORKFLOW: 'Roadmap',
  GITHUB_JOB: 'agents',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_RUN_ID: '4242',
  GITHUB_SERVER_URL: 'https://github.com'
}

function options(more: Partial<LiveCommentOptions> = {}): LiveCommentOptions {
  return {
    enabled: true,
    token: TOKEN,
    prNumber: 12,
    env: { ...env, GITHUB_API_URL: github.url },
    logger: {
      info: (message) => logged.push({ level: 'info', message }),
      warning: (message) => logged.push({ level: 'warning', message }),
      debug: (message) => logged.push({ level: 'debug', message })
    },
    minIntervalMs: 3_600_000,
    ...more
  }
}

const running = (priority: number): TaskResult =>
  task(priority, { status: 'running', merge: 'not-merged', merge_commit: null, log_file: null })

const view = (tasks: TaskResult[]) => ({
  baseBranch: 'roadmap',
  baseCommit: 'c'.repeat(40),
  tasks,
  waves: [tasks.map((t) => t.priority)]
})

describe('the report comment kept current', () => {
  it('edits the earlier report at each task end; the final report then replaces it', async () => {
    github.comments.push({ id: 5, issue: 12, body: `${MARKER}\nold report` })
    const tasks = [running(1), running(2)]
    const live = LiveComment.open(view(tasks), options())!
    Object.assign(tasks[0], task(1))
    live.taskEnded()
    await live.close()
    expect(github.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'PATCH /repos/o/r/issues/comments/5'
    ])
    const body = github.comments[0].body
    expect(body.split('\n')[0]).toBe(MARKER)
    expect(body).toContain('## ⏳ Running: 1 of 2 merged · 1 running')
    expect(body).toMatch(/^\| 1 \| ✅ completed/m)
    expect(body).toMatch(/^\| 2 \| 🏃 running/m)

    const final = result([task(1), task(2, { merge: 'conflict', conflict_files: ['a.ts'] })], {
      success: false
    })
    await postReportComment(final, { ...options(), logger: { info: () => {}, debug: () => {} } })
    expect(github.comments).toHaveLength(1)
    expect(github.comments[0].body).toContain('1 of 2 priorities merged')
    expect(logged.filter((entry) => entry.level === 'warning')).toEqual([])
  })

  it('creates nothing when no earlier report is there', async () => {
    const live = LiveComment.open(view([running(1)]), options())!
    live.taskEnded()
    live.changed()
    await live.close()
    expect(github.writes()).toEqual([])
    expect(github.comments).toEqual([])
  })

  it('is not made without a comment target, a token, or when off', () => {
    expect(LiveComment.open(view([running(1)]), options({ prNumber: null }))).toBeNull()
    expect(LiveComment.open(view([running(1)]), options({ token: '' }))).toBeNull()
    expect(LiveComment.open(view([running(1)]), options({ enabled: false }))).toBeNull()
  })

  it('a refused edit: one warning, and no request after it', async () => {
    github.comments.push({ id: 5, issue: 12, body: `${MARKER}\nold report` })
    github.refuse = (method) => (method === 'PATCH' ? { status: 403, message: 'Forbidden' } : null)
    const live = LiveComment.open(view([running(1), running(2)]), options())!
    live.taskEnded()
    live.taskEnded()
    await live.close()
    expect(github.writes()).toHaveLength(1)
    const warnings = logged.filter((entry) => entry.level === 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0].message).toContain('403')
    expect(JSON.stringify(logged)).not.toContain(TOKEN)
  })
})
