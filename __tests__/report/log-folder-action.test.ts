import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { reportToRunner } from '../../src/action/action-report.js'
import { tempDir } from '../helpers/temp-repo.js'
import { result, task } from './fixtures.js'

const RUNNER_ENV = ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY']
const settings = { prComment: false, prNumber: null, githubToken: '', push: false }

afterEach(() => {
  jest.restoreAllMocks()
})

describe("the action's log names the log folder last", () => {
  it.each([
    ['a successful run', task(1)],
    ['a failed run', task(1, { status: 'failed', exit_code: 1, merge: 'not-merged' })]
  ])('%s', async (_name, ended) => {
    using dir = tempDir()
    const saved = RUNNER_ENV.map((name) => process.env[name])
    writeFileSync(join(dir.path, 'output'), '')
    writeFileSync(join(dir.path, 'summary.md'), '')
    process.env.GITHUB_OUTPUT = join(dir.path, 'output')
    process.env.GITHUB_STEP_SUMMARY = join(dir.path, 'summary.md')
    const stdout: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk))
      return true
    })
    try {
      await reportToRunner(
        { result: result([ended]), extraOutputs: { 'log-dir': '/tmp/runner/logs/77-1' } },
        { ...settings, repo: dir.path }
      )
    } finally {
      RUNNER_ENV.forEach((name, i) => {
        if (saved[i] === undefined) delete process.env[name]
        else process.env[name] = saved[i]
      })
    }
    const lines = stdout.join('').trim().split('\n')
    expect(lines.at(-1)).toBe("Agents' logs (every run of every priority): /tmp/runner/logs/77-1")
  })
})
