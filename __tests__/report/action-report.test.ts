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
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { reportToRunner } from '../../src/action/action-report.js'
import type { RunResult } from '../../src/core/types.js'
import { tempDir, type TempDir } from '../helpers/temp-repo.js'
import { FakeGitHub } from './fake-github.js'
import { mixedResult, result, task } from './fixtures.js'

const TOKEN = 'ghs_an0therS3cretThatStaysInTheHeader'
const RUNNER_ENV = [
  'GITHUB_OUTPUT',
  'GITHUB_STEP_SUMMARY',
  'GITHUB_API_URL',
  'GITHUB_REPOSITORY',
  'GITHUB_EVENT_NAME',
  'GITHUB_EVENT_PATH',
  'GITHUB_RUN_ID',
  'GITHUB_WORKFLOW',
  'GITHUB_JOB'
]

let github: FakeGitHub
let dir: TempDir
let stdout: string[]
const saved: Record<string, string | undefined> = {}
const settings = { prComment: true, prNumber: null, githubToken: TOKEN, push: true }

beforeAll(async () => {
  github = await new FakeGitHub().start()
  dir = tempDir()
  for (const name of RUNNER_ENV) saved[name] = process.env[name]
})
afterAll(async () => {
  for (const name of RUNNER_ENV) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
  await github[Symbol.asyncDispose]()
  dir[Symbol.dispose]()
})
beforeEach(() => {
  github.reset()
  stdout = []
  const event = join(dir.path, 'event.json')
  writeFileSync(event, JSON.stringify({ pull_request: { number: 12 } }))
  writeFileSync(join(dir.path, 'output'), '')
  writeFileSync(join(dir.path, 'summary.md'), '')
  Object.assign(process.env, {
    GITHUB_OUTPUT: join(dir.path, 'output'),
    GITHUB_STEP_SUMMARY: join(dir.path, 'summary.md'),
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_RUN_ID: '77',
    GITHUB_WORKFLOW: 'Roadmap',
    GITHUB_JOB: 'agents'
  })
  process.exitCode = undefined
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk))
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
  expect(process.exitCode).toBeUndefined()
  // The token is nowhere but in the Authorization header.
  const everything = [
    stdout.join(''),
    readFileSync(join(dir.path, 'output'), 'utf8'),
    readFileSync(join(dir.path, 'summary.md'), 'utf8')
  ]
  expect(everything.join('\n')).not.toContain(TOKEN)
  for (const request of github.requests)
    expect(request.headers.authorization).toBe(`token ${TOKEN}`)
})

/** The outputs as the runner reads them back from GITHUB_OUTPUT (`name<<delimiter`). */
function outputs(): Record<string, string> {
  const text = readFileSync(join(dir.path, 'output'), 'utf8')
  const found: Record<string, string> = {}
  const pattern = /^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm
  for (const match of text.matchAll(pattern)) found[match[1]] = match[3]
  return found
}

/** The workflow commands written to stdout: annotations by level. */
function annotations(level: string): string[] {
  return stdout
    .join('')
    .split('\n')
    .filter((line) => line.startsWith(`::${level} `) || line.startsWith(`::${level}::`))
}

describe('reportToRunner', () => {
  it('sets the outputs, writes the summary, annotates, and comments on the pull request', async () => {
    await reportToRunner({ result: mixedResult(), extraOutputs: {} }, settings)
    const out = outputs()
    expect(out).toMatchObject({
      merged: '65',
      failed: '67,68,70,71',
      conflicted: '66',
      skipped: '69',
      completed: '65,66',
      'comment-url': 'https://github.com/o/r/issues/12#issuecomment-1000'
    })
    expect(JSON.parse(out.result)).toEqual(mixedResult())

    const summary = readFileSync(join(dir.path, 'summary.md'), 'utf8')
    expect(summary).toContain('## ❌ 1 of 7 priorities merged into `roadmap`')
    expect(summary).toContain(
      "git merge --no-ff -m 'Merge PRIORITY 66 from parallel execution' origin/feature/us-066"
    )
    expect(summary).toContain('```mermaid')

    expect(annotations('error')).toEqual([
      expect.stringMatching(
        /^::error title=PRIORITY 66 conflicts with roadmap,file=src\/recipes.ts::/
      ),
      expect.stringMatching(/^::error title=PRIORITY 67 failed::Exit code 3/),
      expect.stringMatching(/^::error title=PRIORITY 68 timed out::/)
    ])
    expect(annotations('warning')).toHaveLength(2)
    expect(annotations('notice')).toEqual([
      expect.stringMatching(/^::notice title=PRIORITY 69 was skipped::/)
    ])

    expect(github.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/o/r/issues/12/comments'
    ])
  })

  it('makes a failure to comment a warning, in the result too, and fails nothing', async () => {
    github.failWith = { status: 403, message: 'Resource not accessible by integration' }
    await reportToRunner(
      { result: mixedResult(), extraOutputs: { matrix: '{"priority":[1]}' } },
      settings
    )
    const warning = annotations('warning').find((line) => line.includes('Could not comment'))
    expect(warning).toMatch(/^::warning::Could not comment on o\/r#12: 403 Forbidden/)
    const out = outputs()
    expect(out.matrix).toBe('{"priority":[1]}')
    expect(out['comment-url']).toBeUndefined()
    expect((JSON.parse(out.result) as RunResult).warnings.at(-1)).toMatch(
      /^Could not comment on o\/r#12: 403/
    )
    expect(readFileSync(join(dir.path, 'summary.md'), 'utf8')).toMatch(
      /- Could not comment on o\/r.*403 Forbidden/
    )
  })

  it('shares the annotation caps with what the step already annotated', async () => {
    const many = result(
      Array.from({ length: 12 }, (_, i) =>
        task(i + 1, { status: 'failed', merge: 'not-merged', error: 'boom' })
      )
    )
    await reportToRunner(
      { result: many, extraOutputs: {} },
      { ...settings, prComment: false },
      {
        annotationsMade: { error: 4 }
      }
    )
    const errors = annotations('error')
    expect(errors).toHaveLength(6)
    expect(errors[5]).toMatch(/^::error title=7 more errors::/)
    expect(readFileSync(join(dir.path, 'summary.md'), 'utf8')).toContain('### All problems (12)')
    expect(github.requests).toEqual([])
  })

  it('needs no step summary file, and comments on nothing with pr-comment off', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    const off = { prComment: false, prNumber: null, githubToken: '', push: false }
    await reportToRunner({ result: mixedResult(), extraOutputs: {} }, off)
    expect(stdout.join('')).toContain('No job summary on this runner')
    expect(outputs().conflicted).toBe('66')
    expect(github.requests).toEqual([])
  })
})
