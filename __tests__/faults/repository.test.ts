import { describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { git, writeFiles } from '../helpers/temp-repo.js'
import {
  exampleAgent,
  faultRepo,
  pidsIn,
  readOnlyFolder,
  runEngine,
  statuses,
  taskOf,
  until
} from './harness.js'
import { assertInvariants } from './invariants.js'

// The repository around the run is not as the run expects: locked, moved, occupied, read-only.

describe('a stale index.lock in the repository', () => {
  test('agents run; the merge into the checked-out base is refused naming the lock (not "uncommitted changes"); the work is kept', async () => {
    using repo = faultRepo([1, 2])
    const record = join(repo.work, 'record')
    const lock = join(repo.repo, '.git', 'index.lock')
    writeFileSync(lock, '')
    const { result } = await runEngine(repo, {
      priorities: '1,2',
      'agent-command': exampleAgent(`--record=${record}`)
    })
    expect(statuses(result)).toEqual({ 1: 'completed', 2: 'completed' })
    for (const task of result.tasks) {
      expect(task.merge).toBe('failed')
      expect(task.error).toContain(`whose index is locked by another git process (${lock} exists)`)
      expect(task.error).toContain(`merge ${task.branch} again`)
      expect(git(repo.repo, 'rev-list', '--count', `roadmap..${task.branch}`)).toBe('1')
    }
    expect(git(repo.repo, 'rev-parse', 'roadmap')).toBe(repo.baseBefore)
    expect(existsSync(lock)).toBe(true)
    assertInvariants({ ...repo, base: 'roadmap', result, pids: pidsIn(record) })
  })
})

describe('the base branch moved by someone else during the run', () => {
  test('their commit stays in base and every priority merges on top of it', async () => {
    using repo = faultRepo([1, 2, 3])
    const record = join(repo.work, 'record')
    const running = runEngine(repo, {
      priorities: '1,2,3',
      'agent-command': exampleAgent(`--sleep=1 --record=${record}`)
    })
    expect(await until(() => pidsIn(record).length >= 1)).toBe(true)
    writeFiles(repo.repo, { 'someone-else.txt': 'not an agent\n' })
    git(repo.repo, 'add', 'someone-else.txt')
    git(repo.repo, 'commit', '-q', '-m', 'someone else, during the run')
    const theirs = git(repo.repo, 'rev-parse', 'HEAD')
    const { result } = await running

    expect(statuses(result)).toEqual({ 1: 'completed', 2: 'completed', 3: 'completed' })
    expect(result.tasks.every((task) => task.merge === 'merged')).toBe(true)
    expect(git(repo.repo, 'show', 'roadmap:someone-else.txt')).toBe('not an agent')
    assertInvariants({
      ...repo,
      base: 'roadmap',
      result,
      pids: pidsIn(record),
      extraCommits: [theirs]
    })
  })
})

describe('a folder at a worktree path that is not ours', () => {
  test('its priority fails naming the folder; the folder is left untouched; the others merge', async () => {
    using repo = faultRepo([1, 2])
    const record = join(repo.work, 'record')
    const squatter = join(repo.path, 'repo-wt1')
    writeFiles(squatter, { 'precious.txt': 'mine\n' })
    const { result } = await runEngine(repo, {
      priorities: '1,2',
      'agent-command': exampleAgent(`--record=${record}`)
    })

    expect(statuses(result)).toEqual({ 1: 'failed', 2: 'completed' })
    expect(taskOf(result, 1).error).toContain(`${squatter} exists and is not a worktree`)
    expect(readdirSync(squatter)).toEqual(['precious.txt'])
    expect(readFileSync(join(squatter, 'precious.txt'), 'utf8')).toBe('mine\n')
    assertInvariants({
      ...repo,
      base: 'roadmap',
      result,
      pids: pidsIn(record),
      foreignFolders: [squatter]
    })
  })
})

describe('a read-only worktree-dir', () => {
  test('every priority fails saying it cannot make its worktree there; nothing is left', async () => {
    using repo = faultRepo([1, 2])
    const record = join(repo.work, 'record')
    using _readOnly = readOnlyFolder(join(repo.path, 'read-only'))
    const { result } = await runEngine(repo, {
      priorities: '1,2',
      'agent-command': exampleAgent(`--record=${record}`),
      'worktree-dir': '../read-only'
    })
    expect(statuses(result)).toEqual({ 1: 'failed', 2: 'failed' })
    for (const task of result.tasks) {
      expect(task.error).toContain(
        `could not create the worktree ${task.worktree} for ${task.branch}: fatal: could not create leading directories of '${task.worktree}/.git'`
      )
      expect(task.error).toMatch(/Operation not permitted|Permission denied/)
    }
    expect(pidsIn(record)).toEqual([])
    assertInvariants({ ...repo, base: 'roadmap', result })
  })
})
