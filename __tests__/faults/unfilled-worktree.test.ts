import { describe, expect, test } from '@jest/globals'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { recordMadeBranch } from '../../src/git/kept-refs.js'
import { WorktreeManager } from '../../src/run/worktree-manager.js'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { git, writeFiles } from '../helpers/temp-repo.js'
import {
  exampleAgent,
  faultRepo,
  memoryLogger,
  sourceCliOfThisFile,
  startCli,
  statuses,
  taskOf,
  type FaultRepo
} from './harness.js'
import { assertInvariants, commitLogOf } from './invariants.js'

// A coordinator killed between registering a worktree (`--no-checkout --lock`) and filling it
// leaves one with no index, which git reads as "every file deleted". The next run's recovery
// of abandoned worktrees must not save that as the agent's work, nor merge it.

const cli = sourceCliOfThisFile()

/** Files beyond the roadmap's, so that "every file deleted" would be seen. */
const MANY = Object.fromEntries(
  Array.from({ length: 40 }, (_, k) => [`lib/module-${k}.ts`, `export const m${k} = ${k}\n`])
)

function repoWithManyFiles(): FaultRepo {
  const repo = faultRepo([1, 2])
  writeFiles(repo.repo, MANY)
  git(repo.repo, 'add', '-A')
  git(repo.repo, 'commit', '-q', '-m', 'many files')
  return { ...repo, baseBefore: git(repo.repo, 'rev-parse', 'roadmap') }
}

/** What a coordinator killed right after `git worktree add --no-checkout --lock` leaves. */
function registerUnfilled(repo: FaultRepo, priority: number, branch: string): string {
  const path = join(repo.path, `repo-wt${priority}`)
  git(
    repo.repo,
    'worktree',
    'add',
    '--quiet',
    '--no-checkout',
    '--lock',
    '--reason',
    `parallel-worktree: priority ${priority} in progress`,
    path,
    branch
  )
  return path
}

function files(repo: string, ref: string): number {
  return git(repo, 'ls-tree', '-r', '--name-only', ref).split('\n').filter(Boolean).length
}

async function runCli(
  repo: FaultRepo,
  priorities: string
): Promise<{ code: number | null; result: RunResult }> {
  const run = startCli(cli.entry, repo, [
    'run',
    priorities,
    '--agent-command',
    exampleAgent(),
    '--worktree-dir',
    '..'
  ])
  const code = await run.exited
  return { code, result: JSON.parse(run.stdout()) as RunResult }
}

