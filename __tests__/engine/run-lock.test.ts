import { describe, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import { buildSourceCli } from '../cli/source-cli.js'
import { createRepo } from '../helpers/temp-repo.js'

// Many runs started at the same moment on one repository, as separate processes: each takes
// the lock (the sources' own acquireRunLock), holds it a moment, and says whether it won.

const CONTENDER = `
const [lib, repo] = process.argv.slice(1)
const { acquireRunLock } = await import(lib + '/engine/run-lock.js')
const { GitCommandManager } = await import(lib + '/git/git-command-manager.js')
const quiet = { info() {}, warning() {}, error() {}, debug() {}, group() {} }
await new Promise((r) => setTimeout(r, Number(process.env.START_AT) - Date.now()))
try {
  const lock = await acquireRunLock(new GitCommandManager(repo, process.env), quiet)
  console.log('won')
  await new Promise((r) => setTimeout(r, 8000))
  await lock[Symbol.asyncDispose]()
} catch (error) {
  console.log('refused: ' + error.message)
}
`

async function race(lib: string, repo: string, count: number): Promise<string[]> {
  const startAt = String(Date.now() + 3000)
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--input-type=module', '-e', CONTENDER, lib, repo], {
      env: { ...process.env, START_AT: startAt },
      stdio: ['ignore', 'pipe', 'inherit']
    })
  )
  return Promise.all(
    children.map(async (child) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      await once(child, 'close')
      return out.trim()
    })
  )
}

describe('the run lock', () => {
  const lockOf = (repo: string): string => join(repo, '.git', 'parallel-worktree.lock')

  it('is taken by exactly one of many runs started at once; the others name it', async () => {
    using cli = buildSourceCli()
    using repo = createRepo()
    const answers = await race(dirname(dirname(cli.entry)), repo.repo, 8)
    expect(answers.filter((answer) => answer === 'won')).toHaveLength(1)
    for (const answer of answers.filter((answer) => answer !== 'won')) {
      expect(answer).toMatch(/^refused: another parallel-worktree run \(pid \d+, started /)
    }
    expect(existsSync(lockOf(repo.repo))).toBe(false)
  }, 60_000)

  it('left by a dead run is taken over by exactly one of many runs that find it at once', async () => {
    using cli = buildSourceCli()
    using repo = createRepo()
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid
    writeFileSync(
      lockOf(repo.repo),
      JSON.stringify({ pid: dead, host: hostname(), started: '2020-01-01T00:00:00.000Z' })
    )
    const answers = await race(dirname(dirname(cli.entry)), repo.repo, 8)
    expect(answers.filter((answer) => answer === 'won')).toHaveLength(1)
    expect(answers.filter((answer) => answer.startsWith('refused: another'))).toHaveLength(7)
    expect(existsSync(lockOf(repo.repo))).toBe(false)
    expect(existsSync(`${lockOf(repo.repo)}.takeover`)).toBe(false)
  }, 60_000)

  it('is never seen empty: its content is there from the moment it exists', async () => {
    using cli = buildSourceCli()
    using repo = createRepo()
    const lib = dirname(dirname(cli.entry))
    const seen: string[] = []
    const watching = setInterval(() => {
      try {
        seen.push(readFileSync(lockOf(repo.repo), 'utf8'))
      } catch {
        // not there
      }
    }, 1)
    try {
      for (let round = 0; round < 3; round++) await race(lib, repo.repo, 2)
    } finally {
      clearInterval(watching)
    }
    expect(seen.length).toBeGreaterThan(0)
    for (const text of seen) expect(JSON.parse(text)).toHaveProperty('pid')
  }, 60_000)
})
