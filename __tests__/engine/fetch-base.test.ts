import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { cliArguments, sourceCliOfThisFile } from '../faults/harness.js'
import { createRepo, git, roadmapFiles, writeFiles, type TempRepo } from '../helpers/temp-repo.js'

// fetch-base: plan and run start from one commit (origin's tip when it is ahead of the local
// base), say so in warnings, move the local base only by fast-forward, and the scope check
// counts each task's changes from its own start.
const cli = sourceCliOfThisFile()

// Each priority writes the one file its spec names, and commits.
const AGENT =
  'mkdir -p src && echo "by $PRIORITY_ID" > "src/p$PRIORITY_ID.ts" && git add -A && git commit -qm "priority $PRIORITY_ID"'

interface Setup {
  dir: TempRepo
  origin: string
  /** A clone of origin where "someone else" pushes. */
  other: string
  localTip: string
}

/** The user's repository with a bare origin, both at the same roadmap. */
function withOrigin(): Setup {
  const dir = createRepo(roadmapFiles({ 1: { files: ['src/p1.ts'] } }))
  const origin = join(dir.path, 'origin.git')
  git(dir.path, 'clone', '-q', '--bare', dir.repo, origin)
  git(dir.repo, 'remote', 'add', 'origin', origin)
  git(dir.repo, 'fetch', '-q', 'origin')
  const other = join(dir.path, 'other')
  git(dir.path, 'clone', '-q', '-b', 'roadmap', origin, other)
  return { dir, origin, other, localTip: git(dir.repo, 'rev-parse', 'roadmap') }
}

/** origin/roadmap gains priority 2 (its ROADMAP entry and spec) and files of its own. */
function pushUpstreamWork({ other }: Setup): string {
  writeFiles(other, {
    'docs/roadmap/ROADMAP.md':
      git(other, 'show', 'HEAD:docs/roadmap/ROADMAP.md') +
      '\n### PRIORITY 2: US-2 - Feature 2\n\n**Status**: 📝 Planned\n',
    'docs/architecture/specs/SPEC-002-feature-2.md': '# SPEC-2: Feature 2\n\n- `src/p2.ts`\n',
    'lib/upstream-a.ts': 'a\n',
    'lib/upstream-b.ts': 'b\n'
  })
  git(other, 'add', '-A')
  git(other, 'commit', '-q', '-m', 'upstream: priority 2 and its library')
  git(other, 'push', '-q', 'origin', 'roadmap')
  return git(other, 'rev-parse', 'HEAD')
}

function runCli(repo: string, args: string[]): { status: number | null; result: RunResult } {
  const child = spawnSync(
    process.execPath,
    cliArguments(cli.entry, { repo, path: dirname(repo) }, args),
    { encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }
  )
  if (!child.stdout.trim()) throw new Error(`no result (exit ${child.status}): ${child.stderr}`)
  return { status: child.status, result: JSON.parse(child.stdout) as RunResult }
}

const short = (commit: string): string => commit.slice(0, 12)

