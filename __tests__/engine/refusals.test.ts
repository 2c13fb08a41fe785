import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { idList } from '../../src/engine/refusals.js'
import { defaultLogDir } from '../../src/inputs/settings.js'
import { firstCommandWord } from '../../src/run/command-lookup.js'
import { buildSourceCli, type SourceCli } from '../cli/source-cli.js'
import { createRepo, git, roadmapFiles, tempDir, type TempDir } from '../helpers/temp-repo.js'

const AGENT = join(process.cwd(), 'examples', 'agent', 'example-agent.mjs')
const QUIET = ['--no-pr-comment', '--max-cpu-percent', '100', '--max-memory-percent', '100']

let cli: SourceCli
let logs: TempDir
beforeAll(() => {
  cli = buildSourceCli()
  logs = tempDir('pw-refusal-logs-')
})
afterAll(() => {
  cli[Symbol.dispose]()
  logs[Symbol.dispose]()
})

function parallelWorktree(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cli.entry, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: '1', ...env }
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** What a run could touch: refs, worktrees, the checkout, the folders beside it, .git. */
function snapshot(repo: string) {
  return {
    refs: git(repo, 'for-each-ref', '--format=%(refname) %(objectname)'),
    worktrees: git(repo, 'worktree', 'list', '--porcelain'),
    status: git(repo, 'status', '--porcelain=v2', '--branch', '--untracked-files=all'),
    beside: readdirSync(dirname(repo)),
    gitDir: readdirSync(join(repo, '.git')).sort()
  }
}

const twoPriorities = () =>
  createRepo(roadmapFiles({ 1: { files: ['src/one.ts'] }, 2: { files: ['src/two.ts'] } }))
const agent = (extra = '') => ['--agent-command', `node ${AGENT} --priority={priority}${extra}`]
const logDir = () => ['--log-dir', join(logs.path, `${Date.now()}-${Math.random()}`)]

/** A run of these priorities with this agent command, quiet, with a log folder of its own. */
const runWith = (repo: string, priorities: string, command: string, ...more: string[]) =>
  parallelWorktree([
    'run',
    priorities,
    '--agent-command',
    command,
    ...more,
    ...QUIET,
    ...logDir(),
    '--repo',
    repo
  ])

describe('refusals before anything is touched (exit 2)', () => {
  it.each(['run', 'plan', 'task'])(
    '%s: a priority the ROADMAP does not list, naming the ROADMAP and what it lists',
    (mode) => {
      using repo = twoPriorities()
      const before = snapshot(repo.repo)
      const { status, stderr } = parallelWorktree([
        mode,
        '7',
        ...agent(),
        ...QUIET,
        ...logDir(),
        '--repo',
        repo.repo
      ])
      expect(status).toBe(2)
      expect(stderr).toContain(
        'priorities: 7 is not in docs/roadmap/ROADMAP.md (on roadmap), which lists 1, 2. Check the IDs, or name another ROADMAP with roadmap-file.'
      )
      expect(snapshot(repo.repo)).toEqual(before)
    }
  )

  it('an agent command whose first word cannot be found, naming it', () => {
    using repo = twoPriorities()
    const before = snapshot(repo.repo)
    const { status, stderr } = runWith(
      repo.repo,
      '1,2',
      'FOO=1 no-such-agent-xyz --priority={priority}'
    )
    expect(status).toBe(2)
    expect(stderr).toContain('agent-command: "no-such-agent-xyz" is not on PATH')
    expect(stderr).toContain('if setup-command installs it, set setup-command')
    expect(snapshot(repo.repo)).toEqual(before)
  })

  it('the default agent command when poetry is not installed', () => {
    using repo = twoPriorities()
    using bin = tempDir('pw-bin-')
    // git and node only: no poetry on this PATH.
    const path = [dirname(process.execPath), '/usr/bin', '/bin'].join(':')
    const hasPoetry = spawnSync('sh', ['-c', 'command -v poetry'], { env: { PATH: path } })
    if (hasPoetry.status === 0) return
    const { status, stderr } = parallelWorktree(
      ['run', '1', ...QUIET, ...logDir(), '--repo', repo.repo],
      {
        PATH: `${bin.path}:${path}`
      }
    )
    expect(status).toBe(2)
    expect(stderr).toContain(
      'agent-command: "poetry" is not on PATH (the first word of "poetry run code-developer --priority={priority}")'
    )
  })

  it('an absolute path that does not exist', () => {
    using repo = twoPriorities()
    const { status, stderr } = runWith(repo.repo, '1', '/no/such/agent --x')
    expect(status).toBe(2)
    expect(stderr).toContain('agent-command: "/no/such/agent" does not exist or is not executable')
  })

  it('a log folder that cannot be written, named, with log-dir', () => {
    using repo = twoPriorities()
    using dir = tempDir('pw-unwritable-')
    writeFileSync(join(dir.path, 'a-file'), '')
    const folder = join(dir.path, 'a-file', 'logs')
    const before = snapshot(repo.repo)
    const { status, stderr } = parallelWorktree([
      'run',
      '1',
      ...agent(),
      ...QUIET,
      '--log-dir',
      folder,
      '--repo',
      repo.repo
    ])
    expect(status).toBe(2)
    expect(stderr).toContain(`log-dir: cannot write the agents' logs to ${folder}`)
    expect(stderr).toContain(
      'Choose a folder you can write with log-dir (--log-dir on the command line)'
    )
    expect(snapshot(repo.repo)).toEqual(before)
  })

  it('a log folder without write permission (when not root)', () => {
    if (process.getuid?.() === 0) return // root writes anywhere
    using dir = tempDir('pw-readonly-')
    chmodSync(dir.path, 0o500)
    using repo = twoPriorities()
    const { status, stderr } = parallelWorktree([
      'run',
      '1',
      ...agent(),
      ...QUIET,
      '--log-dir',
      join(dir.path, 'logs'),
      '--repo',
      repo.repo
    ])
    chmodSync(dir.path, 0o700)
    expect(status).toBe(2)
    expect(stderr).toContain('permission denied')
  })

  it('a folder that is not a repository, with a hint about actions/checkout on a runner', () => {
    using dir = tempDir()
    const onRunner = parallelWorktree(['run', '1', '--repo', dir.path], { GITHUB_ACTIONS: 'true' })
    expect(onRunner.status).toBe(2)
    expect(onRunner.stderr).toContain(
      'is not inside a git work tree. Check the repository out first: a step with uses: actions/checkout@v5'
    )
    const local = parallelWorktree(['run', '1', '--repo', dir.path])
    expect(local.stderr).toContain('Run it in a clone of your repository, or name one with --repo.')
  })
})

