import { describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { recordMadeBranch } from '../../src/git/kept-refs.js'
import { WorktreeManager } from '../../src/run/worktree-manager.js'
import { git, tempDir } from '../helpers/temp-repo.js'
import {
  AGENT_COMMIT,
  exampleAgent,
  exampleAgentLine,
  faultRepo,
  memoryLogger,
  runEngine,
  runScriptedAgents,
  statuses,
  taskOf
} from './harness.js'
import { assertInvariants, recordCommits } from './invariants.js'

// A worktree git cannot read when its agent ends (a corrupt index, a stale index.lock): what
// it holds is unknown, so it is kept with every file in it, its branch too, and the task's
// error names the worktree and the cause. A later run is not stuck on it for ever.

const WORK = 'echo "uncommitted work" > work.txt'
const CORRUPT_INDEX = 'printf "not an index" > "$(git rev-parse --git-path index)"'
const STALE_LOCK = ': > "$(git rev-parse --git-path index.lock)"'

describe('a worktree whose index the agent corrupted', () => {
  test('is kept with its uncommitted files, its branch kept, its commits counted; the error names it and the cause', async () => {
    using repo = faultRepo([1, 2])
    const { result, pids } = await runScriptedAgents(
      repo,
      [
        'if [ "$PRIORITY_ID" = 1 ]; then',
        `  echo first > first.txt && git add -A && ${AGENT_COMMIT} -m "priority 1: first part"`,
        `  ${WORK} && ${CORRUPT_INDEX}`,
        '  exit 0',
        'fi',
        exampleAgentLine()
      ],
      { priorities: '1,2' }
    )

    const task = taskOf(result, 1)
    expect(statuses(result)).toEqual({ 1: 'failed', 2: 'completed' })
    expect(taskOf(result, 2).merge).toBe('merged')
    expect(task.error).toContain(task.worktree)
    expect(task.error).toMatch(/index file/)
    expect(task.commits).toBe(1)
    expect(readFileSync(join(task.worktree, 'work.txt'), 'utf8')).toBe('uncommitted work\n')
    expect(git(repo.repo, 'log', '-1', '--format=%s', task.branch)).toBe('priority 1: first part')
    assertInvariants({ ...repo, base: 'roadmap', result, pids })
  }, 60_000)

  test('with no commit on its branch: the branch is not deleted, nor the worktree and its files', async () => {
    using repo = faultRepo([1])
    const { result, pids } = await runScriptedAgents(repo, [`${WORK} && ${CORRUPT_INDEX}`], {
      priorities: '1'
    })

    const task = taskOf(result, 1)
    expect(task.status).toBe('failed')
    expect(task.error).toContain(task.worktree)
    expect(task.error).toMatch(/index file/)
    expect(task.commits).toBe(0)
    expect(git(repo.repo, 'branch', '--list', task.branch)).not.toBe('')
    expect(readFileSync(join(task.worktree, 'work.txt'), 'utf8')).toBe('uncommitted work\n')
    assertInvariants({ ...repo, base: 'roadmap', result, pids })
  }, 60_000)
})

describe('a stale index.lock', () => {
  test('left by the agent: the worktree and its files are kept, and the error names the lock and how to clear it; the next run says so again', async () => {
    using repo = faultRepo([1])
    const { result, pids } = await runScriptedAgents(repo, [`${WORK} && ${STALE_LOCK}`], {
      priorities: '1'
    })

    const task = taskOf(result, 1)
    const lock = git(
      task.worktree,
      'rev-parse',
      '--path-format=absolute',
      '--git-path',
      'index.lock'
    )
    expect(task.status).toBe('failed')
    expect(task.error).toContain(task.worktree)
    expect(task.error).toContain(`rm ${lock}`)
    expect(readFileSync(join(task.worktree, 'work.txt'), 'utf8')).toBe('uncommitted work\n')
    expect(git(repo.repo, 'branch', '--list', task.branch)).not.toBe('')
    assertInvariants({ ...repo, base: 'roadmap', result, pids })

    // The next run names the lock and the way out rather than a bare "uncommitted changes".
    const again = await runEngine(repo, { priorities: '1', 'agent-command': exampleAgent() })
    expect(taskOf(again.result, 1).error).toContain(`rm ${lock}`)
    expect(existsSync(join(task.worktree, 'work.txt'))).toBe(true)
  }, 60_000)

  test('in the worktree of a run that was killed: its work is saved through a scratch index, and the priority resumes and merges', async () => {
    using repo = faultRepo([1])
    // A worktree as a run makes it, whose coordinator was killed while its agent was in the
    // middle of a commit (index.lock left).
    const gitManager = new GitCommandManager(repo.repo)
    const manager = new WorktreeManager(gitManager, memoryLogger())
    const worktree = await manager.create({
      branch: 'feature/us-001',
      path: join(repo.path, 'repo-wt1'),
      startPoint: repo.baseBefore,
      baseBranch: 'roadmap',
      removeOnDispose: true,
      reason: 'priority 1 in progress'
    })
    // The run records the branch it made (only such a branch is resumed).
    await recordMadeBranch(gitManager, 'feature/us-001', repo.baseBefore)
    writeFileSync(join(worktree.path, 'work.txt'), 'uncommitted work\n')
    const lock = git(
      worktree.path,
      'rev-parse',
      '--path-format=absolute',
      '--git-path',
      'index.lock'
    )
    writeFileSync(lock, '')

    const { result, logger } = await runEngine(repo, {
      priorities: '1',
      'agent-command': exampleAgent(),
      'worktree-dir': '..'
    })

    expect({ status: taskOf(result, 1).status, merge: taskOf(result, 1).merge }).toEqual({
      status: 'completed',
      merge: 'merged'
    })
    expect(git(repo.repo, 'show', 'roadmap:work.txt')).toBe('uncommitted work')
    expect(logger.text()).toContain('through a scratch index')
    expect(existsSync(worktree.path)).toBe(false)
    rmSync(lock, { force: true })
    assertInvariants({ ...repo, base: 'roadmap', result })
  }, 60_000)
})

/**
 * A small tmpfs at a new folder, where a full disk can be made; null where this machine
 * cannot mount one (not root). Disposing unmounts it.
 */
function smallDisk(megabytes: number): (Disposable & { path: string }) | null {
  const path = mkdtempSync(join(tmpdir(), 'pw-full-disk-'))
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', path])
  if (mounted.status !== 0) {
    rmSync(path, { recursive: true, force: true })
    return null
  }
  return {
    path,
    [Symbol.dispose]: () => {
      spawnSync('umount', ['-l', path])
      rmSync(path, { recursive: true, force: true })
    }
  }
}

describe('a full disk when the agent ends', () => {
  const root = process.getuid?.() === 0
  ;(root ? test : test.skip)(
    'the worktree and its files are kept, its branch too; the error names the worktree and the cause',
    async () => {
      using made = faultRepo([1])
      using disk = smallDisk(8)
      if (!disk) throw new Error('cannot mount a tmpfs here')
      // The repository moved onto the small disk, its worktrees beside it there.
      spawnSync('cp', ['-a', `${made.path}/.`, disk.path])
      const repo = {
        ...made,
        path: disk.path,
        repo: join(disk.path, 'repo'),
        work: join(disk.path, 'work')
      }
      recordCommits(repo.repo)
      using logs = tempDir()
      const { result, pids } = await runScriptedAgents(
        repo,
        [WORK, 'dd if=/dev/urandom of=fill.bin bs=64k count=1000 2>/dev/null', 'exit 0'],
        { priorities: '1', 'log-dir': logs.path }
      )

      const task = taskOf(result, 1)
      expect(task.worktree.startsWith(disk.path)).toBe(true)
      expect(task.status).toBe('failed')
      expect(task.error).toContain(task.worktree)
      expect(task.error).toMatch(/No space left on device|Out of diskspace/i)
      expect(readFileSync(join(task.worktree, 'work.txt'), 'utf8')).toBe('uncommitted work\n')
      expect(git(repo.repo, 'branch', '--list', task.branch)).not.toBe('')
      assertInvariants({ ...repo, base: 'roadmap', result, pids })
    },
    60_000
  )
})
