import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { git, writeFiles } from '../helpers/temp-repo.js'
import {
  AGENT_COMMIT,
  faultRepo,
  readOnlyFolder,
  runEngine,
  script,
  statuses,
  taskOf
} from './harness.js'
import { assertInvariants } from './invariants.js'

// The user's checkout of base cannot be written halfway through a merge's update (a folder it
// may not write stands for a full disk): what was written is put back, base does not move.

describe('a checkout update that fails halfway', () => {
  test('is rolled back to what the user had, quoting git; base does not move; the branch is kept', async () => {
    using repo = faultRepo([1])
    writeFiles(repo.repo, { 'a.txt': 'a\n', 'locked/keep.txt': 'keep\n', 'z.txt': 'z\n' })
    git(repo.repo, 'add', '-A')
    git(repo.repo, 'commit', '-q', '-m', 'files the merge will update')
    const baseBefore = git(repo.repo, 'rev-parse', 'roadmap')
    // The merge writes a.txt, then fails on locked/new.txt, with z.txt still to come.
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        'echo A > a.txt && echo new > locked/new.txt && echo Z > z.txt',
        `git add -A && ${AGENT_COMMIT} -m "priority 1: a, locked/new, z"`
      ].join('\n')
    )
    let result
    {
      using _locked = readOnlyFolder(join(repo.repo, 'locked'))
      ;({ result } = await runEngine(repo, { priorities: '1', 'agent-command': agent }))
    }
    expect(statuses(result)).toEqual({ 1: 'completed' })
    const task = taskOf(result, 1)
    expect(task.merge).toBe('failed')
    expect(task.error).toContain(
      'failed halfway (git said: error: unable to create file locked/new.txt'
    )
    expect(task.error).toContain('were put back as they were')
    expect(git(repo.repo, 'rev-parse', 'roadmap')).toBe(baseBefore)
    expect(readFileSync(join(repo.repo, 'a.txt'), 'utf8')).toBe('a\n')
    expect(readFileSync(join(repo.repo, 'z.txt'), 'utf8')).toBe('z\n')
    expect(git(repo.repo, 'status', '--porcelain')).toBe('')
    expect(git(repo.repo, 'show', 'feature/us-001:locked/new.txt')).toBe('new')
    assertInvariants({ ...repo, baseBefore, base: 'roadmap', result })
  }, 60_000)
})
