import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { execute } from '../../src/engine/execute.js'
import { silentLogger } from '../helpers/logger.js'
import { parseSettings } from '../../src/inputs/settings.js'
import type { RawInputs } from '../../src/inputs/input-definitions.js'
import type { RunResult } from '../../src/core/types.js'
import type { TaskResultFile } from '../../src/engine/task-mode.js'
import { createRepo, git, roadmapFiles, tempDir, type TempDir } from '../helpers/temp-repo.js'

const AGENT = resolve('examples/agent/example-agent.mjs')

/**
 * The fan-out of a workflow, on one machine: a bare repository as origin, one clone per
 * matrix job running `task` for its priority, and one more clone running `merge`.
 */
function fanOut(specs: Parameters<typeof roadmapFiles>[0]): {
  dir: TempDir
  origin: string
  clone: (name: string) => string
  results: string
} {
  const seed = createRepo(roadmapFiles(specs))
  const dir = tempDir()
  const origin = join(dir.path, 'origin.git')
  git(dir.path, 'clone', '-q', '--bare', seed.repo, origin)
  seed[Symbol.dispose]()
  const clone = (name: string): string => {
    const path = join(dir.path, name)
    git(dir.path, 'clone', '-q', '--branch', 'main', origin, path)
    git(path, 'config', 'user.name', 'Runner')
    git(path, 'config', 'user.email', 'runner@example.com')
    return path
  }
  return { dir, origin, clone, results: join(dir.path, 'artifacts') }
}

async function runMode(repo: string, inputs: RawInputs): Promise<RunResult> {
  const settings = parseSettings(
    { 'log-dir': join(repo, '..', 'logs'), 'pr-comment': 'false', ...inputs },
    repo,
    {}
  )
  return (await execute(settings, { logger: silentLogger, killGraceMs: 500 })).result
}

function isAncestor(repo: string, commit: string, of: string): boolean {
  try {
    git(repo, 'merge-base', '--is-ancestor', commit, of)
    return true
  } catch {
    return false
  }
}

const agent = (flags = ''): string => `node ${AGENT} --priority={priority} ${flags}`

