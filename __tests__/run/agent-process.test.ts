import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runProcess, type ProcessOptions } from '../../src/run/agent-process.js'
import { LineSplitter } from '../../src/run/line-splitter.js'
import { isAlive, treeMembers } from '../../src/run/process-tree.js'
import { tempDir } from '../helpers/temp-repo.js'
import { pidsIn, until } from './run-helpers.js'

function options(
  dir: string,
  command: string,
  extra: Partial<ProcessOptions> = {}
): ProcessOptions {
  return {
    command,
    cwd: dir,
    env: { PATH: process.env.PATH ?? '' },
    logFile: join(dir, 'out.log'),
    label: 'agent',
    timeoutMs: 0,
    killGraceMs: 200,
    ...extra
  }
}

describe('an agent process', () => {
  test('runs in its folder; all output goes to its log, lines to the console, the tail to the outcome', async () => {
    using dir = tempDir()
    const lines: string[] = []
    const outcome = await runProcess(
      options(dir.path, 'pwd; echo to-stderr >&2; printf "no newline"; exit 4', {
        onLine: (line) => lines.push(line)
      })
    )
    expect(outcome).toMatchObject({ exitCode: 4, signal: null, timedOut: false, cancelled: false })
    expect(lines.sort()).toEqual([dir.path, 'no newline', 'to-stderr'].sort())
    const log = readFileSync(join(dir.path, 'out.log'), 'utf8')
    expect(log).toMatch(/^=== agent started .*: pwd; echo/)
    expect(log).toContain('to-stderr\n')
    expect(log).toMatch(/=== agent ended: exit 4 after [\d.]+ s\n$/)
  })

  test('a timeout stops the tree: TERM, then KILL for what ignores it, also a child in a session of its own', async () => {
    using dir = tempDir()
    const pids = join(dir.path, 'pids')
    const ignoreTerm = `node -e "process.on('SIGTERM',()=>{});setInterval(()=>{},1000)"`
    const command = [
      `${ignoreTerm} & echo $! >> ${pids}`,
      `setsid ${ignoreTerm} & echo $! >> ${pids}`,
      'trap "" TERM',
      'wait'
    ].join('\n')
    const started: number[] = []
    const outcome = await runProcess(
      options(dir.path, command, { timeoutMs: 500, onStart: (pid) => started.push(pid) })
    )
    expect(outcome.timedOut).toBe(true)
    expect(outcome.signal).toBe('SIGKILL')
    const children = pidsIn(pids)
    expect(children).toHaveLength(2)
    expect(await until(() => children.every((pid) => !isAlive(pid)), 3000)).toBe(true)
    expect(treeMembers(started[0])).toEqual([])
    expect(readFileSync(join(dir.path, 'out.log'), 'utf8')).toContain('(timed out)')
  })

  test('an agent that exits on TERM within the grace time ends with its own status', async () => {
    using dir = tempDir()
    const controller = new AbortController()
    const running = runProcess(
      options(
        dir.path,
        `trap 'echo saving; exit 9' TERM; echo ready; while true; do sleep 0.05; done`,
        {
          signal: controller.signal,
          killGraceMs: 5000,
          onLine: (line) => {
            if (line === 'ready') controller.abort()
          }
        }
      )
    )
    const outcome = await running
    expect(outcome).toMatchObject({ cancelled: true, exitCode: 9 })
    expect(outcome.tail[0]).toBe('ready')
    expect(outcome.tail).toContain('saving')
  })

  test('processes the agent leaves behind when it exits are stopped', async () => {
    using dir = tempDir()
    const pids = join(dir.path, 'pids')
    const outcome = await runProcess(
      options(dir.path, `(sleep 30 & echo $! >> ${pids}); echo done`)
    )
    expect(outcome.exitCode).toBe(0)
    const [stray] = pidsIn(pids)
    expect(await until(() => !isAlive(stray), 3000)).toBe(true)
  })

  test('a run cancelled before its start never spawns', async () => {
    using dir = tempDir()
    const controller = new AbortController()
    controller.abort()
    const starts: number[] = []
    const outcome = await runProcess(
      options(dir.path, 'touch started', {
        signal: controller.signal,
        onStart: (pid) => starts.push(pid)
      })
    )
    expect(outcome).toMatchObject({ cancelled: true, exitCode: null })
    expect(starts).toEqual([])
    expect(readFileSync(join(dir.path, 'out.log'), 'utf8')).toContain('not started')
  })

  test('a folder that does not exist is an error, not a hang', async () => {
    using dir = tempDir()
    await expect(
      runProcess(options(dir.path, 'true', { cwd: join(dir.path, 'missing') }))
    ).rejects.toThrow()
  })
})

describe('output lines', () => {
  test('split at \\n, \\r\\n and \\r; UTF-8 kept whole across chunks; overlong lines cut', () => {
    const lines: string[] = []
    const splitter = new LineSplitter((line) => lines.push(line))
    const euro = Buffer.from('€')
    splitter.push(Buffer.concat([Buffer.from('a\r\nprice '), euro.subarray(0, 1)]))
    splitter.push(Buffer.concat([euro.subarray(1), Buffer.from('5\n10%\r20%\rdone')]))
    splitter.push(Buffer.from('x'.repeat(5000) + '\n'))
    splitter.flush()
    expect(lines.slice(0, 5)).toEqual([
      'a',
      'price €5',
      '10%',
      '20%',
      'done' + 'x'.repeat(3996) + ' …(cut)'
    ])
    expect(lines).toHaveLength(5)
  })
})
