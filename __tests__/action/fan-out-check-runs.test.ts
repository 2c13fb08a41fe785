import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRepo, git, roadmapFiles, tempDir, type TempDir } from '../helpers/temp-repo.js'
import { buildSourceCli, type SourceCli } from '../cli/source-cli.js'
import { FakeGitHub, type RecordedRequest } from '../report/fake-github.js'
import { parseCommandFile, SimulatedRunner } from './runner.js'

// The check runs of a fan-out, from the action of the current sources (src/ transpiled, as a
// runner would run it once bundled) against a local stand-in of the GitHub API: each task job
// has its own, `parallel-worktree (priority n)`, created in progress, updated when its agent
// ends, completed with the task's conclusion and linking the fan-out's other jobs; the merge
// job's, `parallel-worktree`, gives the merge queue. A refusal is one warning, never a failure.

const AGENT = join(process.cwd(), 'examples', 'agent', 'example-agent.mjs')
const UNGATED = { 'max-cpu-percent': '100', 'max-memory-percent': '100' }
const RUN_URL = 'https://github.com/o/r/actions/runs/4242'

let github: FakeGitHub
let source: SourceCli
let action: string
beforeAll(async () => {
  github = await new FakeGitHub().start()
  source = buildSourceCli()
  action = join(dirname(source.entry), '..', 'index.js')
})
afterAll(async () => {
  await github[Symbol.asyncDispose]()
  source[Symbol.dispose]()
})
beforeEach(() => github.reset())

interface Step {
  status: number | null
  stdout: string
  outputs: Record<string, string>
}

/** One step of the action on a simulated runner, without blocking the stand-in. */
async function step(runner: SimulatedRunner, extra: Record<string, string> = {}): Promise<Step> {
  const { env, files } = runner.stepEnv({
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'o/r',
    ...extra
  })
  const child = spawn(process.execPath, [action], { cwd: runner.workspace, env })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', () => {})
  const [status] = (await once(child, 'close')) as [number | null]
  return { status, stdout, outputs: parseCommandFile(readFileSync(files.output, 'utf8')) }
}

const fields = (request: RecordedRequest) => request.body as Record<string, unknown>
const output = (request: RecordedRequest) =>
  fields(request).output as { title: string; summary: string }
const warnings = (step: Step) => step.stdout.split('\n').filter((l) => l.startsWith('::warning'))

/** A bare origin and a clone per job, as the runners of a fan-out check it out. */
function fanOut(): { dir: TempDir; clone: (name: string) => string; results: string } {
  const seed = createRepo(
    roadmapFiles({ 1: { files: ['src/one.ts'] }, 2: { us: 20, files: ['src/two.ts'] } })
  )
  const dir = tempDir('pw-fan-out-checks-')
  const origin = join(dir.path, 'origin.git')
  git(dir.path, 'clone', '-q', '--bare', seed.repo, origin)
  seed[Symbol.dispose]()
  const clone = (name: string): string => {
    const path = join(dir.path, name)
    git(dir.path, 'clone', '-q', '--branch', 'main', origin, path)
    git(path, 'config', 'user.name', 'Runner')
    git(path, 'config', 'user.email', 'runner@example.com')
    return path
  }
  return { dir, clone, results: join(dir.path, 'artifacts') }
}

function taskJob(workspace: string, priority: number, results: string): SimulatedRunner {
  return new SimulatedRunner(workspace, {
    mode: 'task',
    priorities: String(priority),
    'agent-command': `node ${AGENT} --priority={priority} --fail-on=2`,
    'results-dir': results,
    ...UNGATED
  })
}

