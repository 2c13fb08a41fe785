import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { cliArguments, sourceCliOfThisFile } from '../faults/harness.js'
import { createRepo, roadmapFiles, type TempRepo } from '../helpers/temp-repo.js'
import { FakeGitHub, type RecordedRequest } from '../report/fake-github.js'

// The live check run through the CLI of the current sources (the engine as the shells run
// it), against a local stand-in of the GitHub API: the requests it makes, in order.
const cli = sourceCliOfThisFile()
const TOKEN = 'ghs_cliCheckRunTokenNeverPrinted'

let github: FakeGitHub
beforeAll(async () => {
  github = await new FakeGitHub().start()
})
afterAll(async () => {
  await github[Symbol.asyncDispose]()
})
beforeEach(() => github.reset())

interface Run {
  status: number | null
  stderr: string
  result: RunResult
}

/** The CLI in a child process (asynchronously: the stand-in answers from this process). */
async function runCli(repo: TempRepo, args: string[]): Promise<Run> {
  // The agent writes src/<its argument>.ts and commits.
  const agent = join(repo.path, 'agent.sh')
  writeFileSync(
    agent,
    'mkdir -p src && echo "by $PRIORITY_ID" > "src/$1.ts" && git add -A && git commit -qm "priority $PRIORITY_ID"\n'
  )
  const child = spawn(process.execPath, cliArguments(cli.entry, repo, args), {
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242'
    }
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (!stdout.trim()) throw new Error(`no result (exit ${status}): ${stderr}`)
  return { status, stderr, result: JSON.parse(stdout) as RunResult }
}

const fields = (request: RecordedRequest) => request.body as Record<string, unknown>
const output = (request: RecordedRequest) =>
  fields(request).output as { title: string; summary: string; annotations?: { path: string }[] }
const warningLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('warning:'))

describe('the check run of a CLI run', () => {
  it('is created in progress on the start commit, updated at each task end, completed success', async () => {
    using repo = createRepo(
      roadmapFiles({
        1: { files: ['src/p1.ts'] },
        2: { files: ['src/p2.ts'] },
        3: { files: ['src/p3.ts'] }
      })
    )
    const run = await runCli(repo, [
      'run',
      '1-3',
      '--agent-command',
      `bash ${join(repo.path, 'agent.sh')} p{priority}`
    ])
    expect({ status: run.status, warnings: warningLines(run.stderr) }).toEqual({
      status: 0,
      warnings: []
    })
    const requests = github.checkRunRequests()
    expect(requests[0].method).toBe('POST')
    expect(requests[0].path).toBe('/repos/o/r/check-runs')
    expect(fields(requests[0])).toMatchObject({
      name: 'parallel-worktree',
      head_sha: run.result.base_commit,
      status: 'in_progress',
      details_url: 'https://github.com/o/r/actions/runs/4242'
    })
    expect(requests[0].headers.authorization).toBe(`token ${TOKEN}`)
    const updates = requests.slice(1, -1)
    const last = requests.at(-1)!
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(updates.every((r) => r.method === 'PATCH' && !fields(r).conclusion)).toBe(true)
    // At least one update per task end, the last of them once every priority is merged.
    expect(updates.length).toBeGreaterThanOrEqual(3)
    expect(output(updates.at(-1)!).title).toBe('3 of 3 merged')
    expect(fields(last)).toMatchObject({ status: 'completed', conclusion: 'success' })
    for (const priority of [1, 2, 3])
      expect(output(last).summary).toMatch(new RegExp(`^\\| ${priority} \\| ✅ completed`, 'm'))
    expect(JSON.stringify(requests.map((r) => r.body))).not.toContain(TOKEN)
  })

  it('a conflict: its file annotated, completed failure', async () => {
    using repo = createRepo(
      roadmapFiles({ 1: { files: ['src/shared.ts'] }, 2: { files: ['src/shared.ts'] } })
    )
    const run = await runCli(repo, [
      'run',
      '1,2',
      '--separation',
      'off',
      '--on-conflict',
      'keep',
      '--agent-command',
      `bash ${join(repo.path, 'agent.sh')} shared`
    ])
    expect(run.status).toBe(1)
    const requests = github.checkRunRequests()
    const annotated = requests.flatMap((r) => output(r).annotations ?? [])
    expect(annotated.map((a) => a.path)).toEqual(['src/shared.ts'])
    expect(fields(requests.at(-1)!)).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(output(requests.at(-1)!).title).toBe('1 of 2 merged · 1 conflicted')
  })

  it('without checks: write (403): one warning, a normal run, no request after the refusal', async () => {
    github.refuse = (_method, path) =>
      path.includes('/check-runs')
        ? { status: 403, message: 'Resource not accessible by integration' }
        : null
    using repo = createRepo(
      roadmapFiles({ 1: { files: ['src/p1.ts'] }, 2: { files: ['src/p2.ts'] } })
    )
    const run = await runCli(repo, [
      'run',
      '1,2',
      '--agent-command',
      `bash ${join(repo.path, 'agent.sh')} p{priority}`
    ])
    expect(run.status).toBe(0)
    expect(run.result.success).toBe(true)
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/o/r/check-runs'
    ])
    const warnings = warningLines(run.stderr)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('403 Forbidden')
    expect(warnings[0]).toContain('checks: write')
    expect(run.stderr).not.toContain(TOKEN)
  })

  it('--no-check-run: no request at all', async () => {
    using repo = createRepo(roadmapFiles({ 1: { files: ['src/p1.ts'] } }))
    const run = await runCli(repo, [
      'run',
      '1',
      '--no-check-run',
      '--agent-command',
      `bash ${join(repo.path, 'agent.sh')} p{priority}`
    ])
    expect(run.status).toBe(0)
    expect(github.requests).toEqual([])
  })
})
