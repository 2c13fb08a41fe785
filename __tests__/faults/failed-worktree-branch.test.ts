import { describe, expect, test } from '@jest/globals'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { git } from '../helpers/temp-repo.js'
import { exampleAgent, faultRepo, runEngine, statuses, taskOf } from './harness.js'

// `git worktree add` that fails after the task's branch was set (here: .git/worktrees is a
// regular file, so git cannot make the worktree's admin folder). The branch the run made for
// it holds nothing: it is taken back, and a branch that was there before is left as it was.

/** A repository where `git worktree add` fails: its admin folder's parent is a regular file. */
function blockWorktrees(repo: string): Disposable {
  const admin = join(repo, '.git', 'worktrees')
  rmSync(admin, { recursive: true, force: true })
  writeFileSync(admin, 'not a folder\n')
  return { [Symbol.dispose]: () => rmSync(admin, { force: true }) }
}

describe('a worktree that cannot be created', () => {
  test('leaves no empty branch behind', async () => {
    using repo = faultRepo([1])
    using _blocked = blockWorktrees(repo.repo)
    const { result } = await runEngine(repo, { priorities: '1', 'agent-command': exampleAgent() })
    expect(statuses(result)).toEqual({ 1: 'failed' })
    expect(taskOf(result, 1).error).toContain('could not create the worktree')
    expect(git(repo.repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/feature/')).toBe('')
    expect(git(repo.repo, 'rev-parse', 'roadmap')).toBe(repo.baseBefore)
  }, 60_000)

  test('puts back a branch of that name that was already there', async () => {
    using repo = faultRepo([1])
    // The branch is at an older commit of base: nothing unique on it, so the run may reuse
    // the name (and moves it to base's tip first).
    const older = repo.baseBefore
    git(repo.repo, 'update-ref', 'refs/heads/feature/us-001', older)
    git(repo.repo, 'commit', '-q', '--allow-empty', '-m', 'base moves on')
    expect(git(repo.repo, 'rev-parse', 'roadmap')).not.toBe(older)
    using _blocked = blockWorktrees(repo.repo)
    const { result } = await runEngine(repo, { priorities: '1', 'agent-command': exampleAgent() })
    expect(statuses(result)).toEqual({ 1: 'failed' })
    expect(git(repo.repo, 'rev-parse', 'feature/us-001')).toBe(older)
  }, 60_000)
})
