import { describe, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import { buildSourceCli } from '../cli/source-cli.js'
import { createRepo } from '../helpers/temp-repo.js'

// Many runs on one repository, as separate processes: each loads the sources' own
// acquireRunLock, says it is ready, and tries the lock when every one of them is ready (a
// "go" on stdin), so that a slow start on a loaded machine cannot make a late contender find
// the lock already released. A winner holds the lock until its stdin ends, which the test
// does once every other contender has answered.

const CONTENDER = `
import { createInterface } from 'node:readline'
const [lib, repo] = process.argv.slice(1)
const { acquireRunLock } = await import(lib + '/engine/run-lock.js')
const { GitCommandManager } = await import(lib + '/git/git-command-manager.js')
const quiet = { info() {}, warning() {}, error() {}, debug() {}, group() {} }
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
console.log('ready')
await lines.next()
try {
  const lock = await acquireRunLock(new GitCommandManager(repo, process.env), quiet)
  console.log('won')
  while (!(await lines.next()).done) {}
  await lock[Symbol.asyncDispose]()
} catch (error) {
  console.log('refused: ' + error.message)
}
`

async function race(lib: string, repo: string, count: number): Promise<string[]> {
  const contenders = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CONTENDER, lib, repo], {
      stdio: ['pipe', 'pipe', 'inherit']
    })
    const lines: string[] = []
    let waiting: (() => void) | null = null
    let buffered = ''
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const parts = buffered.split('\n')
      buffered = parts.pop() ?? ''
      lines.push(...parts.filter(Boolean))
      waiting?.()
    })
    const line = async (index: number): Promise<string> => {
      while (lines.length <= index) await new Promise<void>((done) => (waiting = done))
      return lines[index]
    }
    return { child, line, closed: once(child, 'close') }
  })
  await Promise.all(contenders.map(({ line }) => line(0)))
  for (const { child } of contenders) child.stdin.write('go\n')
  const answers = await Promise.all(contenders.map(({ line }) => line(1)))
  for (const { child } of contenders) child.stdin.end()
  await Promise.all(contenders.map(({ closed }) => closed))
  return answers
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