describe('not refused', () => {
  it('a relative path the worktree provides, or a command that setup-command may install', () => {
    using repo = createRepo({
      ...roadmapFiles({ 1: { files: ['src/one.ts'] } }),
      'bin/agent.sh': `#!/bin/sh\nexec node ${AGENT} --priority="$PRIORITY_ID"\n`
    })
    chmodSync(join(repo.repo, 'bin/agent.sh'), 0o755)
    git(repo.repo, 'add', '-A')
    git(repo.repo, 'commit', '-q', '-m', 'agent')
    const relative = runWith(repo.repo, '1', './bin/agent.sh')
    expect(relative.stderr).not.toContain('agent-command:')
    expect(relative.status).toBe(0)

    using other = twoPriorities()
    const withSetup = runWith(
      other.repo,
      '1',
      'installed-by-setup --p={priority}',
      '--setup-command',
      'true'
    )
    // It ran (and failed with 127 in the worktree): no refusal.
    expect(withSetup.status).toBe(1)
    expect(withSetup.stderr).not.toContain('agent-command:')
  })

  it('a repository without a ROADMAP: priorities are looked up by spec name alone', () => {
    using repo = createRepo({ 'README.md': '# no roadmap\n' })
    const { status } = parallelWorktree(['plan', '5', '--repo', repo.repo])
    expect(status).toBe(0)
  })
})

describe('the default log folder', () => {
  it('is per user and per run off a runner, made mode 700', () => {
    const uid = process.getuid?.()
    const first = defaultLogDir({}, new Date('2026-01-01T00:00:00Z'))
    expect(first.startsWith(join(tmpdir(), `parallel-worktree-${uid}`, 'logs'))).toBe(true)
    expect(first).not.toBe(defaultLogDir({}, new Date('2026-01-01T00:00:01Z')))
    using repo = twoPriorities()
    const { status, stdout } = parallelWorktree(
      ['run', '1', ...agent(), ...QUIET, '--json', '--repo', repo.repo],
      { TMPDIR: logs.path }
    )
    expect(status).toBe(0)
    const result = JSON.parse(stdout) as { tasks: { log_file: string }[] }
    const folder = dirname(result.tasks[0].log_file)
    expect(folder.startsWith(join(logs.path, `parallel-worktree-${uid}`, 'logs'))).toBe(true)
    expect(existsSync(result.tasks[0].log_file)).toBe(true)
    expect(statSync(folder).mode & 0o777).toBe(0o700)
    expect(statSync(join(logs.path, `parallel-worktree-${uid}`)).mode & 0o777).toBe(0o700)
  })

  it('is RUNNER_TEMP/parallel-worktree-logs/<run>-<attempt> on a runner', () => {
    expect(
      defaultLogDir({ RUNNER_TEMP: '/rt', GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '2' })
    ).toBe('/rt/parallel-worktree-logs/42-2')
  })
})

describe('helpers', () => {
  it.each([
    ['poetry run code-developer --priority={priority}', 'poetry'],
    ['FOO=1 BAR="a b" claude -p x', 'claude'],
    ["'my agent' --x", 'my agent'],
    ['./bin/agent.sh', './bin/agent.sh'],
    ['{worktree}/bin/agent', null],
    ['$HOME/bin/agent', null],
    ['(cd x && y)', null],
    ['~/bin/agent', null],
    ['cd sub && agent', 'cd']
  ])('the first word of %j is %j', (command, word) => {
    expect(firstCommandWord(command)).toBe(word)
  })

  it('lists IDs with ranges', () => {
    expect(idList([1, 2, 3, 4, 7, 9, 10])).toBe('1-4, 7, 9, 10')
  })
})
