import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { deleteBranchesIfSafe } from '../../src/git/branch-deletion.js'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { judgedRef, madeBranchRef } from '../../src/git/kept-refs.js'
import { createRepo, git } from '../helpers/temp-repo.js'
import { branchWithCommit } from './made-branches.js'

const refExists = (repo: string, ref: string): boolean =>
  git(repo, 'for-each-ref', '--format=%(refname)', ref) === ref

describe("a merged branch's judgement", () => {
  test('goes in the ref transaction that deletes the branch and its record (one process)', async () => {
    using dir = createRepo()
    const { repo } = dir
    branchWithCommit(repo, 'merged', true, { judged: true })
    const trace = join(dir.path, 'trace.txt')
    const manager = new GitCommandManager(repo, { ...process.env, GIT_TRACE: trace })
    const [deletion] = await deleteBranchesIfSafe(manager, [
      { branch: 'merged', base: 'roadmap', forget: [judgedRef('merged')] }
    ])
    expect(deletion).toEqual({ deleted: true, kept: [] })
    for (const ref of ['refs/heads/merged', madeBranchRef('merged'), judgedRef('merged')]) {
      expect(refExists(repo, ref)).toBe(false)
    }
    const updates = readFileSync(trace, 'utf8')
      .split('\n')
      .filter((line) => line.includes('trace: built-in: git update-ref'))
    expect(updates).toHaveLength(1)
  })

  test('goes also when the branch is kept (it holds commits base lacks)', async () => {
    using dir = createRepo()
    const { repo } = dir
    branchWithCommit(repo, 'unmerged', false, { judged: true })
    const [deletion] = await deleteBranchesIfSafe(new GitCommandManager(repo), [
      { branch: 'unmerged', base: 'roadmap', forget: [judgedRef('unmerged')] }
    ])
    expect(deletion).toEqual({ deleted: false, because: 'unique-commits', commits: 1 })
    expect(refExists(repo, 'refs/heads/unmerged')).toBe(true)
    expect(refExists(repo, madeBranchRef('unmerged'))).toBe(true)
    expect(refExists(repo, judgedRef('unmerged'))).toBe(false)
  })
})
