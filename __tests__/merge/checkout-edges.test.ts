import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MergeEngine } from '../../src/merge/merge-engine.js'
import { createRepo, git } from '../helpers/temp-repo.js'
import { checkoutState, commitFiles, manager, memoryLogger, tipOf } from './merge-helpers.js'

const FILES = { 'README.md': '# demo\n', 'lib/x.ts': 'x\n', 'lib/y.ts': 'y\n' }

async function mergeInto(repo: string, branch: string) {
  return new MergeEngine(manager(repo), 'roadmap', memoryLogger()).merge(branch, 8)
}

describe('merging into a checked-out base: what is in the way', () => {
  it('refuses when an ignored folder sits where the merge adds a file', async () => {
    using repo = createRepo({ ...FILES, '.gitignore': 'build/\n' })
    mkdirSync(join(repo.repo, 'build'))
    writeFileSync(join(repo.repo, 'build/out.js'), 'compiled\n')
    commitFiles(repo.repo, 'f', { build: 'now a file\n' }, { from: 'roadmap' })
    const before = checkoutState(repo.repo)
    const attempt = await mergeInto(repo.repo, 'f')
    expect(attempt.outcome).toBe('failed')
    expect(attempt.error).toContain('in the way: build')
    expect(checkoutState(repo.repo)).toEqual(before)
  })

  it('refuses when an ignored file sits where the merge needs a folder', async () => {
    using repo = createRepo({ ...FILES, '.gitignore': 'cache\n' })
    writeFileSync(join(repo.repo, 'cache'), 'local cache\n')
    commitFiles(repo.repo, 'f', { 'cache/index.json': '{}\n' }, { from: 'roadmap' })
    const attempt = await mergeInto(repo.repo, 'f')
    expect(attempt.outcome).toBe('failed')
    expect(attempt.error).toContain('in the way: cache')
    expect(readFileSync(join(repo.repo, 'cache'), 'utf8')).toBe('local cache\n')
  })

  it('replaces a tracked folder by a file when nothing untracked is in it', async () => {
    using repo = createRepo(FILES)
    commitFiles(
      repo.repo,
      'f',
      { 'lib/x.ts': null, 'lib/y.ts': null, lib: 'a file now\n' },
      { from: 'roadmap' }
    )
    const attempt = await mergeInto(repo.repo, 'f')
    expect(attempt.outcome).toBe('merged')
    expect(readFileSync(join(repo.repo, 'lib'), 'utf8')).toBe('a file now\n')
    expect(git(repo.repo, 'status', '--porcelain', '--ignored')).toBe('')
  })

  it('refuses to replace a tracked folder that holds an ignored file', async () => {
    using repo = createRepo({ ...FILES, '.gitignore': '*.log\n' })
    writeFileSync(join(repo.repo, 'lib/debug.log'), 'mine\n')
    commitFiles(
      repo.repo,
      'f',
      { 'lib/x.ts': null, 'lib/y.ts': null, lib: 'a file now\n' },
      { from: 'roadmap' }
    )
    const attempt = await mergeInto(repo.repo, 'f')
    expect(attempt.outcome).toBe('failed')
    expect(readFileSync(join(repo.repo, 'lib/debug.log'), 'utf8')).toBe('mine\n')
  })

  it('refuses when a staged change would be overwritten', async () => {
    using repo = createRepo(FILES)
    writeFileSync(join(repo.repo, 'lib/x.ts'), 'staged\n')
    git(repo.repo, 'add', 'lib/x.ts')
    commitFiles(repo.repo, 'f', { 'lib/x.ts': 'agent\n' }, { from: 'roadmap' })
    const before = checkoutState(repo.repo)
    const attempt = await mergeInto(repo.repo, 'f')
    expect(attempt.outcome).toBe('failed')
    expect(attempt.error).toMatch(/uncommitted changes would be overwritten: lib\/x\.ts/)
    expect(checkoutState(repo.repo)).toEqual(before)
  })

  it('refuses while the user has a merge in progress on base, and leaves it', async () => {
    using repo = createRepo(FILES)
    commitFiles(repo.repo, 'side', { 'README.md': 'side\n' }, { from: 'roadmap' })
    git(repo.repo, 'merge', '-q', '--no-ff', '--no-commit', 'side')
    commitFiles(repo.repo, 'f', { 'lib/x.ts': 'agent\n' }, { from: 'roadmap' })
    const before = checkoutState(repo.repo)
    const attempt = await mergeInto(repo.repo, 'f')
    expect(attempt.outcome).toBe('failed')
    expect(attempt.error).toContain(
      `is checked out in your checkout ${repo.repo} with a merge in progress`
    )
    expect(checkoutState(repo.repo)).toEqual(before)
  })

  it('refuses when base is checked out in two worktrees', async () => {
    using repo = createRepo(FILES)
    git(repo.repo, 'worktree', 'add', '-q', '-f', join(repo.path, 'second'), 'roadmap')
    commitFiles(repo.repo, 'f', { 'lib/x.ts': 'agent\n' }, { from: 'roadmap' })
    const baseTip = tipOf(repo.repo, 'roadmap')
    const attempt = await mergeInto(repo.repo, 'f')
    expect(attempt.outcome).toBe('failed')
    expect(attempt.error).toMatch(/checked out in 2 worktrees/)
    expect(tipOf(repo.repo, 'roadmap')).toBe(baseTip)
  })

  it('treats a worktree whose folder is gone as no checkout', async () => {
    using repo = createRepo(FILES, { checkout: false })
    const gone = join(repo.path, 'gone')
    git(repo.repo, 'worktree', 'add', '-q', gone, 'roadmap')
    rmSync(gone, { recursive: true })
    commitFiles(repo.repo, 'f', { 'lib/x.ts': 'agent\n' }, { from: 'roadmap' })
    const attempt = await mergeInto(repo.repo, 'f')
    expect(attempt).toMatchObject({ outcome: 'merged', checkout: null })
  })
})
