import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GitError } from '../../src/core/errors.js'
import { GitCommandManager, type GitExecOptions } from '../../src/git/git-command-manager.js'
import { listWorktrees } from '../../src/git/worktree-list.js'
import {
  LOCK_REASON_PREFIX,
  WorktreeError,
  WorktreeManager,
  realPath,
  worktreePath
} from '../../src/run/worktree-manager.js'
import { createRepo, git, type TempRepo } from '../helpers/temp-repo.js'
import { leftRunWorktree, memoryLogger } from './run-helpers.js'

const BRANCH = 'feature/us-001'

function setup(): TempRepo & { manager: WorktreeManager; gitm: GitCommandManager; path: string } {
  const repo = createRepo({ 'README.md': '# demo\n', 'src/a.ts': 'a\n' })
  const gitm = new GitCommandManager(repo.repo)
  return {
    ...repo,
    gitm,
    manager: new WorktreeManager(gitm, memoryLogger()),
    path: worktreePath(repo.repo, '..', 1)
  }
}

function create(
  t: ReturnType<typeof setup>,
  extra: { startPoint?: string; branch?: string } = {}
): ReturnType<WorktreeManager['create']> {
  return t.manager.create({
    branch: extra.branch ?? BRANCH,
    path: t.path,
    startPoint: extra.startPoint ?? git(t.repo, 'rev-parse', 'roadmap'),
    baseBranch: 'roadmap',
    removeOnDispose: true,
    reason: 'priority 1 in progress'
  })
}

/** A worktree left by an "earlier run": made by git directly, locked with our reason. */
function leftover(t: ReturnType<typeof setup>, branch = BRANCH): void {
  leftRunWorktree(t.repo, t.path, branch, 'priority 1 in progress')
}

describe('worktree paths', () => {
  test('<worktree-dir>/<repo>-wt<priority>, with symbolic links resolved as git prints them', () => {
    using t = setup()
    const link = join(t.path, '..', 'link-to-repo')
    symlinkSync(t.repo, link)
    expect(worktreePath(t.repo, '..', 7)).toBe(join(t.path, '..', 'repo-wt7'))
    // Reached through a link, the repository is still `repo`: the same worktree path.
    expect(worktreePath(link, '..', 7)).toBe(join(t.path, '..', 'repo-wt7'))
    expect(worktreePath(t.repo, 'trees/deep', 3)).toBe(join(t.repo, 'trees', 'deep', 'repo-wt3'))
    expect(realPath(join(link, 'not', 'yet'))).toBe(join(t.repo, 'not', 'yet'))
  })
})