describe('fan-out across runners (task jobs, then a merge job)', () => {
  it('merges every pushed branch into origin and reports every task with its timing', async () => {
    const { dir, origin, clone, results } = fanOut({
      65: { files: ['src/recipes.ts'] },
      66: { files: ['src/notifications.ts'] },
      67: { files: ['src/cli.ts'] }
    })
    using _dir = dir
    for (const priority of [65, 66, 67]) {
      const task = await runMode(clone(`runner-${priority}`), {
        mode: 'task',
        priorities: String(priority),
        'agent-command': agent(),
        'results-dir': results
      })
      expect(task.tasks[0]).toMatchObject({ priority, status: 'completed', commits: 1 })
      expect(task.success).toBe(true)
      expect(existsSync(join(results, `task-${priority}.json`))).toBe(true)
    }

    const merged = await runMode(clone('merger'), {
      mode: 'merge',
      priorities: '65-67',
      push: 'true',
      'results-dir': results
    })
    expect(merged.success).toBe(true)
    expect(merged.tasks.map((task) => [task.priority, task.status, task.merge])).toEqual([
      [65, 'completed', 'merged'],
      [66, 'completed', 'merged'],
      [67, 'completed', 'merged']
    ])
    for (const task of merged.tasks) {
      expect(task.duration_ms).toBeGreaterThan(0)
      expect(task.started_at).not.toBeNull()
    }
    expect(merged.timings.sum_of_tasks_ms).toBe(
      merged.tasks.reduce((sum, task) => sum + task.duration_ms, 0)
    )
    const subjects = git(origin, 'log', '--format=%s', 'roadmap').split('\n')
    for (const priority of [65, 66, 67]) {
      expect(subjects).toContain(`Merge PRIORITY ${priority} from parallel execution`)
    }
  })

  it('reports a failed and a conflicting task, merges the rest, and loses nothing', async () => {
    const { dir, origin, clone, results } = fanOut({
      65: { files: ['src/recipes.ts'] },
      66: { files: ['src/notifications.ts'] },
      67: { files: ['src/recipes.ts'] },
      68: { files: ['docs/guide.md'] }
    })
    using _dir = dir
    const statuses: Record<number, string> = {}
    for (const priority of [65, 66, 67, 68]) {
      const task = await runMode(clone(`runner-${priority}`), {
        mode: 'task',
        priorities: String(priority),
        'agent-command': agent('--fail-on=66'),
        'results-dir': results
      })
      statuses[priority] = task.tasks[0].status
    }
    expect(statuses).toEqual({ 65: 'completed', 66: 'failed', 67: 'completed', 68: 'completed' })

    const merger = clone('merger')
    const merged = await runMode(merger, {
      mode: 'merge',
      priorities: '65-68',
      push: 'true',
      'results-dir': results
    })
    expect(merged.success).toBe(false)
    const byPriority = Object.fromEntries(merged.tasks.map((task) => [task.priority, task]))
    expect(byPriority[65].merge).toBe('merged')
    expect(byPriority[66]).toMatchObject({ status: 'failed', merge: 'not-merged' })
    expect(byPriority[66].error).toMatch(/exited with status 3/)
    expect(byPriority[67]).toMatchObject({ merge: 'conflict', conflict_files: ['src/recipes.ts'] })
    expect(byPriority[68].merge).toBe('merged')

    // Nothing lost: the conflicting branch is still on origin, with its commit.
    const kept = git(origin, 'rev-parse', 'refs/heads/feature/us-067')
    expect(isAncestor(origin, kept, 'roadmap')).toBe(false)
    expect(git(origin, 'log', '--format=%s', kept)).toMatch(/priority 67/)
    expect(git(origin, 'log', '--format=%s', 'roadmap')).toMatch(/Merge PRIORITY 68/)
    const file = JSON.parse(readFileSync(join(results, 'task-67.json'), 'utf8')) as TaskResultFile
    expect(file.pushed).toBe(true)
  })

  it('a task whose branch name is taken on origin overwrites nothing and pushes its work aside', async () => {
    const { dir, origin, clone, results } = fanOut({ 65: { files: ['src/recipes.ts'] } })
    using _dir = dir
    // Someone else's work on origin under the branch name this task will use.
    const other = clone('other')
    git(other, 'switch', '-q', '-c', 'feature/us-065', 'origin/roadmap')
    git(other, 'commit', '-q', '--allow-empty', '-m', 'someone else')
    git(other, 'push', '-q', 'origin', 'feature/us-065')
    const theirs = git(origin, 'rev-parse', 'refs/heads/feature/us-065')
    const roadmapBefore = git(origin, 'rev-parse', 'refs/heads/roadmap')

    const task = await runMode(clone('runner'), {
      mode: 'task',
      priorities: '65',
      'agent-command': agent(),
      'results-dir': results
    })
    expect(task.success).toBe(false)
    expect(task.tasks[0]).toMatchObject({ status: 'completed', commits: 1 })
    expect(task.tasks[0].error).toMatch(
      /pushing feature\/us-065 failed: .*on origin as parallel-worktree\//
    )
    // Theirs is untouched, ours is on origin under the new name, base was not pushed.
    expect(git(origin, 'rev-parse', 'refs/heads/feature/us-065')).toBe(theirs)
    const rescued = git(
      origin,
      'for-each-ref',
      '--format=%(refname)',
      'refs/heads/parallel-worktree/'
    )
    expect(git(origin, 'log', '--format=%s', rescued)).toMatch(/priority 65 by example-agent/)
    expect(git(origin, 'rev-parse', 'refs/heads/roadmap')).toBe(roadmapBefore)
  })
})
