import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { readWorktreeState } from '../../src/git/worktree-state.js'
import { holdsChanges, parseWorktreeStatus } from '../../src/git/worktree-status.js'
import { createRepo, git } from '../helpers/temp-repo.js'

const OPEN = '<<<<<<< ours'
const CLOSE = '>>>>>>> theirs'

describe('a worktree looked at once', () => {
  test('one status gives the branch, HEAD, changed (both sides of a rename), unmerged and untracked paths, spaces included', async () => {
    using dir = createRepo({ 'a b.txt': 'a\n', 'old.txt': 'old\n', 'kept.txt': 'k\n' })
    const repo = dir.repo
    git(repo, 'mv', 'old.txt', 'new name.txt')
    writeFileSync(join(repo, 'kept.txt'), 'changed\n')
    mkdirSync(join(repo, 'deep/er'), { recursive: true })
    writeFileSync(join(repo, 'deep/er/new file.txt'), 'n\n')
    writeFileSync(join(repo, '.env'), 'SECRET=1\n')
    const status = await new GitCommandManager(repo).worktreeStatus()
    expect(status.branch).toBe(git(repo, 'symbolic-ref', '--short', 'HEAD'))
    expect(status.head).toBe(git(repo, 'rev-parse', 'HEAD'))
    expect(status.changed.sort()).toEqual(['kept.txt', 'new name.txt', 'old.txt'])
    expect(status.untracked.sort()).toEqual(['.env', 'deep/er/new file.txt'])
    expect(status.unmerged).toEqual([])
    expect(holdsChanges(status)).toBe(true)
    git(repo, 'commit', '-qam', 'all')
    git(repo, 'add', 'deep')
    git(repo, 'commit', '-qm', 'deep')
    expect(holdsChanges(await new GitCommandManager(repo).worktreeStatus(), ['.env'])).toBe(false)
    git(repo, 'checkout', '-q', '--detach')
    expect((await new GitCommandManager(repo).worktreeStatus()).branch).toBeNull()
  })

  test('unmerged entries and an unborn branch are read from the porcelain', () => {
    const parsed = parseWorktreeStatus(
      [
        '# branch.oid (initial)',
        '# branch.head main',
        'u UU N... 100644 100644 100644 100644 a1 a2 a3 both sides.txt',
        '! ignored.log',
        ''
      ].join('\0')
    )
    expect(parsed).toEqual({
      branch: 'main',
      head: null,
      changed: [],
      unmerged: ['both sides.txt'],
      untracked: []
    })
  })

  test('markers count only when the agent added them: a file of the start point holding them, changed elsewhere, is not one', async () => {
    using dir = createRepo({
      'fixture.txt': `${OPEN}\nold\n=======\nnew\n${CLOSE}\nend\n`,
      'plain.txt': 'plain\n'
    })
    const repo = dir.repo
    const start = git(repo, 'rev-parse', 'HEAD')
    // Committed: the fixture changed away from its markers; uncommitted: markers added.
    writeFileSync(join(repo, 'fixture.txt'), `${OPEN}\nold\n=======\nnew\n${CLOSE}\nend, changed\n`)
    git(repo, 'commit', '-qam', 'fixture')
    writeFileSync(join(repo, 'plain.txt'), `${OPEN}\nmine\n=======\ntheirs\n${CLOSE}\n`)
    writeFileSync(join(repo, 'untracked.txt'), `${OPEN}\n=======\n${CLOSE}\n`)
    const state = await readWorktreeState(new GitCommandManager(repo), start)
    expect(state).toEqual({
      inProgress: null,
      unmerged: [],
      markers: ['plain.txt', 'untracked.txt']
    })
  })
})
