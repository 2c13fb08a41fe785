import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRepo, roadmapFiles, tempDir, type TempRepo } from '../helpers/temp-repo.js'
import { FakeGitHub, type RecordedRequest } from '../report/fake-github.js'
import { DIST, assertDistBuilt, parseCommandFile, SimulatedRunner } from './runner.js'

// The live check run of the BUNDLED action (what runners execute), against a local stand-in
// of the GitHub API: created in progress, one update per task end, completed with the right
// conclusion (also by the post step of a killed main step); a 403 is one warning.
//
// PW_ACTION_BUNDLE=<file> runs another build of the bundle (`npx ncc build src/index.ts -o
// <temp folder>`) instead of dist/index.js, to check sources before dist/ is rebuilt.

const BUNDLE = process.env.PW_ACTION_BUNDLE ?? DIST
const AGENT = join(process.cwd(), 'examples', 'agent', 'example-agent.mjs')
const UNGATED = { 'max-cpu-percent': '100', 'max-memory-percent': '100' }

let github: FakeGitHub
beforeAll(async () => {
  if (!process.env.PW_ACTION_BUNDLE) assertDistBuilt()
  github = await new FakeGitHub().start()
})
afterAll(async () => {
  await github[Symbol.asyncDispose]()
})
beforeEach(() => github.reset())

interface Step {
  status: number | null
  stdout: string
  state: Record<string, string>
  outputs: Record<string, string>
}

/** The runner's variables that point the action at the stand-in. */
const apiEnv = () => ({ GITHUB_API_URL: github.url, GITHUB_REPOSITORY: 'o/r' })

/** Runs one step of the bundle without blocking this process (the stand-in answers here). */
async function step(
  runner: SimulatedRunner,
  extra: Record<string, string>,
  started?: (child: ReturnType<typeof spawn>) => Promise<void>
): Promise<Step> {
  const { env, files } = runner.stepEnv({ ...apiEnv(), ...extra })
  const child = spawn(process.execPath, [BUNDLE], { cwd: runner.workspace, env })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', () => {})
  const closed = once(child, 'close')
  await started?.(child)
  const [status] = (await closed) as [number | null]
  return {
    status,
    stdout,
    state: parseCommandFile(readFileSync(files.state, 'utf8')),
    outputs: parseCommandFile(readFileSync(files.output, 'utf8'))
  }
}

/** What main saved, as the runner hands it to post. */
const stateOf = (main: Step) =>
  Object.fromEntries(Object.entries(main.state).map(([name, value]) => [`STATE_${name}`, value]))

const fields = (request: RecordedRequest) => request.body as Record<string, unknown>
const summaryOf = (request: RecordedRequest) =>
  (fields(request).output as { summary: string }).summary
const warnings = (step: Step) => step.stdout.split('\n').filter((l) => l.startsWith('::warning'))

function demoRepo(): TempRepo {
  return createRepo(
    roadmapFiles({ 1: { files: ['src/one.ts'] }, 2: { us: 20, files: ['src/two.ts'] } })
  )
}

describe('the check run of the bundled action', () => {
  it('created in progress on the start commit, updated per task end, completed success; post does nothing', async () => {
    using repo = demoRepo()
    using runner = new SimulatedRunner(repo.repo, {
      priorities: '1, 2',
      'agent-command': `node ${AGENT} --priority={priority}`,
      ...UNGATED
    })
    const main = await step(runner, {})
    expect({ status: main.status, warnings: warnings(main) }).toEqual({ status: 0, warnings: [] })
    const result = JSON.parse(main.outputs.result) as { base_commit: string }
    const requests = github.checkRunRequests()
    expect(requests[0].method).toBe('POST')
    expect(fields(requests[0])).toMatchObject({
      name: 'parallel-worktree',
      head_sha: result.base_commit,
      status: 'in_progress'
    })
    const updates = requests.slice(1, -1)
    expect(updates.length).toBeGreaterThanOrEqual(2)
    expect(updates.every((r) => r.method === 'PATCH' && !fields(r).conclusion)).toBe(true)
    const last = requests.at(-1)!
    expect(fields(last)).toMatchObject({ status: 'completed', conclusion: 'success' })
    expect(summaryOf(last)).toMatch(/^\| 1 \|/m)
    expect(summaryOf(last)).toMatch(/^\| 2 \|/m)
    // Saved while main ran (for a post step after a kill), then forgotten once main completed it.
    expect(main.state.checkRun).toBe('')

    github.requests.length = 0
    const post = await step(runner, stateOf(main))
    expect(post.status).toBe(0)
    expect(github.requests).toEqual([])
  }, 60_000)

  it('without checks: write (403): one warning, and the run succeeds', async () => {
    github.refuse = (_method, path) =>
      path.includes('/check-runs')
        ? { status: 403, message: 'Resource not accessible by integration' }
        : null
    using repo = demoRepo()
    using runner = new SimulatedRunner(repo.repo, {
      priorities: '1, 2',
      'agent-command': `node ${AGENT} --priority={priority}`,
      ...UNGATED
    })
    const main = await step(runner, {})
    expect(main.status).toBe(0)
    expect(main.outputs.merged).toBe('1,2')
    expect(warnings(main)).toHaveLength(1)
    expect(warnings(main)[0]).toContain('checks: write')
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/o/r/check-runs'
    ])
  }, 60_000)

  it('a cancelled job: main completes it cancelled; a killed main: the post step does', async () => {
    using repo = demoRepo()
    using records = tempDir('pw-check-run-records-')
    const record = join(records.path, 'events.txt')
    using runner = new SimulatedRunner(repo.repo, {
      priorities: '1',
      'agent-command': `node ${AGENT} --priority={priority} --hang-on=1 --record=${record}`,
      ...UNGATED
    })
    /** Until the agent runs (a guard, not a timing assertion), then the signal. */
    const signalOnceRunning =
      (signal: NodeJS.Signals) => async (child: ReturnType<typeof spawn>) => {
        const deadline = Date.now() + 60_000
        while (!existsSync(record) || github.checkRuns.length === 0) {
          if (child.exitCode !== null) throw new Error(`main ended early (${child.exitCode})`)
          if (Date.now() > deadline) {
            // Its watchdog then stops the agent.
            child.kill('SIGKILL')
            throw new Error('the agent never started, or no check run was created')
          }
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        child.kill(signal)
      }
    const cancelled = await step(runner, {}, signalOnceRunning('SIGINT'))
    expect(cancelled.status).not.toBe(0)
    expect(fields(github.checkRunRequests().at(-1)!)).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled'
    })

    // The post step of a main step killed outright (its check run left in progress).
    github.reset()
    github.checkRuns.push({ id: 55, fields: { status: 'in_progress' } })
    const post = await step(runner, {
      STATE_isPost: 'true',
      STATE_checkRun: JSON.stringify({ id: 55, owner: 'o', repo: 'r' })
    })
    expect(post.status).toBe(0)
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'PATCH /repos/o/r/check-runs/55'
    ])
    expect(github.checkRuns[0].fields).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled'
    })
  }, 90_000)
})
