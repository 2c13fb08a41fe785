import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TaskResult } from '../../src/core/types.js'
import {
  ANNOTATIONS_PER_REQUEST,
  completeCheckRun,
  LiveCheckRun,
  type CheckRunOptions,
  type CheckRunRef
} from '../../src/report/check-run.js'
import { CHECK_SUMMARY_LIMIT_CHARS, type LiveRunView } from '../../src/report/live-summary.js'
import { tempDir, type TempDir } from '../helpers/temp-repo.js'
import { FakeGitHub, type RecordedRequest } from './fake-github.js'
import { result, task } from './fixtures.js'

// The live check run against a local stand-in of the API: what it sends, when, and what it
// does when the API refuses or fails.

const TOKEN = 'ghs_checkRunTokenThatMustNeverBePrinted'
const BASE = 'b'.repeat(40)

let github: FakeGitHub
let dir: TempDir
let logged: { level: string; message: string }[]

beforeAll(async () => {
  github = await new FakeGitHub().start()
  dir = tempDir('pw-check-run-')
})
afterAll(async () => {
  await github[Symbol.asyncDispose]()
  dir[Symbol.dispose]()
})
beforeEach(() => {
  github.reset()
  logged = []
})
afterEach(() => {
  expect(JSON.stringify(logged)).not.toContain(TOKEN)
})

const warnings = () => logged.filter((entry) => entry.level === 'warning').map((e) => e.message)

function options(more: Partial<CheckRunOptions> = {}): CheckRunOptions {
  return {
    enabled: true,
    token: TOKEN,
    env: {
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242'
    },
    logger: {
      info: (message) => logged.push({ level: 'info', message }),
      warning: (message) => logged.push({ level: 'warning', message }),
      debug: (message) => logged.push({ level: 'debug', message })
    },
    // Only task ends and the completion are sent unless a test asks for more.
    minIntervalMs: 3_600_000,
    refreshMs: 3_600_000,
    ...more
  }
}

function view(tasks: TaskResult[], waves: number[][] = [tasks.map((t) => t.priority)]) {
  return { baseBranch: 'roadmap', baseCommit: BASE, tasks, waves } satisfies LiveRunView
}

const pending = (priority: number): TaskResult =>
  task(priority, {
    status: 'pending',
    started_at: null,
    ended_at: null,
    merge: 'not-merged',
    merge_commit: null,
    log_file: null
  })

const line = (request: RecordedRequest) => `${request.method} ${request.path}`
const fields = (request: RecordedRequest) => request.body as Record<string, unknown>
const output = (request: RecordedRequest) =>
  fields(request).output as { title: string; summary: string; annotations?: unknown[] }

/** Lets timers that are due run, then waits for the requests they queued. */
async function drain(live: LiveCheckRun): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20))
  await live.settled()
}