describe('creating and removing', () => {
  test('adds and removes of worktrees run one at a time (git races with itself otherwise)', async () => {
    using t = setup()
    class Watched extends GitCommandManager {
      now = 0
      most = 0
      override async exec(args: readonly string[], options?: GitExecOptions) {
        const registering = args[0] === 'worktree' && ['add', 'remove'].includes(args[1])
        if (registering) this.most = Math.max(this.most, ++this.now)
        try {
          return await super.exec(args, options)
        } finally {
          if (registering) this.now -= 1
        }
      }
    }
    const gitm = new Watched(t.repo)
    const manager = new WorktreeManager(gitm, memoryLogger())
    const start = git(t.repo, 'rev-parse', 'roadmap')
    const make = (n: number) =>
      manager.create({
        branch: `feature/us-00${n}`,
        path: worktreePath(t.repo, '..', n),
        startPoint: start,
        baseBranch: 'roadmap',
        removeOnDispose: true,
        reason: `priority ${n} in progress`
      })
    const first = await Promise.all([1, 2].map(make))
    await Promise.all([...first.map((w) => manager.remove(w.path)), make(3), make(4)])
    expect(gitm.most).toBe(1)
    expect((await listWorktrees(t.gitm)).map((e) => e.branch)).toEqual([
      'roadmap',
      'feature/us-003',
      'feature/us-004'
    ])
  })

  test('a worktree is made from the start point, locked while in use, and removed with its folder', async () => {
    using t = setup()
    const start = git(t.repo, 'rev-parse', 'roadmap')
    const worktree = await create(t)
    expect(worktree.path).toBe(t.path)
    expect(git(t.path, 'rev-parse', 'HEAD')).toBe(start)
    expect(git(t.path, 'symbolic-ref', 'HEAD')).toBe(`refs/heads/${BRANCH}`)
    const entry = (await listWorktrees(t.gitm)).find((e) => e.path === t.path)!
    expect(entry.locked).toBe(true)
    expect(entry.lockReason).toBe(`${LOCK_REASON_PREFIX}: priority 1 in progress`)

    await t.manager.remove(worktree.path)
    expect(existsSync(t.path)).toBe(false)
    expect(await listWorktrees(t.gitm)).toHaveLength(1)
    expect(git(t.repo, 'rev-parse', BRANCH)).toBe(start)
  })

  test('a prepared worktree moves to a newer base tip, touching only what differs', async () => {
    using t = setup()
    const worktree = await create(t)
    writeFileSync(join(t.repo, 'src/b.ts'), 'b\n')
    git(t.repo, 'add', 'src/b.ts')
    git(t.repo, 'commit', '-q', '-m', 'base moves on')
    const tip = git(t.repo, 'rev-parse', 'roadmap')

    expect(await t.manager.advance(worktree, tip)).toBe(true)
    expect(worktree.startPoint).toBe(tip)
    expect(git(t.path, 'rev-parse', 'HEAD')).toBe(tip)
    expect(readFileSync(join(t.path, 'src/b.ts'), 'utf8')).toBe('b\n')
    expect(git(t.path, 'status', '--porcelain')).toBe('')
  })

  test('worktree-files: untracked and ignored files matching the globs are copied, listed once', async () => {
    using t = setup()
    writeFileSync(join(t.repo, '.gitignore'), '.env\nconfig/*.local.json\nnode_modules/\n')
    git(t.repo, 'add', '.gitignore')
    git(t.repo, 'commit', '-q', '-m', 'ignore')
    writeFileSync(join(t.repo, '.env'), 'TOKEN=x\n')
    mkdirSync(join(t.repo, 'config'))
    writeFileSync(join(t.repo, 'config/app.local.json'), '{}\n')
    writeFileSync(join(t.repo, 'config/app.json.bak'), 'no\n')
    mkdirSync(join(t.repo, 'node_modules/x'), { recursive: true })
    writeFileSync(join(t.repo, 'node_modules/x/index.js'), '\n')
    const worktree = await create(t)

    const copied = await t.manager.copyFiles(t.repo, worktree.path, ['.env', 'config/*.local.json'])
    expect(copied.sort()).toEqual(['.env', 'config/app.local.json'])
    expect(readFileSync(join(t.path, '.env'), 'utf8')).toBe('TOKEN=x\n')
    expect(existsSync(join(t.path, 'config/app.json.bak'))).toBe(false)
    expect(existsSync(join(t.path, 'node_modules'))).toBe(false)
  })
})

