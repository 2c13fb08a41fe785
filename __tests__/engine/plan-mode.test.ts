import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { buildSourceCli, type SourceCli } from '../cli/source-cli.js'
import { createRepo, git, roadmapFiles, tempDir } from '../helpers/temp-repo.js'

/** Everything plan mode could have changed: refs, worktrees, status, the folder beside. */
function snapshot(repo: string): string {
  return [
    git(repo, 'for-each-ref', '--format=%(refname) %(objectname)'),
    git(repo, 'worktree', 'list', '--porcelain'),
    git(repo, 'status', '--porcelain', '--ignored'),
    git(repo, 'stash', 'list')
  ].join('\n--\n')
}

describe('plan mode through the CLI', () => {
  let cli: SourceCli
  beforeAll(() => {
    cli = buildSourceCli()
  })
  afterAll(() => cli[Symbol.dispose]())

  const run = (args: string[]) =>
    spawnSync(process.execPath, [cli.entry, ...args], { encoding: 'utf8', env: { ...process.env } })

  it('prints the result JSON alone on stdout with --json, the matrix in it, and changes nothing', () => {
    using repo = createRepo(
      roadmapFiles({
        65: { files: ['src/recipes.ts'] },
        66: { files: ['src/cli.ts'] },
        67: { files: ['src/recipes.ts', 'tests/recipes.test.ts'] }
      }),
      { checkout: false }
    )
    const before = snapshot(repo.repo)
    const plan = run(['plan', '65-67', '--repo', repo.repo, '--json'])
    expect(plan.status).toBe(0)
    const result = JSON.parse(plan.stdout) as RunResult
    expect(result).toMatchObject({
      mode: 'plan',
      success: true,
      priorities_requested: [65, 66, 67]
    })
    expect(result.separation.schedule).toEqual([[65, 66], [67]])
    expect(result.separation.conflicts).toEqual({ '65,67': ['src/recipes.ts'] })
    expect(result.tasks.map((task) => task.status)).toEqual(['pending', 'pending', 'pending'])
    expect(snapshot(repo.repo)).toBe(before)
  })

  it('prints a plan a person can read: spec, paths, overlaps and why, waves', () => {
    const files = roadmapFiles({
      1: { files: ['src/a.ts'] },
      2: { files: ['src/a.ts', 'src/b.ts'] }
    })
    // Listed in the ROADMAP (an unlisted one is refused), with no spec.
    files['docs/roadmap/ROADMAP.md'] += '### PRIORITY 3: US-3 - No spec yet\n'
    using repo = createRepo(files)
    const plan = run(['plan', '1,2,3', '--repo', repo.repo])
    // Priority 3 has no spec: the plan is made (exit 0), it runs last and alone.
    expect(plan.status).toBe(0)
    expect(plan.stdout).toMatch(/PRIORITY 2: wave 2, starts after 1 is merged/)
    expect(plan.stdout).toMatch(/spec: +docs\/architecture\/specs\/SPEC-001-feature-1\.md/)
    expect(plan.stdout).toMatch(/overlaps: +1 on src\/a\.ts/)
    expect(plan.stdout).toMatch(/PRIORITY 3: .*\n(.*\n)*.*scope is unknown/)
    expect(plan.stdout).toMatch(/^Matrix: \{"priority":\[1,2,3\]\}$/m)
  })

  it('plans from origin/<base> in a fresh clone that has no local base, creating no branch', () => {
    using seed = createRepo(roadmapFiles({ 5: { files: ['src/five.ts'] } }))
    using dir = tempDir()
    const clone = join(dir.path, 'clone')
    git(dir.path, 'clone', '-q', '--branch', 'main', seed.repo, clone)
    const before = snapshot(clone)
    const plan = run(['plan', '5', '--repo', clone, '--json'])
    expect(plan.status).toBe(0)
    expect((JSON.parse(plan.stdout) as RunResult).separation.task_file_map).toEqual({
      '5': ['src/five.ts']
    })
    expect(snapshot(clone)).toBe(before)
  })
})