describe('the check runs of a fan-out', () => {
  it("each task job's own, completed with its task's conclusion; the merge job's gives the queue", async () => {
    const { dir, clone, results } = fanOut()
    using _dir = dir
    const conclusions: Record<number, unknown> = {}
    for (const priority of [1, 2]) {
      github.reset()
      using runner = taskJob(clone(`runner-${priority}`), priority, results)
      const job = await step(runner)
      // A failed agent fails its matrix leg; nothing about the check run does.
      expect({ priority, warnings: warnings(job) }).toEqual({ priority, warnings: [] })
      const base = (JSON.parse(job.outputs.result) as { base_commit: string }).base_commit
      const requests = github.checkRunRequests()
      expect(requests[0].method).toBe('POST')
      expect(fields(requests[0])).toMatchObject({
        name: `parallel-worktree (priority ${priority})`,
        head_sha: base,
        status: 'in_progress',
        details_url: RUN_URL
      })
      // Updated when its agent ended, before the completion.
      const updates = requests.slice(1, -1)
      expect(updates.length).toBeGreaterThanOrEqual(1)
      expect(updates.every((r) => r.method === 'PATCH' && !fields(r).conclusion)).toBe(true)
      const last = requests.at(-1)!
      expect(fields(last).status).toBe('completed')
      conclusions[priority] = fields(last).conclusion
      expect(output(last).title).toMatch(new RegExp(`^PRIORITY ${priority}: `))
      // The others, through the workflow run that holds the plan job and every job.
      expect(output(last).summary).toContain(`[this workflow run](${RUN_URL})`)
      expect(output(last).summary).toContain("the merge job's check run, `parallel-worktree`")
      expect(output(last).summary).toMatch(new RegExp(`^\\| ${priority} \\|`, 'm'))
    }
    expect(conclusions).toEqual({ 1: 'success', 2: 'failure' })

    github.reset()
    // The merge job's report comment of an earlier run, kept current while the queue goes.
    const marker = '<!-- parallel-worktree:Fan-out:merge -->'
    github.comments.push({ id: 7, issue: 12, body: `${marker}\nan earlier report` })
    using merger = new SimulatedRunner(clone('merger'), {
      mode: 'merge',
      priorities: '1, 2',
      push: 'true',
      'results-dir': results,
      'pr-number': '12',
      ...UNGATED
    })
    const merge = await step(merger, { GITHUB_WORKFLOW: 'Fan-out', GITHUB_JOB: 'merge' })
    expect(warnings(merge).filter((w) => /check run/i.test(w))).toEqual([])
    const requests = github.checkRunRequests()
    expect(fields(requests[0])).toMatchObject({ name: 'parallel-worktree', status: 'in_progress' })
    // The queue's progress: its merges before the end, then the final conclusion.
    const updates = requests.slice(1, -1)
    expect(updates.some((r) => output(r).title.startsWith('1 of 2 merged'))).toBe(true)
    expect(updates.every((r) => !fields(r).conclusion)).toBe(true)
    const last = requests.at(-1)!
    expect(fields(last)).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(output(last).title).toBe('1 of 2 merged · 1 failed')
    expect(output(last).summary).toMatch(/^\| 1 \| ✅/m)
    expect(output(last).summary).toMatch(/^\| 2 \| ❌/m)
    expect(output(last).summary).toContain('The merge job of a fan-out')
    const edits = github
      .writes()
      .filter((r) => r.path === '/repos/o/r/issues/comments/7')
      .map((r) => (r.body as { body: string }).body)
    expect(edits.length).toBeGreaterThanOrEqual(2)
    expect(edits[0]).toContain('## ⏳ Running: ')
    expect(edits.at(-1)).not.toContain('⏳ Running')
    expect(github.comments).toHaveLength(1)
  }, 120_000)

  it("a task job whose token may not write checks (a fork's): one warning, and the job succeeds", async () => {
    github.refuse = (_method, path) =>
      path.includes('/check-runs')
        ? { status: 403, message: 'Resource not accessible by integration' }
        : null
    const { dir, clone, results } = fanOut()
    using _dir = dir
    using runner = taskJob(clone('runner-1'), 1, results)
    const job = await step(runner)
    expect(job.status).toBe(0)
    expect(JSON.parse(job.outputs.result)).toMatchObject({ success: true })
    expect(warnings(job)).toHaveLength(1)
    expect(warnings(job)[0]).toContain('checks: write')
    expect(warnings(job)[0]).toContain('parallel-worktree (priority 1)')
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/o/r/check-runs'
    ])
  }, 60_000)
})
