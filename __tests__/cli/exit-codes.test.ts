import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRepo, git, roadmapFiles, tempDir, type TempDir } from '../helpers/temp-repo.js'
import { buildSourceCli, runAsUser, type SourceCli } from './source-cli.js'

const AGENT = join(process.cwd(), 'examples', 'agent', 'example-agent.mjs')

let cli: SourceCli
let runnerTemp: TempDir

beforeAll(() => {
  cli = buildSourceCli()
  runnerTemp = tempDir('pw-cli-temp-')
})
afterAll(() => {
  cli[Symbol.dispose]()
  runnerTemp[Symbol.dispose]()
})

/** The CLI as a user runs it, with a plain environment (no runner, no token). */
function parallelWorktree(...args: string[]) {
  return runAsUser(cli.entry, args, { runnerTemp: runnerTemp.path })
}

/** What a run could touch: refs, worktrees, the checkout, the folders beside it, .git. */
function snapshot(repo: string): Record<string, string | string[]> {
  return {
    refs: git(repo, 'for-each-ref', '--format=%(refname) %(objectname)'),
    worktrees: git(repo, 'worktree', 'list', '--porcelain'),
    status: git(repo, 'status', '--porcelain=v2', '--branch', '--untracked-files=all'),
    beside: readdirSync(dirname(repo)),
    gitDir: readdirSync(join(repo, '.git')).sort(),
    runnerTemp: readdirSync(runnerTemp.path)
  }
}

/**
 * No comment, and no waiting on the resource gate: the suite's own load must not make the
 * outcome depend on the machine's CPU.
 */
const QUIET = ['--no-pr-comment', '--max-cpu-percent', '100', '--max-memory-percent', '100']

const demo = () =>
  createRepo(roadmapFiles({ 1: { files: ['src/one.ts'] }, 2: { files: ['src/two.ts'] } }))

describe('parallel-worktree exit status', () => {
  it('--help prints the usage and exits 0', () => {
    const { status, stdout } = parallelWorktree('--help')
    expect(status).toBe(0)
    expect(stdout).toMatch(/^parallel-worktree <mode>/)
  })

  it('--version prints the package version and exits 0', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const { status, stdout } = parallelWorktree('--version')
    expect(status).toBe(0)
    expect(stdout.trim()).toBe(version)
  })

  it.each([
    [['run', '65;rm -rf /'], '"65;rm"'],
    [['run', '--priorities=65;rm -rf /'], '"65;rm"'],
    [['run', '1', '--max-parallel', 'lots'], 'max-parallel: "lots"'],
    [['run', '1', '--branch-template', 'x/{priority}..y'], 'branch-template'],
    [['run', '1', '--specs-dir', '../../etc'], 'specs-dir: "../../etc"'],
    [['run', '1', '--frobnicate'], '--frobnicate is not an option'],
    [['deploy', '1'], '"deploy" is not a mode']
  ])('refuses %j with exit 2, naming %s, and touches nothing', (args, named) => {
    using repo = demo()
    const before = snapshot(repo.repo)
    const { status, stderr, stdout } = parallelWorktree(...args, '--repo', repo.repo)
    expect({ status, stdout }).toEqual({ status: 2, stdout: '' })
    expect(stderr).toContain(named)
    expect(snapshot(repo.repo)).toEqual(before)
  })

  it('refuses a folder that is not a git repository with exit 2', () => {
    using dir = tempDir()
    const { status, stderr } = parallelWorktree('run', '1', '--repo', dir.path)
    expect(status).toBe(2)
    expect(stderr).toContain('not inside a git work tree')
    expect(readdirSync(dir.path)).toEqual([])
  })

  it('refuses a folder that does not exist with exit 2', () => {
    using dir = tempDir()
    expect(parallelWorktree('run', '1', '--repo', join(dir.path, 'missing')).status).toBe(2)
  })

  it('refuses a missing base branch with exit 2, naming it, and touches nothing', () => {
    using repo = demo()
    const before = snapshot(repo.repo)
    const { status, stderr } = parallelWorktree(
      'run',
      '1',
      '--base-branch',
      'no-such-branch',
      '--repo',
      repo.repo
    )
    expect(status).toBe(2)
    expect(stderr).toContain('"no-such-branch"')
    expect(snapshot(repo.repo)).toEqual(before)
  })

  it('exits 0 when every priority merged, with the result JSON alone on stdout', () => {
    using repo = demo()
    const { status, stdout } = parallelWorktree(
      'run',
      '1,2',
      '--agent-command',
      `node ${AGENT} --priority={priority}`,
      ...QUIET,
      '--json',
      '--repo',
      repo.repo
    )
    expect(status).toBe(0)
    const result = JSON.parse(stdout) as { success: boolean; merge_results: object }
    expect(result.success).toBe(true)
    expect(result.merge_results).toEqual({ '1': 'merged successfully', '2': 'merged successfully' })
  })

  it('exits 1 when a priority failed, with the report written', () => {
    using repo = demo()
    const args = [
      'run',
      '1,2',
      '--agent-command',
      `node ${AGENT} --priority={priority} --fail-on=2`
    ]
    const { status, stdout } = parallelWorktree(...args, ...QUIET, '--json', '--repo', repo.repo)
    expect(status).toBe(1)
    const result = JSON.parse(stdout) as { success: boolean; tasks: { status: string }[] }
    expect(result.success).toBe(false)
    expect(result.tasks.map((task) => task.status)).toEqual(['completed', 'failed'])
  })

  it('writes the report on stdout without --json', () => {
    using repo = demo()
    const args = ['run', '1', '--agent-command', `node ${AGENT} --priority={priority} --fail-on=1`]
    const { status, stdout } = parallelWorktree(...args, ...QUIET, '--repo', repo.repo)
    expect(status).toBe(1)
    expect(stdout).not.toMatch(/^\s*\{/)
    expect(stdout).toContain('failed')
  })
})
