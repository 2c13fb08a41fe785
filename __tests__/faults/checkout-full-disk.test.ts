import { afterAll, describe, expect, test } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { git, roadmapFiles, tempDir, writeFiles } from '../helpers/temp-repo.js'
import { AGENT_COMMIT, type FaultRepo, runEngine, script, statuses, taskOf } from './harness.js'

// The user's checkout of base on a disk that fills up while a merge updates it: a real full
// disk (a tmpfs of 8 MB), not a read-only folder. The update writes the many small files it
// adds until not one page is free (git removes the file it failed on, which frees nothing):
// the rollback removes what the update added first (that makes room for the index.lock its
// checkout needs), then puts back what it changed, and says what it did.

const outer = tempDir()
const disk = join(outer.path, 'disk')
mkdirSync(disk)
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', disk]).status === 0
afterAll(() => {
  if (mounted) spawnSync('umount', [disk])
  outer[Symbol.dispose]()
})

/** A repository whose checkout (and .git) is on the small disk; everything else is not. */
function repoOnDisk(): FaultRepo {
  const repo = join(disk, 'repo')
  mkdirSync(repo)
  git(repo, 'init', '-q', '-b', 'roadmap')
  git(repo, 'config', 'user.name', 'Test')
  git(repo, 'config', 'user.email', 'test@example.com')
  writeFiles(repo, { ...roadmapFiles({ 1: { files: ['a.txt'] } }), 'a.txt': 'a\n' })
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'initial')
  const work = join(outer.path, 'work')
  mkdirSync(work)
  return {
    path: outer.path,
    repo,
    work,
    baseBefore: git(repo, 'rev-parse', 'roadmap'),
    [Symbol.dispose]: () => undefined
  }
}

// Mounting needs root (CAP_SYS_ADMIN); where it is refused, there is no real full disk to test.
const onRealDisk = mounted ? test : test.skip
if (!mounted) console.warn('checkout-full-disk: skipped, as mount -t tmpfs was refused here')

describe('a checkout update that fills the disk halfway', () => {
  onRealDisk(
    'removes what it added, puts back what it changed, and says so',
    async () => {
      const repo = repoOnDisk()
      // The agent's commit: a.txt changed, 400 files of one page each added (1.6 MB). Then the
      // disk is filled up to its last megabyte: the merge's objects fit, those files do not.
      const agent = script(
        join(repo.work, 'agent.sh'),
        [
          'echo A > a.txt && mkdir many',
          'for i in $(seq 100 499); do head -c 4096 /dev/urandom > many/f-$i.bin; done',
          `git add -A && ${AGENT_COMMIT} -m "priority 1: a.txt and 400 files"`,
          `free=$(df --output=avail -B1 ${disk} | tail -1)`,
          `head -c $((free - 1048576)) /dev/zero > ${join(disk, 'filler')}`
        ].join('\n')
      )
      const { result } = await runEngine(repo, {
        priorities: '1',
        'agent-command': agent,
        'worktree-dir': join(outer.path, 'worktrees')
      })
      expect(statuses(result)).toEqual({ 1: 'completed' })
      const task = taskOf(result, 1)
      expect(task.merge).toBe('failed')
      expect(task.error).toMatch(/failed halfway \(git said: .*(No space left|unable to write)/)
      expect(task.error).toContain('were put back as they were')
      expect(task.error).toMatch(
        /the \d+ file\(s\) it had added were removed first \(many\/f-100\.bin/
      )
      expect(git(repo.repo, 'rev-parse', 'roadmap')).toBe(repo.baseBefore)
      expect(readFileSync(join(repo.repo, 'a.txt'), 'utf8')).toBe('a\n')
      expect(existsSync(join(repo.repo, 'many/f-100.bin'))).toBe(false)
      expect(existsSync(join(repo.repo, '.git', 'index.lock'))).toBe(false)
      expect(git(repo.repo, 'status', '--porcelain')).toBe('')
      expect(git(repo.repo, 'cat-file', '-s', 'feature/us-001:many/f-499.bin')).toBe('4096')
    },
    60_000
  )
})