describe('the live check run', () => {
  it('is created in progress on the base commit, updated once per task end, then completed', async () => {
    const tasks = [pending(1), pending(2), pending(3)]
    const created: CheckRunRef[] = []
    const live = LiveCheckRun.open(view(tasks), options({ onCreated: (ref) => created.push(ref) }))!
    for (const [index, done] of tasks.entries()) {
      Object.assign(done, task(done.priority))
      if (index === 2) Object.assign(done, { merge: 'not-merged', status: 'failed' })
      live.taskEnded()
    }
    await live.complete('failure', result(tasks, { success: false }))

    const requests = github.checkRunRequests()
    expect(requests.map(line)).toEqual([
      'POST /repos/o/r/check-runs',
      'PATCH /repos/o/r/check-runs/1000',
      'PATCH /repos/o/r/check-runs/1000',
      'PATCH /repos/o/r/check-runs/1000',
      'PATCH /repos/o/r/check-runs/1000'
    ])
    expect(fields(requests[0])).toMatchObject({
      name: 'parallel-worktree',
      head_sha: BASE,
      status: 'in_progress',
      details_url: 'https://github.com/o/r/actions/runs/4242'
    })
    expect(output(requests[0]).title).toBe('0 of 3 merged · 3 queued')
    for (const update of requests.slice(1, 4)) expect(fields(update).status).toBeUndefined()
    // Each end's update shows the run as it was at that end.
    expect(requests.slice(1, 4).map((update) => output(update).title)).toEqual([
      '1 of 3 merged · 2 queued',
      '2 of 3 merged · 1 queued',
      '2 of 3 merged · 1 failed'
    ])
    expect(fields(requests[4])).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(output(requests[4]).title).toBe('2 of 3 merged · 1 failed')
    for (const priority of [1, 2, 3])
      expect(output(requests[4]).summary).toMatch(new RegExp(`^\\| ${priority} \\|`, 'm'))
    expect(created).toEqual([{ id: 1000, owner: 'o', repo: 'r', name: 'parallel-worktree' }])
    for (const request of requests) expect(request.headers.authorization).toBe(`token ${TOKEN}`)
    expect(warnings()).toEqual([])
  })

  it('shows a running agent, how long it has run and the last line of its log', async () => {
    const log = join(dir.path, 'priority-7.log')
    writeFileSync(log, 'starting\n\x1b[32mwriting tests for | the parser\x1b[0m\n\n')
    const running = task(7, {
      status: 'running',
      started_at: new Date(Date.now() - 125_000).toISOString(),
      merge: 'not-merged',
      log_file: log,
      usage: {
        cost_usd: 3.1,
        input_tokens: null,
        output_tokens: null,
        cache_read_input_tokens: null,
        cache_creation_input_tokens: null
      }
    })
    const live = LiveCheckRun.open(view([running, pending(8)], [[7], [8]]), options())!
    await live.settled()
    const summary = output(github.checkRunRequests()[0]).summary
    expect(output(github.checkRunRequests()[0]).title).toBe(
      '0 of 2 merged · 1 running · 1 queued · $3.10'
    )
    expect(summary).toMatch(
      /^\| 7 \| 🏃 running \| 2m 0[5-9]s so far \| — \| \$3\.10 \| writing tests for \\\| the parser \|$/m
    )
    expect(summary).toContain('### Waves')
    expect(summary).toContain('1. 🏃 7')
    expect(summary).toContain('2. ⏳ 8')
    await live.complete('cancelled')
    expect(fields(github.checkRunRequests().at(-1)!)).toMatchObject({ conclusion: 'cancelled' })
  })

  it('coalesces starts and merges into one update, and sends none sooner than the interval', async () => {
    const tasks = [pending(1), pending(2)]
    const soon = LiveCheckRun.open(view(tasks), options({ minIntervalMs: 0 }))!
    soon.changed()
    soon.changed()
    await drain(soon)
    expect(github.checkRunRequests().map((r) => r.method)).toEqual(['POST', 'PATCH'])

    github.reset()
    // Right after the creation, the next update waits out the interval: none before the end.
    const later = LiveCheckRun.open(view(tasks), options({ minIntervalMs: 3_600_000 }))!
    later.changed()
    later.changed()
    await drain(later)
    expect(github.checkRunRequests().map((r) => r.method)).toEqual(['POST'])
    await later.complete('success')
    expect(github.checkRunRequests().map((r) => r.method)).toEqual(['POST', 'PATCH'])
  })

  it('never has two requests in flight', async () => {
    github.delayMs = 30
    const tasks = [pending(1), pending(2), pending(3)]
    const live = LiveCheckRun.open(view(tasks), options({ minIntervalMs: 0 }))!
    live.changed()
    live.taskEnded()
    live.taskEnded()
    live.changed()
    live.taskEnded()
    await drain(live)
    await live.complete('success')
    expect(github.checkRunRequests().length).toBeGreaterThanOrEqual(5)
    expect(github.maxInFlight).toBe(1)
  })

  it('without checks: write (403): one warning, and no request after the refused one', async () => {
    github.refuse = (method, path) =>
      path.includes('/check-runs')
        ? { status: 403, message: 'Resource not accessible by integration' }
        : null
    const live = LiveCheckRun.open(view([pending(1), pending(2)]), options())!
    live.taskEnded()
    live.changed()
    live.taskEnded()
    await live.complete('success')
    expect(github.requests.map(line)).toEqual(['POST /repos/o/r/check-runs'])
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]).toContain('403 Forbidden')
    expect(warnings()[0]).toContain('checks: write')
  })

  it('an API that fails an update: one warning, later updates and the completion still sent', async () => {
    let failures = 2
    github.refuse = (method) =>
      method === 'PATCH' && failures-- > 0 ? { status: 502, message: 'Bad Gateway' } : null
    const live = LiveCheckRun.open(view([pending(1)]), options())!
    live.taskEnded()
    live.taskEnded()
    live.taskEnded()
    await live.complete('success')
    expect(github.checkRunRequests().map((r) => r.method)).toEqual([
      'POST',
      'PATCH',
      'PATCH',
      'PATCH',
      'PATCH'
    ])
    expect(github.checkRuns[0].fields).toMatchObject({ status: 'completed', conclusion: 'success' })
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]).toContain('502')
  })

  it('an API that stops answering mid-run: given up on at the first timeout, not once per update', async () => {
    const tasks = [pending(1), pending(2), pending(3)]
    const live = LiveCheckRun.open(view(tasks), options({ timeoutMs: 200 }))!
    await live.settled()
    github.hang = true
    live.taskEnded()
    live.taskEnded()
    live.taskEnded()
    await live.complete('success')
    expect(github.checkRunRequests().map((r) => r.method)).toEqual(['POST', 'PATCH'])
    expect(warnings()).toEqual([expect.stringContaining('did not answer in time')])
  })

  it('an API that keeps failing: given up on after 3 failures in a row', async () => {
    const live = LiveCheckRun.open(view([pending(1)]), options())!
    await live.settled()
    github.failWith = { status: 500, message: 'Internal Server Error' }
    for (let end = 0; end < 6; end += 1) live.taskEnded()
    await live.complete('success')
    expect(github.checkRunRequests().map((r) => r.method)).toEqual([
      'POST',
      'PATCH',
      'PATCH',
      'PATCH'
    ])
    expect(warnings()).toHaveLength(1)
  })

  it('an API that never answers: given up on, one warning', async () => {
    github.hang = true
    const live = LiveCheckRun.open(view([pending(1)]), options({ timeoutMs: 200 }))!
    live.taskEnded()
    await live.complete('success')
    expect(github.requests.map(line)).toEqual(['POST /repos/o/r/check-runs'])
    expect(warnings()).toEqual([expect.stringContaining('did not answer in time')])
  })

  it('is not made when off, without a token, or without a repository', () => {
    const tasks = [pending(1)]
    expect(LiveCheckRun.open(view(tasks), options({ enabled: false }))).toBeNull()
    expect(LiveCheckRun.open(view(tasks), options({ token: '' }))).toBeNull()
    expect(
      LiveCheckRun.open(view(tasks), options({ env: { GITHUB_API_URL: github.url } }))
    ).toBeNull()
    expect(github.requests).toEqual([])
  })

  it('puts each conflicting file on it once, at most 50 annotations a request', async () => {
    const files = Array.from({ length: 120 }, (_, i) => `src/file-${i}.ts`)
    const conflicted = task(4, { merge: 'conflict', merge_commit: null, conflict_files: files })
    const tasks = [pending(4)]
    const live = LiveCheckRun.open(view(tasks), options())!
    Object.assign(tasks[0], conflicted)
    live.taskEnded()
    await live.complete('failure')
    const sent = github
      .checkRunRequests()
      .map((request) => (output(request).annotations ?? []) as { path: string; title: string }[])
    expect(Math.max(...sent.map((batch) => batch.length))).toBe(ANNOTATIONS_PER_REQUEST)
    const paths = sent.flat().map((annotation) => annotation.path)
    expect(paths.sort()).toEqual([...files].sort())
    expect(sent.flat()[0].title).toBe('PRIORITY 4: merge conflict')
  })

  it("keeps a summary of 256 priorities within the API's limit, every priority named", async () => {
    const tasks = Array.from({ length: 256 }, (_, i) => {
      const log = join(dir.path, `long-${i}.log`)
      writeFileSync(log, `${'<b>|`*'.repeat(3000)}\n`)
      return task(i + 1, {
        status: 'running',
        merge: 'not-merged',
        log_file: log,
        started_at: new Date().toISOString()
      })
    })
    const live = LiveCheckRun.open(view(tasks), options())!
    await live.complete('cancelled')
    for (const request of github.checkRunRequests()) {
      const { summary } = output(request)
      expect(summary.length).toBeLessThanOrEqual(CHECK_SUMMARY_LIMIT_CHARS)
      for (let priority = 1; priority <= 256; priority += 1)
        expect(summary).toContain(`\n| ${priority} |`)
      expect(summary).not.toContain('<b>')
    }
  })
})

describe('completeCheckRun (the post step of a killed main step)', () => {
  it('completes the check run as cancelled', async () => {
    github.checkRuns.push({ id: 77, fields: { status: 'in_progress' } })
    const warning = await completeCheckRun({ id: 77, owner: 'o', repo: 'r' }, 'cancelled', {
      ...options()
    })
    expect(warning).toBeNull()
    expect(github.requests.map(line)).toEqual(['PATCH /repos/o/r/check-runs/77'])
    expect(fields(github.requests[0])).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled'
    })
  })

  it('returns a warning, never throws, when refused', async () => {
    github.failWith = { status: 403, message: 'Resource not accessible by integration' }
    const warning = await completeCheckRun(
      { id: 77, owner: 'o', repo: 'r' },
      'cancelled',
      options()
    )
    expect(warning).toContain('checks: write')
    expect(warning).not.toContain(TOKEN)
  })
})