describe('fetch-base', () => {
  test('origin ahead: plan and run read and start from its tip, the local base is fast-forwarded, both tips named', () => {
    const setup = withOrigin()
    using dir = setup.dir
    const upstream = pushUpstreamWork(setup)
    const agent = join(dir.path, 'agent.sh')
    writeFileSync(agent, AGENT)

    // Priority 2 is only in origin's ROADMAP: the plan reads origin's tree.
    const plan = runCli(dir.repo, ['plan', '1,2'])
    expect(plan.status).toBe(0)
    expect(plan.result.base_commit).toBe(upstream)
    expect(plan.result.separation.task_file_map).toEqual({ '1': ['src/p1.ts'], '2': ['src/p2.ts'] })
    expect(plan.result.warnings.join('\n')).toContain(short(setup.localTip))
    expect(plan.result.warnings.join('\n')).toContain(short(upstream))
    // The plan moves nothing of the user's.
    expect(git(dir.repo, 'rev-parse', 'roadmap')).toBe(setup.localTip)
    // Its text says it too.
    const text = spawnSync(process.execPath, [cli.entry, 'plan', '1,2', '--repo', dir.repo], {
      encoding: 'utf8'
    }).stdout
    expect(text).toContain(`base commit: ${short(upstream)}`)
    expect(text).toContain(
      `base: roadmap (${short(setup.localTip)}) is 1 commit(s) behind origin/roadmap (${short(upstream)})`
    )

    const run = runCli(dir.repo, ['run', '1,2', '--agent-command', `bash ${agent}`])
    expect(run.status).toBe(0)
    expect(run.result.base_commit).toBe(plan.result.base_commit)
    expect(run.result.separation.task_file_map).toEqual(plan.result.separation.task_file_map)
    expect(run.result.tasks.map((task) => task.merge)).toEqual(['merged', 'merged'])
    expect(run.result.tasks.map((task) => task.out_of_scope)).toEqual([[], []])
    const warning = run.result.warnings.find((text) => text.includes('fast-forwarded'))
    expect(warning).toContain(short(setup.localTip))
    expect(warning).toContain(short(upstream))
    // Fast-forwarded, then the merges on top: origin's commit is on the first-parent line.
    expect(git(dir.repo, 'rev-list', '--first-parent', 'roadmap')).toContain(upstream)
    // The user's checkout of roadmap followed: clean, and holding origin's files.
    expect(git(dir.repo, 'status', '--porcelain')).toBe('')
    expect(git(dir.repo, 'show', 'HEAD:lib/upstream-a.ts')).toBe('a')
  })

  test('a local base that cannot follow origin: tasks still start from origin’s tip, and the scope check counts from there', () => {
    const setup = withOrigin()
    using dir = setup.dir
    const upstream = pushUpstreamWork(setup)
    const agent = join(dir.path, 'agent.sh')
    writeFileSync(agent, AGENT)
    // An untracked file of the user's where origin adds one: the fast-forward is refused.
    writeFiles(dir.repo, { 'lib/upstream-a.ts': 'mine\n' })

    const run = runCli(dir.repo, ['run', '1,2', '--agent-command', `bash ${agent}`, '--no-merge'])
    expect(run.result.base_commit).toBe(upstream)
    expect(run.result.warnings.join('\n')).toMatch(/could not be fast-forwarded/)
    expect(git(dir.repo, 'rev-parse', 'roadmap')).toBe(setup.localTip)
    expect(run.result.tasks.map((task) => task.status)).toEqual(['completed', 'completed'])
    // origin's files are not the agents' doing.
    expect(run.result.tasks.map((task) => task.out_of_scope)).toEqual([[], []])
    for (const task of run.result.tasks) {
      expect(git(dir.repo, 'rev-parse', `${task.branch}^`)).toBe(upstream)
    }
  })

  test('task mode (a matrix job) starts where it reports: origin’s tip, in its result and its result file', () => {
    const setup = withOrigin()
    using dir = setup.dir
    const upstream = pushUpstreamWork(setup)
    const agent = join(dir.path, 'agent.sh')
    writeFileSync(agent, AGENT)
    const results = join(dir.path, 'results')

    const task = runCli(dir.repo, [
      'task',
      '2',
      '--agent-command',
      `bash ${agent}`,
      '--results-dir',
      results
    ])
    expect(task.status).toBe(0)
    expect(task.result.base_commit).toBe(upstream)
    expect(task.result.warnings.join('\n')).toContain(short(upstream))
    const file = JSON.parse(readFileSync(join(results, 'task-2.json'), 'utf8')) as {
      base_commit: string
    }
    expect(file.base_commit).toBe(upstream)
    expect(git(setup.origin, 'rev-parse', 'feature/us-002^')).toBe(upstream)
  })

  test('merge mode (the fan-out’s last job) takes base as run mode does: fast-forwarded, its checkout along', () => {
    const setup = withOrigin()
    using dir = setup.dir
    const upstream = pushUpstreamWork(setup)
    // A task job's pushed branch, from origin's tip.
    git(setup.other, 'switch', '-q', '-c', 'feature/us-001')
    writeFiles(setup.other, { 'src/p1.ts': 'by 1\n' })
    git(setup.other, 'commit', '-q', '-am', 'priority 1')
    git(setup.other, 'push', '-q', 'origin', 'feature/us-001')

    const merge = runCli(dir.repo, ['merge', '1', '--results-dir', join(dir.path, 'none')])
    expect(merge.result.tasks[0].merge).toBe('merged')
    expect(merge.result.base_commit).toBe(upstream)
    const warning = merge.result.warnings.find((text) => text.includes('fast-forwarded'))
    expect(warning).toContain(short(setup.localTip))
    expect(warning).toContain(short(upstream))
    expect(git(dir.repo, 'rev-parse', 'roadmap^1')).toBe(upstream)
    // The user's checkout of roadmap is at its tip, with nothing staged or missing.
    expect(git(dir.repo, 'status', '--porcelain')).toBe('')
    expect(git(dir.repo, 'show', 'HEAD:lib/upstream-a.ts')).toBe('a')
  })

  test('diverged: plan and run start from the local base, which is not moved, with both tips named', () => {
    const setup = withOrigin()
    using dir = setup.dir
    const upstream = pushUpstreamWork(setup)
    git(dir.repo, 'commit', '-q', '--allow-empty', '-m', 'local work')
    const local = git(dir.repo, 'rev-parse', 'roadmap')
    const agent = join(dir.path, 'agent.sh')
    writeFileSync(agent, AGENT)

    const plan = runCli(dir.repo, ['plan', '1'])
    expect(plan.result.base_commit).toBe(local)
    const run = runCli(dir.repo, ['run', '1', '--agent-command', `bash ${agent}`])
    expect(run.status).toBe(0)
    expect(run.result.base_commit).toBe(local)
    for (const { result } of [plan, run]) {
      const warning = result.warnings.find((text) => text.includes('diverged'))
      expect(warning).toContain(short(local))
      expect(warning).toContain(short(upstream))
    }
    expect(git(dir.repo, 'rev-parse', 'roadmap^1')).toBe(local)
    expect(() => git(dir.repo, 'merge-base', '--is-ancestor', upstream, 'roadmap')).toThrow()
  })

  test('local ahead of origin: plan and run start from the local base, with both tips named', () => {
    const setup = withOrigin()
    using dir = setup.dir
    git(dir.repo, 'commit', '-q', '--allow-empty', '-m', 'local work')
    const local = git(dir.repo, 'rev-parse', 'roadmap')
    const agent = join(dir.path, 'agent.sh')
    writeFileSync(agent, AGENT)

    const plan = runCli(dir.repo, ['plan', '1'])
    const run = runCli(dir.repo, ['run', '1', '--agent-command', `bash ${agent}`])
    expect(run.status).toBe(0)
    for (const { result } of [plan, run]) {
      expect(result.base_commit).toBe(local)
      const warning = result.warnings.find((text) => text.includes('ahead'))
      expect(warning).toContain(short(local))
      expect(warning).toContain(short(setup.localTip))
    }
    expect(git(dir.repo, 'rev-parse', 'roadmap^1')).toBe(local)
  })

  test('an unreachable origin is a warning, never a failure; fetch-base false never fetches', () => {
    const setup = withOrigin()
    using dir = setup.dir
    const upstream = pushUpstreamWork(setup)
    const agent = join(dir.path, 'agent.sh')
    writeFileSync(agent, AGENT)

    // fetch-base false: origin is ahead, and nothing of it is fetched or used.
    const plan = runCli(dir.repo, ['plan', '1', '--fetch-base', 'false'])
    expect(plan.status).toBe(0)
    expect(plan.result.base_commit).toBe(setup.localTip)
    expect(plan.result.warnings).toEqual([])
    expect(git(dir.repo, 'rev-parse', 'origin/roadmap')).toBe(setup.localTip)

    git(dir.repo, 'remote', 'set-url', 'origin', join(dir.path, 'gone.git'))
    const offline = runCli(dir.repo, ['plan', '1'])
    expect(offline.status).toBe(0)
    expect(offline.result.base_commit).toBe(setup.localTip)
    expect(offline.result.warnings.join('\n')).toMatch(/Could not fetch roadmap from origin/)
    const unfetched = runCli(dir.repo, [
      'run',
      '1',
      '--agent-command',
      `bash ${agent}`,
      '--fetch-base',
      'false'
    ])
    expect(unfetched.status).toBe(0)
    expect(unfetched.result.warnings).toEqual([])
    expect(unfetched.result.base_commit).toBe(setup.localTip)
    expect(git(dir.repo, 'rev-parse', 'roadmap^1')).toBe(setup.localTip)
    void upstream
  })
})
