import { spawn } from 'node:child_process'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cleanupLeftovers, ownedGroup } from '../../src/run/leftover-cleanup.js'
import { createRepo, git, type TempRepo } from '../helpers/temp-repo.js'
import { isAlive, leftRunWorktree, memoryLogger, pidsIn, until } from './run-helpers.js'

/** A worktree as the run makes it: locked, on its own branch. */
function worktree(
  t: TempRepo,
  priority: number
): { path: string; branch: string; priority: number } {
  const path = join(t.path, `repo-wt${priority}`)
  const branch = `feature/us-00${priority}`
  leftRunWorktree(t.repo, path, branch, 'p')
  return { path, branch, priority }
}

/** A detached process tree working in `cwd` (as an agent: its own group), which ignores TERM. */
function agentTree(cwd: string, pidFile: string): number {
  const child = spawn('bash', ['-c', `trap "" TERM; sleep 30 & echo $! >> ${pidFile}; wait`], {
    cwd,
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH, WORKTREE_PATH: cwd }
  })
  child.unref()
  return child.pid!
}

describe('cleanup after a run that did not finish', () => {
  test('stops the recorded trees, saves uncommitted work, removes worktrees, keeps branches with commits', async () => {
    using t = createRepo()
    const one = worktree(t, 1)
    const two = worktree(t, 2)
    const three = worktree(t, 3)
    writeFileSync(join(one.path, 'work.txt'), 'unsaved\n')
    git(two.path, 'commit', '--allow-empty', '-q', '-m', 'committed work')
    const pidFile = join(t.path, 'pids')
    const leader = agentTree(one.path, pidFile)
    expect(await until(() => pidsIn(pidFile).length === 1)).toBe(true)
    const logger = memoryLogger()

    await cleanupLeftovers(
      { repo: t.repo, worktrees: [one, two, three], pids: [leader], baseBranch: 'roadmap' },
      logger,
      200
    )

    expect(isAlive(leader)).toBe(false)
    expect(isAlive(pidsIn(pidFile)[0])).toBe(false)
    for (const w of [one, two, three]) expect(existsSync(w.path)).toBe(false)
    expect(git(t.repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    expect(git(t.repo, 'show', `${one.branch}:work.txt`)).toBe('unsaved')
    expect(git(t.repo, 'log', '-1', '--format=%s', one.branch)).toBe(
      'WIP PRIORITY 1: uncommitted changes saved after the run was stopped'
    )
    expect(git(t.repo, 'log', '-1', '--format=%s', two.branch)).toBe('committed work')
    // The third branch held nothing of its own: it goes.
    expect(git(t.repo, 'branch', '--list', three.branch)).toBe('')
    expect(logger.text()).toContain('Stopping 1 agent process tree(s) of the run')
  })

  test('a commit the agent reset away before the run was killed is kept when its branch and worktree go', async () => {
    using t = createRepo()
    const one = worktree(t, 1)
    const detached = worktree(t, 2)
    git(one.path, 'commit', '--allow-empty', '-q', '-m', 'work reset away')
    const dropped = git(one.path, 'rev-parse', 'HEAD')
    git(one.path, 'reset', '-q', '--hard', 'HEAD~1')
    // A commit on a detached HEAD, left by going back to the branch: only HEAD's reflog has it.
    git(detached.path, 'checkout', '-q', '--detach')
    git(detached.path, 'commit', '--allow-empty', '-q', '-m', 'detached work')
    const detachedWork = git(detached.path, 'rev-parse', 'HEAD')
    git(detached.path, 'checkout', '-q', detached.branch)
    // A worktree deleted by its agent: only the branch's reflog is left to reach the commit.
    const gone = worktree(t, 3)
    git(gone.path, 'commit', '--allow-empty', '-q', '-m', 'work of a deleted worktree')
    const goneWork = git(gone.path, 'rev-parse', 'HEAD')
    git(gone.path, 'reset', '-q', '--hard', 'HEAD~1')
    rmSync(gone.path, { recursive: true, force: true })
    const logger = memoryLogger()

    await cleanupLeftovers(
      { repo: t.repo, worktrees: [one, detached, gone], pids: [], baseBranch: 'roadmap' },
      logger,
      200
    )

    expect(git(t.repo, 'branch', '--list', one.branch, detached.branch, gone.branch)).toBe('')
    const kept = git(
      t.repo,
      'for-each-ref',
      '--format=%(objectname)',
      'refs/parallel-worktree/dropped/'
    )
    expect(kept.split('\n').sort()).toEqual([dropped, detachedWork, goneWork].sort())
    expect(git(t.repo, 'rev-list', dropped, detachedWork, goneWork, '--not', '--all')).toBe('')
    expect(logger.text()).toContain(`only the reflog of ${gone.branch} still reached are kept at`)
    expect(logger.text()).toContain(
      `only the HEAD reflog of the worktree ${one.path} still reached are kept at`
    )
  })

  test('with auto-commit off, a worktree holding uncommitted changes is kept', async () => {
    using t = createRepo()
    const one = worktree(t, 1)
    writeFileSync(join(one.path, 'work.txt'), 'unsaved\n')
    const logger = memoryLogger()
    await cleanupLeftovers({ repo: t.repo, worktrees: [one], pids: [], autoCommit: false }, logger)
    expect(existsSync(join(one.path, 'work.txt'))).toBe(true)
    expect(logger.lines).toContain(
      `warning: Kept the worktree ${one.path}: it holds uncommitted changes and auto-commit is off`
    )
  })

  test('a worktree whose folder is already gone is unregistered', async () => {
    using t = createRepo()
    const one = worktree(t, 1)
    git(t.repo, 'worktree', 'unlock', one.path)
    git(one.path, 'commit', '--allow-empty', '-q', '-m', 'kept')
    rmSync(one.path, { recursive: true, force: true })
    await cleanupLeftovers({ repo: t.repo, worktrees: [one], pids: [] }, memoryLogger())
    expect(git(t.repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    expect(git(t.repo, 'log', '-1', '--format=%s', one.branch)).toBe('kept')
  })

  test('pids that are not the run’s are never signalled: init, ourselves, a stranger', async () => {
    using t = createRepo()
    const one = worktree(t, 1)
    const pidFile = join(t.path, 'pids')
    const stranger = agentTree(t.path, pidFile) // works outside every worktree of the run
    expect(await until(() => pidsIn(pidFile).length === 1)).toBe(true)
    expect(ownedGroup(stranger, [one.path])).toBe(false)
    expect(ownedGroup(1, [one.path])).toBe(false)
    expect(ownedGroup(process.pid, [one.path])).toBe(false)

    await cleanupLeftovers(
      { repo: t.repo, worktrees: [one], pids: [1, process.pid, stranger, -5, 0] },
      memoryLogger(),
      100
    )
    expect(isAlive(stranger)).toBe(true)
    process.kill(-stranger, 'SIGKILL')
  })

  test('a recorded path that is no worktree of the repository is left alone', async () => {
    using t = createRepo()
    const folder = join(t.path, 'repo-wt9')
    git(t.path, 'init', '-q', folder)
    writeFileSync(join(folder, 'mine.txt'), 'x\n')
    await cleanupLeftovers(
      {
        repo: t.repo,
        worktrees: [{ path: folder, branch: 'feature/us-009', priority: 9 }],
        pids: []
      },
      memoryLogger()
    )
    expect(existsSync(join(folder, 'mine.txt'))).toBe(true)
  })
})
