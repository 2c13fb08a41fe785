import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { buildSourceCli, type SourceCli } from '../cli/source-cli.js'
import { createRepo, git, roadmapFiles, type TempRepo } from '../helpers/temp-repo.js'
import { isAlive, pidsIn, script, until } from './run-helpers.js'

let cli: SourceCli

beforeAll(() => {
  cli = buildSourceCli()
})
afterAll(() => cli[Symbol.dispose]())

/**
 * A repository with priorities 1 to 3, each touching a file of its own: every priority the
 * coordinator is given is listed (an unlisted one is refused, exit 2).
 */
function threePriorityRepo(): TempRepo {
  return createRepo(
    roadmapFiles({
      1: { files: ['src/one.ts'] },
      2: { files: ['src/two.ts'] },
      3: { files: ['src/three.ts'] }
    })
  )
}

/** The CLI coordinating priorities 1 to 3 with `agent`, two at a time, its output collected. */
function startCoordinator(dir: TempRepo, agent: string) {
  const coordinator = spawn(
    process.execPath,
    [
      cli.entry,
      'run',
      '--priorities',
      '1,2,3',
      '--repo',
      dir.repo,
      '--agent-command',
      agent,
      '--max-parallel',
      '2',
      '--max-cpu-percent',
      '100',
      '--max-memory-percent',
      '100',
      '--no-pr-comment',
      '--log-dir',
      join(dir.path, 'logs'),
      '--json'
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: '1' }
    }
  )
  let stdout = ''
  let stderr = ''
  coordinator.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  coordinator.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return {
    coordinator,
    exited: once(coordinator, 'exit'),
    stdout: () => stdout,
    stderr: () => stderr
  }
}

describe('SIGTERM to the coordinator (the CLI)', () => {
  test('stops every agent tree, removes every worktree, keeps the branches that hold work', async () => {
    using dir = threePriorityRepo()
    const pids = join(dir.path, 'pids')
    const agent = script(
      join(dir.path, 'agent.sh'),
      [
        'echo "work of $PRIORITY_ID" > "work-$PRIORITY_ID.txt"',
        'if [ "$PRIORITY_ID" = 1 ]; then git add -A && git -c user.name=a -c user.email=a@b commit -qm "part 1"; fi',
        `sleep 60 & echo $! >> ${pids}`,
        `echo $$ >> ${pids}`,
        'wait'
      ].join('\n')
    )
    const { coordinator, exited, stdout, stderr } = startCoordinator(dir, agent)

    expect(await until(() => pidsIn(pids).length >= 4, 30_000)).toBe(true)
    coordinator.kill('SIGTERM')
    const [code] = (await exited) as [number | null]

    expect(stderr()).toContain('Received SIGTERM')
    expect(code).toBe(1)
    const result = JSON.parse(stdout()) as { tasks: { priority: number; status: string }[] }
    expect(result.tasks.map((task) => task.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
    for (const pid of pidsIn(pids)) expect(isAlive(pid)).toBe(false)
    expect(git(dir.repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    for (const p of [1, 2, 3]) expect(existsSync(join(dir.path, `repo-wt${p}`))).toBe(false)
    expect(git(dir.repo, 'log', '-1', '--format=%s', 'feature/us-001')).toBe('part 1')
    expect(git(dir.repo, 'show', 'feature/us-002:work-2.txt')).toBe('work of 2')
    expect(git(dir.repo, 'branch', '--list', 'feature/us-003')).toBe('')
  }, 60_000)

  test('a second signal quits at once, and still leaves no agent running', async () => {
    using dir = threePriorityRepo()
    const pids = join(dir.path, 'pids')
    // An agent that takes its time to stop: TERM starts a slow shutdown.
    const agent = script(
      join(dir.path, 'agent.sh'),
      [`trap 'sleep 20' TERM`, `sleep 60 & echo $! >> ${pids}`, `echo $$ >> ${pids}`, 'wait'].join(
        '\n'
      )
    )
    const { coordinator, exited } = startCoordinator(dir, agent)
    expect(await until(() => pidsIn(pids).length >= 4, 30_000)).toBe(true)
    coordinator.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
    coordinator.kill('SIGTERM')
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null]

    expect({ code, signal }).toEqual({ code: 130, signal: null })
    expect(await until(() => pidsIn(pids).every((pid) => !isAlive(pid)), 5000)).toBe(true)
  }, 60_000)
})
