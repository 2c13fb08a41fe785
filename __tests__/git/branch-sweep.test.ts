import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BranchSweep, deleteBranchesIfSafe } from '../../src/git/branch-deletion.js'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { madeBranchRef } from '../../src/git/kept-refs.js'
import { createRepo, git } from '../helpers/temp-repo.js'
import { branchWithCommit } from './made-branches.js'

describe('branches deleted together', () => {
  test('one ref transaction for those that lose nothing; every other one is kept, saying why', async () => {
    using dir = createRepo()
    const { repo } = dir
    const start = git(repo, 'rev-parse', 'roadmap')
    branchWithCommit(repo, 'merged-a', true)
    branchWithCommit(repo, 'merged-b', true)
    branchWithCommit(repo, 'unmerged', false)
    branchWithCommit(repo, 'held', true)
    git(repo, 'worktree', 'add', '-q', join(dir.path, 'held-wt'), 'held')
    // Empty, with a commit only its reflog reaches (made, then reset away).
    const dropped = branchWithCommit(repo, 'empty', false)
    git(repo, 'update-ref', 'refs/heads/empty', start)
    const trace = join(dir.path, 'trace.txt')
    const manager = new GitCommandManager(repo, { ...process.env, GIT_TRACE: trace })

    const deletions = await deleteBranchesIfSafe(manager, [
      { branch: 'merged-a', base: 'roadmap' },
      { branch: 'unmerged', base: 'roadmap' },
      { branch: 'held', base: 'roadmap' },
      { branch: 'missing', base: 'roadmap' },
      { branch: 'empty', startPoint: start },
      { branch: 'merged-b', base: 'roadmap' }
    ])

    expect(deletions).toEqual([
      { deleted: true, kept: [] },
      { deleted: false, because: 'unique-commits', commits: 1 },
      { deleted: false, because: 'checked-out', where: join(dir.path, 'held-wt') },
      { deleted: false, because: 'missing' },
      { deleted: true, kept: [`refs/parallel-worktree/dropped/empty-${dropped.slice(0, 12)}`] },
      { deleted: true, kept: [] }
    ])
    const branches = git(repo, 'branch', '--format=%(refname:short)').split('\n').sort()
    expect(branches).toEqual(['held', 'main', 'roadmap', 'unmerged'])
    // The records of the deleted ones go with them; the kept ones keep theirs.
    const made = git(repo, 'for-each-ref', '--format=%(refname)', 'refs/parallel-worktree/made/')
    expect(made.split('\n').sort()).toEqual([madeBranchRef('held'), madeBranchRef('unmerged')])
    expect(git(repo, 'cat-file', '-t', dropped)).toBe('commit')
    const updates = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((line) => line.includes('trace: built-in: git update-ref'))
    // The kept commit's ref, then the one transaction.
    expect(updates).toHaveLength(2)
    expect(updates[1]).toContain('update-ref --stdin')
  })

  test('a branch that moved after its check stays; the others of the batch still go', async () => {
    using dir = createRepo()
    const { repo } = dir
    branchWithCommit(repo, 'first', true)
    branchWithCommit(repo, 'second', true)
    const manager = new GitCommandManager(repo)
    const sweep = new BranchSweep(manager)
    const first = sweep.add({ branch: 'first', base: 'roadmap' })
    const second = sweep.add({ branch: 'second', base: 'roadmap' })
    // Moved by someone else between the check and the deletion: the compare-and-swap loses.
    const moved = git(repo, 'commit-tree', '-p', 'second', '-m', 'late', 'second^{tree}')
    const refTips = manager.refTips.bind(manager)
    manager.refTips = async (refs) => {
      const tips = await refTips(refs)
      git(repo, 'update-ref', 'refs/heads/second', moved)
      return tips
    }
    await sweep.flush()
    expect(await first).toEqual({ deleted: true, kept: [] })
    expect(await second).toEqual({ deleted: false, because: 'moved' })
    expect(git(repo, 'rev-parse', 'second')).toBe(moved)
    expect(git(repo, 'branch', '--list', 'first')).toBe('')
  })
})