describe('a worktree registered and never filled', () => {
  test('the next run removes it without saving anything, and leaves its branch exactly as it was', async () => {
    using repo = repoWithManyFiles()
    const filesBefore = files(repo.repo, 'roadmap')
    // Priority 2's branch holds an earlier run's commit; its worktree was registered, not filled.
    git(repo.repo, 'branch', 'feature/us-002', 'roadmap')
    const earlier = join(repo.work, 'earlier')
    git(repo.repo, 'worktree', 'add', '--quiet', earlier, 'feature/us-002')
    writeFiles(earlier, { 'earlier.txt': 'earlier work\n' })
    git(earlier, 'add', '-A')
    git(earlier, 'commit', '-q', '-m', 'priority 2: earlier work')
    git(repo.repo, 'worktree', 'remove', earlier)
    const tip = git(repo.repo, 'rev-parse', 'feature/us-002')
    // That earlier run is not this one: what the run must keep is recorded from here on.
    writeFileSync(commitLogOf(repo.repo), '')
    const path = registerUnfilled(repo, 2, 'feature/us-002')

    const { code, result } = await runCli(repo, '1')

    expect(git(repo.repo, 'rev-parse', 'feature/us-002')).toBe(tip)
    expect(existsSync(path)).toBe(false)
    expect(git(repo.repo, 'worktree', 'list', '--porcelain')).not.toContain(path)
    expect({ code, statuses: statuses(result), success: result.success }).toEqual({
      code: 0,
      statuses: { 1: 'completed' },
      success: true
    })
    expect(files(repo.repo, 'roadmap')).toBe(filesBefore)
    expect(git(repo.repo, 'log', '--all', '--format=%s')).not.toContain('WIP PRIORITY')
    assertInvariants({ ...repo, base: 'roadmap', result })
  }, 60_000)

  test('run again on that very priority: base keeps every file, and no WIP commit is made or merged', async () => {
    using repo = repoWithManyFiles()
    const filesBefore = files(repo.repo, 'roadmap')
    // As create() does it: the branch set to base's tip, then the worktree registered.
    git(repo.repo, 'branch', 'feature/us-001', 'roadmap')
    const path = registerUnfilled(repo, 1, 'feature/us-001')

    const { code, result } = await runCli(repo, '1')

    expect({ code, statuses: statuses(result), merge: taskOf(result, 1).merge }).toEqual({
      code: 0,
      statuses: { 1: 'completed' },
      merge: 'merged'
    })
    expect(taskOf(result, 1).resumed_from).toBeNull()
    expect(files(repo.repo, 'roadmap')).toBe(filesBefore)
    expect(git(repo.repo, 'show', 'roadmap:src/file-1.ts')).toContain('priority 1')
    expect(git(repo.repo, 'log', '--all', '--format=%s')).not.toContain('WIP PRIORITY')
    expect(existsSync(path)).toBe(false)
    assertInvariants({ ...repo, base: 'roadmap', result })
  }, 60_000)

  test("one left unlocked at the task's own path is removed too, and the task runs", async () => {
    using repo = repoWithManyFiles()
    const filesBefore = files(repo.repo, 'roadmap')
    git(repo.repo, 'branch', 'feature/us-001', 'roadmap')
    const path = registerUnfilled(repo, 1, 'feature/us-001')
    git(repo.repo, 'worktree', 'unlock', path)

    const { code, result } = await runCli(repo, '1')

    expect({ code, merge: taskOf(result, 1).merge }).toEqual({ code: 0, merge: 'merged' })
    expect(files(repo.repo, 'roadmap')).toBe(filesBefore)
    expect(git(repo.repo, 'log', '--all', '--format=%s')).not.toContain('WIP PRIORITY')
    assertInvariants({ ...repo, base: 'roadmap', result })
  }, 60_000)

  test('an index git wrote with no entry, on a branch whose tree has files, is no fill either', async () => {
    using repo = repoWithManyFiles()
    const filesBefore = files(repo.repo, 'roadmap')
    git(repo.repo, 'branch', 'feature/us-001', 'roadmap')
    const path = registerUnfilled(repo, 1, 'feature/us-001')
    // A git command run in it (an editor's) may have written an empty index.
    git(path, 'read-tree', '--empty')

    const { code, result } = await runCli(repo, '1')

    expect({ code, merge: taskOf(result, 1).merge }).toEqual({ code: 0, merge: 'merged' })
    expect(files(repo.repo, 'roadmap')).toBe(filesBefore)
    expect(git(repo.repo, 'log', '--all', '--format=%s')).not.toContain('WIP PRIORITY')
    assertInvariants({ ...repo, base: 'roadmap', result })
  }, 60_000)

  test('a worktree not marked filled whose save would delete files is kept, not saved nor merged', async () => {
    using repo = repoWithManyFiles()
    git(repo.repo, 'branch', 'feature/us-001', 'roadmap')
    const tip = git(repo.repo, 'rev-parse', 'feature/us-001')
    const path = registerUnfilled(repo, 1, 'feature/us-001')
    // Filled by a run of a version that did not mark its fills, then files went missing.
    git(path, 'reset', '--hard', '--quiet')
    rmSync(join(path, 'lib/module-3.ts'))

    const { code, result } = await runCli(repo, '1')

    expect(code).toBe(1)
    expect(taskOf(result, 1).error).toContain(path)
    expect(git(repo.repo, 'rev-parse', 'feature/us-001')).toBe(tip)
    expect(git(repo.repo, 'rev-parse', 'roadmap')).toBe(repo.baseBefore)
    expect(existsSync(join(path, 'lib/module-4.ts'))).toBe(true)
    assertInvariants({ ...repo, base: 'roadmap', result })
  }, 60_000)

  test("an agent's own deletion, in a worktree whose fill completed, is saved and merged", async () => {
    using repo = repoWithManyFiles()
    // A worktree as a run makes it (filled and marked), whose coordinator was then killed
    // while its agent had deleted a file.
    const logger = memoryLogger()
    const gitManager = new GitCommandManager(repo.repo)
    const worktree = await new WorktreeManager(gitManager, logger).create({
      branch: 'feature/us-001',
      path: join(repo.path, 'repo-wt1'),
      startPoint: repo.baseBefore,
      baseBranch: 'roadmap',
      removeOnDispose: true,
      reason: 'priority 1 in progress'
    })
    // The run records the branch it made (only such a branch is resumed).
    await recordMadeBranch(gitManager, 'feature/us-001', repo.baseBefore)
    rmSync(join(worktree.path, 'lib/module-3.ts'))
    writeFileSync(commitLogOf(repo.repo), '')

    const { code, result } = await runCli(repo, '1')

    expect({ code, merge: taskOf(result, 1).merge }).toEqual({ code: 0, merge: 'merged' })
    expect(git(repo.repo, 'log', '--all', '--format=%s')).toContain('WIP PRIORITY 1')
    expect(git(repo.repo, 'ls-tree', '-r', '--name-only', 'roadmap')).not.toContain(
      'lib/module-3.ts'
    )
    expect(files(repo.repo, 'roadmap')).toBe(files(repo.repo, `${repo.baseBefore}`) - 1)
    assertInvariants({ ...repo, base: 'roadmap', result })
  }, 60_000)
})
