import { describe, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult, TaskResult } from '../../src/core/types.js'
import { git, writeFiles } from '../helpers/temp-repo.js'
import { faultRepo, type FaultRepo } from './harness.js'
import { assertInvariants } from './invariants.js'

// The checker checked: each promise broken on purpose must be reported, so that a fault test
// that passes means the promise held, not that the check saw nothing.

function resultWith(tasks: Partial<TaskResult>[] = []): RunResult {
  return {
    success: false,
    mode: 'run',
    base_branch: 'roadmap',
    priorities_requested: [],
    priorities_executed: [],
    separation: {
      valid: true,
      independent_pairs: [],
      conflicts: {},
      task_file_map: {},
      unresolved: [],
      schedule: []
    },
    tasks: tasks as TaskResult[],
    merge_results: {},
    timings: { total_ms: 0, sum_of_tasks_ms: 0, speedup: 0 },
    verify_runs: 0,
    verify: null,
    warnings: []
  }
}

function problems(repo: FaultRepo, extra: Partial<Parameters<typeof assertInvariants>[0]> = {}) {
  try {
    assertInvariants({ ...repo, base: 'roadmap', result: resultWith(), ...extra })
    return ''
  } catch (error) {
    return (error as Error).message
  }
}

/** An agent's commit on a branch of its own (recorded by the hook). */
function agentCommit(repo: FaultRepo, branch: string): string {
  git(repo.repo, 'checkout', '-q', '-b', branch)
  writeFiles(repo.repo, { [`${branch}.txt`]: 'work\n' })
  git(repo.repo, 'add', '-A')
  git(repo.repo, 'commit', '-q', '-m', `work on ${branch}`)
  const commit = git(repo.repo, 'rev-parse', 'HEAD')
  git(repo.repo, 'checkout', '-q', 'roadmap')
  return commit
}

describe('the invariants checker', () => {
  test('passes on an untouched repository', () => {
    using repo = faultRepo([1])
    expect(problems(repo)).toBe('')
  })

  test('sees a merge in progress', () => {
    using repo = faultRepo([1])
    writeFileSync(join(repo.repo, '.git', 'MERGE_HEAD'), `${repo.baseBefore}\n`)
    expect(problems(repo)).toContain('MERGE_HEAD exists')
  })

  test('sees staged changes and conflict markers in the checkout', () => {
    using repo = faultRepo([1])
    writeFiles(repo.repo, { 'README.md': '<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n' })
    git(repo.repo, 'add', 'README.md')
    const found = problems(repo)
    expect(found).toContain('staged changes')
    expect(found).toContain('conflict markers')
  })

  test('sees a base that was rewound', () => {
    using repo = faultRepo([1])
    git(repo.repo, 'commit', '-q', '--allow-empty', '-m', 'more')
    const tip = git(repo.repo, 'rev-parse', 'HEAD')
    git(repo.repo, 'reset', '-q', '--hard', 'HEAD~1')
    expect(problems(repo, { baseBefore: tip })).toContain('not a fast-forward')
  })

  test('sees a lost commit, and accepts it on a branch the result names', () => {
    using repo = faultRepo([1])
    const commit = agentCommit(repo, 'agent-work')
    git(repo.repo, 'branch', '-D', 'agent-work')
    expect(problems(repo)).toContain(commit)

    git(repo.repo, 'branch', 'feature/us-001', commit)
    const result = resultWith([{ priority: 1, branch: 'feature/us-001', error: null }])
    expect(problems(repo, { result })).toBe('')
  })

  test('sees a process still alive', async () => {
    using repo = faultRepo([1])
    const child = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      expect(problems(repo, { pids: [child.pid!] })).toContain('processes of the run still alive')
    } finally {
      child.kill('SIGKILL')
    }
    await new Promise((resolve) => child.once('exit', resolve))
  })

  test('sees a worktree the result does not name, and accepts one it names', () => {
    using repo = faultRepo([1])
    const path = join(repo.path, 'repo-wt1')
    git(repo.repo, 'worktree', 'add', '-q', '-b', 'feature/us-001', path, 'roadmap')
    const silent = resultWith([{ priority: 1, branch: 'feature/us-001', worktree: path }])
    expect(problems(repo, { result: silent })).toContain('worktree left')

    const named = resultWith([
      { priority: 1, branch: 'feature/us-001', worktree: path, error: `kept in ${path}` }
    ])
    expect(problems(repo, { result: named })).toBe('')
  })
})
