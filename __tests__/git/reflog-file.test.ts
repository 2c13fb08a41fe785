// Reflogs are read from their files (no git process) where the repository keeps its refs as
// files; what they list must be exactly what `git reflog show --format=%H` lists, for a
// branch and for a worktree's own HEAD, after commits, an amend, a reset, a deletion.
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { reflogCommits, parseReflog } from '../../src/git/reflog.js'
import { createRepo, git } from '../helpers/temp-repo.js'

function gitSays(cwd: string, log: string): string[] {
  return git(cwd, 'reflog', 'show', '--format=%H', log, '--').split('\n').filter(Boolean)
}

describe('a reflog read from its file', () => {
  it('lists what git reflog lists, for a branch and for a worktree’s HEAD', async () => {
    using repo = createRepo()
    const wt = join(repo.path, 'wt')
    git(repo.repo, 'worktree', 'add', '-q', '-b', 'feature', wt)
    for (const n of [1, 2, 3]) {
      writeFileSync(join(wt, `f${n}.txt`), `${n}\n`)
      git(wt, 'add', '-A')
      git(wt, 'commit', '-q', '-m', `c${n}`)
    }
    git(wt, 'commit', '-q', '--amend', '-m', 'amended')
    git(wt, 'reset', '-q', '--hard', 'HEAD~2')
    git(wt, 'checkout', '-q', '--detach')
    const main = new GitCommandManager(repo.repo)
    const here = main.at(wt)
    expect(await here.run(['rev-parse', 'HEAD'])).toBeTruthy()
    expect(await reflogCommits(here, 'HEAD')).toEqual(gitSays(wt, 'HEAD'))
    expect(await reflogCommits(here, 'refs/heads/feature')).toEqual(
      gitSays(wt, 'refs/heads/feature')
    )
    expect(await reflogCommits(main, 'refs/heads/feature')).toEqual(
      gitSays(repo.repo, 'refs/heads/feature')
    )
    expect(await reflogCommits(main, 'HEAD')).toEqual(gitSays(repo.repo, 'HEAD'))
    expect((await reflogCommits(here, 'HEAD')).length).toBeGreaterThan(5)
  })

  it('is empty for a log that does not exist, as git says nothing of it', async () => {
    using repo = createRepo()
    const main = new GitCommandManager(repo.repo)
    expect(await reflogCommits(main, 'refs/heads/no-such-branch')).toEqual([])
  })

  it('leaves out the entries that delete a ref (they point at no commit)', () => {
    const a = 'a'.repeat(40)
    const b = 'b'.repeat(40)
    const zero = '0'.repeat(40)
    const text =
      `${zero} ${a} T <t@e> 1 +0000\tbranch: Created\n` +
      `${a} ${b} T <t@e> 2 +0000\tcommit: x\n` +
      `${b} ${zero} T <t@e> 3 +0000\tdeleted\n`
    expect(parseReflog(text)).toEqual([b, a])
  })
})

// An agent can write the git folders: a reflog made a link to /dev/zero or a pipe would
// never end a read (git's own `reflog show` hangs on both), and the end of its task with it.
describe('a reflog an agent replaced', () => {
  test.each([
    ['a link to /dev/zero', (file: string) => symlinkSync('/dev/zero', file)],
    ['a pipe', (file: string) => execFileSync('mkfifo', [file])]
  ])(
    'by %s is read as holding nothing, at once',
    async (_, plant) => {
      using repo = createRepo()
      const wt = join(repo.path, 'wt')
      git(repo.repo, 'worktree', 'add', '-q', '-b', 'feature', wt)
      const main = new GitCommandManager(repo.repo)
      const here = main.at(wt)
      const gitDir = await here.gitDir()
      rmSync(join(gitDir, 'logs', 'HEAD'))
      plant(join(gitDir, 'logs', 'HEAD'))
      const branchLog = join(repo.repo, '.git', 'logs', 'refs', 'heads', 'feature')
      rmSync(branchLog)
      plant(branchLog)
      expect(await reflogCommits(here, 'HEAD')).toEqual([])
      expect(await reflogCommits(here, 'refs/heads/feature')).toEqual([])
    },
    10_000
  )
})