describe('leftovers of an earlier run', () => {
  test('an empty stale folder at the path is removed', async () => {
    using t = setup()
    mkdirSync(t.path)
    await create(t)
    expect(git(t.path, 'symbolic-ref', '--short', 'HEAD')).toBe(BRANCH)
  })

  test('a stale folder with content that is no worktree is refused, and left alone', async () => {
    using t = setup()
    mkdirSync(t.path)
    writeFileSync(join(t.path, 'notes.txt'), 'mine\n')
    await expect(create(t)).rejects.toThrow(
      `${t.path} exists and is not a worktree of this repository, so branch ${BRANCH} cannot be checked out there; move it away`
    )
    expect(readFileSync(join(t.path, 'notes.txt'), 'utf8')).toBe('mine\n')
  })

  test('a registered worktree whose folder is gone (locked by this tool) is dropped', async () => {
    using t = setup()
    leftover(t)
    rmSync(t.path, { recursive: true, force: true })
    const worktree = await create(t)
    expect(existsSync(worktree.path)).toBe(true)
    expect((await listWorktrees(t.gitm)).filter((e) => e.branch === BRANCH)).toHaveLength(1)
  })

  test('a missing worktree locked by someone else is refused with how to release it', async () => {
    using t = setup()
    git(
      t.repo,
      'worktree',
      'add',
      '-q',
      '--lock',
      '--reason',
      'on a USB disk',
      '-b',
      BRANCH,
      t.path
    )
    rmSync(t.path, { recursive: true, force: true })
    const error = await create(t).catch((e: Error) => e)
    expect(error).toBeInstanceOf(WorktreeError)
    expect((error as Error).message).toContain('missing and locked (on a USB disk)')
    expect((error as Error).message).toContain(
      `git worktree unlock ${t.path} && git worktree prune`
    )
  })

  test('a clean leftover worktree of the same branch is removed and made anew', async () => {
    using t = setup()
    leftover(t)
    const worktree = await create(t)
    expect(git(worktree.path, 'symbolic-ref', '--short', 'HEAD')).toBe(BRANCH)
  })

  test('a leftover worktree with uncommitted changes is refused, naming the branch and what to do', async () => {
    using t = setup()
    leftover(t)
    writeFileSync(join(t.path, 'work.txt'), 'unsaved\n')
    await expect(create(t)).rejects.toThrow(
      `the worktree ${t.path} of an earlier run has uncommitted changes on branch ${BRANCH}; commit them`
    )
    expect(readFileSync(join(t.path, 'work.txt'), 'utf8')).toBe('unsaved\n')
  })

  test('an existing branch whose commits are all in base is reused', async () => {
    using t = setup()
    git(t.repo, 'branch', BRANCH, 'main')
    git(t.repo, 'commit', '--allow-empty', '-q', '-m', 'base moves on')
    const worktree = await create(t)
    expect(git(worktree.path, 'rev-parse', 'HEAD')).toBe(git(t.repo, 'rev-parse', 'roadmap'))
  })

  test('an existing branch with commits not in base is refused before anything is touched', async () => {
    using t = setup()
    leftover(t)
    git(t.path, 'commit', '--allow-empty', '-q', '-m', 'earlier work')
    const tip = git(t.repo, 'rev-parse', BRANCH)
    await expect(create(t)).rejects.toThrow(
      `branch ${BRANCH} already exists with 1 commit(s) that are not in roadmap (left by an earlier run?); merge it into roadmap, or delete it (git branch -D ${BRANCH})`
    )
    // The clean leftover worktree was not removed either: checks come before changes.
    expect(existsSync(t.path)).toBe(true)
    expect(git(t.repo, 'rev-parse', BRANCH)).toBe(tip)
  })

  test('the branch checked out in another worktree is refused', async () => {
    using t = setup()
    const elsewhere = join(t.path, '..', 'elsewhere')
    git(t.repo, 'worktree', 'add', '-q', '-b', BRANCH, elsewhere)
    await expect(create(t)).rejects.toThrow(
      `branch ${BRANCH} is checked out in ${elsewhere}; if that is a leftover, remove it (git worktree remove ${elsewhere})`
    )
  })

  test('the path taken by a worktree of another branch is refused', async () => {
    using t = setup()
    git(t.repo, 'worktree', 'add', '-q', '-b', 'other', t.path)
    await expect(create(t)).rejects.toThrow(
      `${t.path} is already a worktree (of branch other) needed for branch ${BRANCH}`
    )
  })

  test('a leftover reached through a symbolic link is still recognised', async () => {
    using t = setup()
    leftover(t)
    const link = join(t.path, '..', 'link-to-repo')
    symlinkSync(t.repo, link)
    const viaLink = new WorktreeManager(new GitCommandManager(link), memoryLogger())
    const worktree = await viaLink.create({
      branch: BRANCH,
      path: worktreePath(link, '..', 1),
      startPoint: git(t.repo, 'rev-parse', 'roadmap'),
      baseBranch: 'roadmap',
      removeOnDispose: true,
      reason: 'again'
    })
    expect(worktree.path).toBe(t.path)
  })
})

describe('listing worktrees while one is being removed', () => {
  /** git's own words when a worktree's folder vanishes under `git worktree list`. */
  class RemovedMeanwhile extends GitCommandManager {
    lists = 0
    constructor(
      cwd: string,
      private readonly failures: number,
      private readonly stderr = `fatal: Invalid path '${cwd}/.git/worktrees/repo-wt1': No such file or directory\n`
    ) {
      super(cwd)
    }
    override exec(args: readonly string[], options?: GitExecOptions) {
      if (args[0] === 'worktree' && args[1] === 'list' && this.lists++ < this.failures) {
        return Promise.reject(new GitError(args, 128, this.stderr))
      }
      return super.exec(args, options)
    }
  }

  test('is taken again: another task removing its worktree fails nothing', async () => {
    using t = setup()
    leftover(t)
    const gitm = new RemovedMeanwhile(t.repo, 2)
    const entries = await listWorktrees(gitm)
    expect(entries.map((entry) => entry.branch)).toEqual(['roadmap', BRANCH])
    expect(gitm.lists).toBe(3)
  })

  test('gives up after three more tries, with what git said', async () => {
    using t = setup()
    const gitm = new RemovedMeanwhile(t.repo, 10)
    await expect(listWorktrees(gitm)).rejects.toThrow(/Invalid path .*worktrees\/repo-wt1/)
    expect(gitm.lists).toBe(4)
  })

  test('any other failure is not retried', async () => {
    using t = setup()
    const gitm = new RemovedMeanwhile(t.repo, 10, 'fatal: not a git repository\n')
    await expect(listWorktrees(gitm)).rejects.toThrow(/not a git repository/)
    expect(gitm.lists).toBe(1)
  })
})
