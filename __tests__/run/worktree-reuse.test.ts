import { describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { git, writeFiles } from '../helpers/temp-repo.js'
import {
  AGENT_COMMIT,
  faultRepo,
  runScriptedAgents,
  statuses,
  taskOf,
  type FaultRepo
} from '../faults/harness.js'
import { assertInvariants } from '../faults/invariants.js'

// At max-parallel 1, priority 2's worktree is made while priority 1 runs; priority 3's is made
// when priority 1 ends: from priority 1's finished worktree, switched to priority 3's branch
// (a checkout of what differs instead of writing every file of a new worktree).

function repoWithBuildOutput(priorities: number[]): FaultRepo {
  const repo = faultRepo(priorities)
  writeFiles(repo.repo, { '.gitignore': 'build/\n.env\n' })
  git(repo.repo, 'add', '-A')
  git(repo.repo, 'commit', '-q', '-m', 'ignore build output')
  // The user's untracked file that worktree-files copies into each worktree.
  writeFileSync(join(repo.repo, '.env'), 'SECRET=from-the-checkout\n')
  return { ...repo, baseBefore: git(repo.repo, 'rev-parse', 'roadmap') }
}

/** Each agent records what it finds, then leaves build output and changes its .env copy. */
function seeingAgent(repo: FaultRepo): string[] {
  const seen = join(repo.work, 'seen-$PRIORITY_ID')
  return [
    // Long enough for priority 1's end to come before priority 3's worktree is made.
    'sleep 1',
    `{ pwd; cat .env; ls build 2>/dev/null; git status --porcelain --ignored; } > "${seen}"`,
    // The lock names the priority: a run killed now saves its work as that priority's.
    `cat "$(git rev-parse --absolute-git-dir)/locked" > "${seen}.lock"`,
    'mkdir -p build && echo "output of $PRIORITY_ID" > "build/out-$PRIORITY_ID.txt"',
    'echo "SECRET=changed-by-$PRIORITY_ID" > .env',
    'echo "// priority $PRIORITY_ID" >> "src/file-$PRIORITY_ID.ts"',
    `git add -A && ${AGENT_COMMIT} -m "priority $PRIORITY_ID: its file"`
  ]
}

describe('a finished worktree reused for a later priority', () => {
  test('holds nothing of the previous agent but a fresh copy of worktree-files, at the path of its own priority', async () => {
    using repo = repoWithBuildOutput([1, 2, 3])
    const run = await runScriptedAgents(repo, seeingAgent(repo), {
      priorities: '1,2,3',
      'max-parallel': '1',
      'worktree-files': '.env'
    })
    const { result } = run
    const text = run.logger.text()

    expect(statuses(result)).toEqual({ 1: 'completed', 2: 'completed', 3: 'completed' })
    expect(text).toMatch(
      /Reused the finished worktree \S+-wt-spare-1 as \S+-wt3 for feature\/us-003/
    )
    const wt3 = taskOf(result, 3).worktree
    expect(wt3.endsWith('-wt3')).toBe(true)
    const seen = readFileSync(join(repo.work, 'seen-3'), 'utf8').split('\n')
    // It ran where the result says; its copy is the checkout's, not priority 1's change.
    expect(seen[0]).toBe(wt3)
    expect(seen[1]).toBe('SECRET=from-the-checkout')
    // No build output of priority 1, no file of its branch, nothing changed or untracked but
    // the copy.
    expect(seen.slice(2).filter(Boolean)).toEqual(['!! .env'])
    expect(readFileSync(join(repo.work, 'seen-3.lock'), 'utf8')).toBe(
      'parallel-worktree: priority 3 in progress\n'
    )
    expect(git(repo.repo, 'show', 'roadmap:src/file-1.ts')).toContain('// priority 1')
    expect(git(repo.repo, 'show', 'roadmap:src/file-3.ts')).toContain('// priority 3')
    // Every worktree is gone at the end, the spare included; no branch holds a copied file.
    expect(git(repo.repo, 'worktree', 'list', '--porcelain')).not.toContain('-wt')
    expect(existsSync(join(repo.path, 'repo-wt-spare-1'))).toBe(false)
    assertInvariants({ ...repo, base: 'roadmap', result, pids: run.pids })
  }, 60_000)

  test('a worktree left with uncommitted work (auto-commit off) is kept, not reused', async () => {
    using repo = repoWithBuildOutput([1, 2, 3])
    const run = await runScriptedAgents(
      repo,
      ['echo "// left uncommitted" >> "src/file-$PRIORITY_ID.ts"'],
      { priorities: '1,2,3', 'max-parallel': '1', 'auto-commit': 'false' }
    )
    expect(run.logger.text()).not.toContain('Reused the finished worktree')
    for (const priority of [1, 2, 3]) {
      const path = taskOf(run.result, priority).worktree
      expect(readFileSync(join(path, `src/file-${priority}.ts`), 'utf8')).toContain(
        'left uncommitted'
      )
    }
  }, 60_000)
})
