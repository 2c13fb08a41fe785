import { describe, expect, test } from '@jest/globals'
import { join } from 'node:path'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { WorktreeManager } from '../../src/run/worktree-manager.js'
import { addCandidateWorktree } from '../../src/git/candidate-worktree.js'
import { createRepo, git } from '../helpers/temp-repo.js'
import { memoryLogger } from './harness.js'
import { registeredWorktrees } from './invariants.js'

// Git itself races here: two `git worktree add` at once may fail with "failed to read
// .git/worktrees/<other>/commondir" (seen with git 2.39 in about 1 of 20 pairs), as one reads
// the other's half-written folder. With max-parallel 3 or more, agents start at once.

describe('worktrees made at the same moment', () => {
  test('many creations at once all succeed (the manager makes them one at a time)', async () => {
    using repo = createRepo()
    const manager = new WorktreeManager(new GitCommandManager(repo.repo), memoryLogger())
    const startPoint = git(repo.repo, 'rev-parse', 'roadmap')
    const rounds = 5
    const perRound = 12
    for (let round = 0; round < rounds; round++) {
      const made = await Promise.allSettled(
        Array.from({ length: perRound }, (_unused, index) => {
          const priority = round * perRound + index + 1
          return manager.create({
            branch: `feature/us-${priority}`,
            path: join(repo.path, `repo-wt${priority}`),
            startPoint,
            baseBranch: 'roadmap',
            removeOnDispose: true,
            reason: `priority ${priority} in progress`
          })
        })
      )
      const failures = made.flatMap((outcome) =>
        outcome.status === 'rejected' ? [(outcome.reason as Error).message] : []
      )
      expect(failures).toEqual([])
    }
    expect(registeredWorktrees(repo.repo)).toHaveLength(rounds * perRound + 1)
  })

  test('verify candidates made at once, beside task worktrees, all succeed (one line for every add)', async () => {
    using repo = createRepo()
    const gitManager = new GitCommandManager(repo.repo)
    const manager = new WorktreeManager(gitManager, memoryLogger())
    const commit = git(repo.repo, 'rev-parse', 'roadmap')
    const rounds = 5
    const perRound = 16
    for (let round = 0; round < rounds; round++) {
      const made = await Promise.allSettled(
        Array.from({ length: perRound }, (_unused, index) => {
          const n = round * perRound + index + 1
          return index % 2
            ? addCandidateWorktree(gitManager, join(repo.path, `candidate-${n}`), commit)
            : manager.create({
                branch: `feature/us-${n}`,
                path: join(repo.path, `repo-wt${n}`),
                startPoint: commit,
                baseBranch: 'roadmap',
                removeOnDispose: true,
                reason: `priority ${n} in progress`
              })
        })
      )
      const failures = made.flatMap((outcome) =>
        outcome.status === 'rejected' ? [(outcome.reason as Error).message] : []
      )
      expect(failures).toEqual([])
    }
    expect(registeredWorktrees(repo.repo)).toHaveLength(rounds * perRound + 1)
  })
})
