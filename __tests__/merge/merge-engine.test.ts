import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MergeEngine, mergeMessage } from '../../src/merge/merge-engine.js'
import { GitCommandManager, type GitExecOptions } from '../../src/git/git-command-manager.js'
import { createRepo, git } from '../helpers/temp-repo.js'
import {
  checkoutState,
  commitFiles,
  manager,
  memoryLogger,
  messageOf,
  parents,
  tipOf,
  unreachable
} from './merge-helpers.js'

const FILES = {
  'README.md': '# demo\n',
  'src/a.ts': 'export const a = 1\n',
  'src/b.ts': 'export const b = 1\n',
  'src/c.ts': 'export const c = 1\n'
}

describe('MergeEngine.merge', () => {
  it('makes a two-parent merge commit with the exact message, base not checked out', async () => {
    using repo = createRepo(FILES, { checkout: false })
    const before = checkoutState(repo.repo)
    const baseTip = tipOf(repo.repo, 'roadmap')!
    const tip = commitFiles(
      repo.repo,
      'feature/us-065',
      { 'src/a.ts': 'export const a = 2\n' },
      { from: 'roadmap' }
    )

    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).merge(
      'feature/us-065',
      65
    )

    expect(attempt).toMatchObject({
      outcome: 'merged',
      conflictFiles: [],
      error: null,
      retries: 0,
      checkout: null
    })
    expect(tipOf(repo.repo, 'roadmap')).toBe(attempt.commit)
    expect(parents(repo.repo, attempt.commit!)).toEqual([baseTip, tip])
    expect(messageOf(repo.repo, attempt.commit!)).toBe('Merge PRIORITY 65 from parallel execution')
    expect(git(repo.repo, 'show', `${attempt.commit}:src/a.ts`)).toBe('export const a = 2')
    expect(checkoutState(repo.repo)).toEqual(before) // main, untouched
  })

  it('merges even when base has not moved (--no-ff)', async () => {
    using repo = createRepo(FILES, { checkout: false })
    const baseTip = tipOf(repo.repo, 'roadmap')!
    const tip = commitFiles(repo.repo, 'f', { 'src/a.ts': 'x\n' }, { from: 'roadmap' })
    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).merge(
      'f',
      7
    )
    expect(parents(repo.repo, attempt.commit!)).toEqual([baseTip, tip])
    expect(mergeMessage(7)).toBe('Merge PRIORITY 7 from parallel execution')
  })

  it('on a conflict leaves base, the checkout (HEAD, index, files, status) and the branch as they were', async () => {
    using repo = createRepo(FILES) // roadmap checked out in the user's checkout
    commitFiles(repo.repo, 'roadmap', { 'src/a.ts': 'export const a = "base"\n' })
    git(repo.repo, 'reset', '-q', '--hard') // the user's checkout follows its branch
    writeFileSync(join(repo.repo, 'notes.txt'), 'untracked notes\n')
    writeFileSync(join(repo.repo, 'src/b.ts'), 'export const b = "edited, not committed"\n')
    const tip = commitFiles(
      repo.repo,
      'feature/us-066',
      { 'src/a.ts': 'export const a = "agent"\n' },
      { from: 'main' }
    )
    const baseTip = tipOf(repo.repo, 'roadmap')
    const before = checkoutState(repo.repo)
    const logger = memoryLogger()

    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', logger).merge(
      'feature/us-066',
      66
    )

    expect(attempt).toMatchObject({
      outcome: 'conflict',
      commit: null,
      conflictFiles: ['src/a.ts']
    })
    expect(attempt.conflicts[0].type).toBe('CONFLICT (contents)')
    expect(tipOf(repo.repo, 'roadmap')).toBe(baseTip)
    expect(tipOf(repo.repo, 'feature/us-066')).toBe(tip)
    expect(checkoutState(repo.repo)).toEqual(before)
    expect(existsSync(join(repo.repo, '.git', 'MERGE_HEAD'))).toBe(false)
    expect(readFileSync(join(repo.repo, 'src/a.ts'), 'utf8')).not.toContain('<<<<<<<')
    expect(logger.lines.join('\n')).toMatch(/conflicts with roadmap in src\/a\.ts.*kept/)
  })

  it('detects modify/delete and binary conflicts, which leave no markers', async () => {
    using repo = createRepo({ ...FILES, 'logo.png': '\x00\x01PNG' }, { checkout: false })
    commitFiles(repo.repo, 'roadmap', {
      'src/a.ts': null,
      'logo.png': Buffer.from([0, 1, 2, 3, 255])
    })
    commitFiles(
      repo.repo,
      'f',
      { 'src/a.ts': 'changed\n', 'logo.png': Buffer.from([0, 9, 9, 9, 254]) },
      { from: 'main' }
    )
    const baseTip = tipOf(repo.repo, 'roadmap')

    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).merge(
      'f',
      3
    )

    expect(attempt.outcome).toBe('conflict')
    expect([...attempt.conflictFiles].sort()).toEqual(['logo.png', 'src/a.ts'])
    const types = attempt.conflicts.map((c) => c.type)
    expect(types).toEqual(expect.arrayContaining(['CONFLICT (modify/delete)', 'CONFLICT (binary)']))
    expect(tipOf(repo.repo, 'roadmap')).toBe(baseTip)
    expect(tipOf(repo.repo, 'f')).not.toBeNull()
  })

  it('reports a branch already in base as merged without a new commit', async () => {
    using repo = createRepo(FILES, { checkout: false })
    git(repo.repo, 'branch', 'old', 'main')
    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).merge(
      'old',
      1
    )
    expect(attempt).toMatchObject({
      outcome: 'merged',
      alreadyMerged: true,
      commit: tipOf(repo.repo, 'roadmap')
    })
  })

  it('refuses to merge with a git older than 2.38, saying why', async () => {
    using repo = createRepo(FILES, { checkout: false })
    commitFiles(repo.repo, 'f', { 'src/a.ts': 'x\n' }, { from: 'roadmap' })
    const baseTip = tipOf(repo.repo, 'roadmap')
    class OldGit extends GitCommandManager {
      override version(): Promise<[number, number, number]> {
        return Promise.resolve([2, 37, 4])
      }
    }
    const attempt = await new MergeEngine(new OldGit(repo.repo), 'roadmap', memoryLogger()).merge(
      'f',
      1
    )
    expect(attempt.outcome).toBe('failed')
    expect(attempt.error).toMatch(/git 2\.37\.4 is too old .* 2\.38 or newer/)
    expect(tipOf(repo.repo, 'roadmap')).toBe(baseTip)
  })

  it('fails cleanly for a missing branch', async () => {
    using repo = createRepo(FILES, { checkout: false })
    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).merge(
      'nope',
      1
    )
    expect(attempt.outcome).toBe('failed')
    expect(attempt.error).toMatch(/refs\/heads\/nope does not name a commit/)
  })
})

describe('MergeEngine with base checked out', () => {
  it('brings the user checkout to the new tip with files updated and a clean status', async () => {
    using repo = createRepo(FILES)
    commitFiles(
      repo.repo,
      'feature/us-065',
      { 'src/a.ts': 'export const a = 65\n', 'src/new.ts': 'new\n' },
      { from: 'roadmap' }
    )

    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).merge(
      'feature/us-065',
      65
    )

    expect(attempt).toMatchObject({ outcome: 'merged', checkout: repo.repo })
    expect(git(repo.repo, 'rev-parse', 'HEAD')).toBe(attempt.commit)
    expect(git(repo.repo, 'symbolic-ref', 'HEAD')).toBe('refs/heads/roadmap')
    expect(git(repo.repo, 'status', '--porcelain', '--untracked-files=all')).toBe('')
    expect(readFileSync(join(repo.repo, 'src/a.ts'), 'utf8')).toBe('export const a = 65\n')
    expect(readFileSync(join(repo.repo, 'src/new.ts'), 'utf8')).toBe('new\n')
    expect(existsSync(join(repo.repo, '.git', 'MERGE_HEAD'))).toBe(false)
  })

  it('updates a linked worktree that has base checked out', async () => {
    using repo = createRepo(FILES, { checkout: false })
    const wt = join(repo.path, 'base-wt')
    git(repo.repo, 'worktree', 'add', '-q', wt, 'roadmap')
    commitFiles(repo.repo, 'f', { 'src/c.ts': 'c2\n' }, { from: 'roadmap' })

    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).merge(
      'f',
      2
    )

    expect(attempt).toMatchObject({ outcome: 'merged', checkout: wt })
    expect(git(wt, 'status', '--porcelain')).toBe('')
    expect(readFileSync(join(wt, 'src/c.ts'), 'utf8')).toBe('c2\n')
  })

  it('does not overwrite uncommitted changes: reports the checkout and the files, keeps the branch', async () => {
    using repo = createRepo(FILES)
    writeFileSync(join(repo.repo, 'src/a.ts'), 'my unsaved work\n')
    const tip = commitFiles(
      repo.repo,
      'feature/us-065',
      { 'src/a.ts': 'agent\n' },
      { from: 'roadmap' }
    )
    const baseTip = tipOf(repo.repo, 'roadmap')
    const before = checkoutState(repo.repo)

    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).merge(
      'feature/us-065',
      65
    )

    expect(attempt.outcome).toBe('failed')
    expect(attempt.error).toContain(`your checkout ${repo.repo}`)
    expect(attempt.error).toMatch(/uncommitted changes would be overwritten: src\/a\.ts/)
    expect(attempt.error).toMatch(/parallel-worktree merge --priorities 65/)
    expect(tipOf(repo.repo, 'roadmap')).toBe(baseTip)
    expect(tipOf(repo.repo, 'feature/us-065')).toBe(tip)
    expect(checkoutState(repo.repo)).toEqual(before)
  })

  it('keeps uncommitted changes to files the merge does not touch', async () => {
    using repo = createRepo(FILES)
    writeFileSync(join(repo.repo, 'src/b.ts'), 'my unsaved work\n')
    commitFiles(repo.repo, 'f', { 'src/a.ts': 'agent\n' }, { from: 'roadmap' })

    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).merge(
      'f',
      1
    )

    expect(attempt.outcome).toBe('merged')
    expect(git(repo.repo, 'rev-parse', 'HEAD')).toBe(attempt.commit)
    expect(git(repo.repo, 'status', '--porcelain')).toBe('M src/b.ts')
    expect(readFileSync(join(repo.repo, 'src/b.ts'), 'utf8')).toBe('my unsaved work\n')
    expect(readFileSync(join(repo.repo, 'src/a.ts'), 'utf8')).toBe('agent\n')
  })

  it.each([
    ['untracked', 'src/new.ts', ''],
    ['ignored', 'local.env', '*.env\n']
  ])('refuses when an %s file is in the way, and leaves it', async (_kind, path, ignore) => {
    using repo = createRepo({ ...FILES, '.gitignore': ignore })
    writeFileSync(join(repo.repo, path), 'mine\n')
    commitFiles(repo.repo, 'f', { [path]: 'agent\n' }, { from: 'roadmap' })
    const baseTip = tipOf(repo.repo, 'roadmap')
    const before = checkoutState(repo.repo)

    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).merge(
      'f',
      4
    )

    expect(attempt.outcome).toBe('failed')
    expect(attempt.error).toContain(`untracked or ignored files are in the way: ${path}`)
    expect(tipOf(repo.repo, 'roadmap')).toBe(baseTip)
    expect(readFileSync(join(repo.repo, path), 'utf8')).toBe('mine\n')
    expect(checkoutState(repo.repo)).toEqual(before)
  })

  it('refuses while base is being rebased in a worktree', async () => {
    using repo = createRepo(FILES, { checkout: false })
    commitFiles(repo.repo, 'roadmap', { 'src/a.ts': 'r\n' })
    commitFiles(repo.repo, 'main', { 'src/a.ts': 'm\n' })
    const wt = join(repo.path, 'rebasing')
    git(repo.repo, 'worktree', 'add', '-q', wt, 'roadmap')
    expect(() => git(wt, 'rebase', 'main')).toThrow() // stops on the conflict
    const baseTip = tipOf(repo.repo, 'roadmap')
    commitFiles(repo.repo, 'f', { 'src/c.ts': 'c\n' }, { from: 'roadmap' })

    const attempt = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).merge(
      'f',
      5
    )

    expect(attempt.outcome).toBe('failed')
    expect(attempt.error).toContain(`roadmap is being rebased in the worktree ${wt}`)
    expect(tipOf(repo.repo, 'roadmap')).toBe(baseTip)
  })
})

/** The real git, with another writer moving base just before our first write. */
class RacingGit extends GitCommandManager {
  raced = 0
  constructor(
    cwd: string,
    private readonly when: (args: readonly string[]) => boolean,
    private readonly race: () => void
  ) {
    super(cwd)
  }
  override exec(args: readonly string[], options?: GitExecOptions) {
    if (this.raced === 0 && this.when(args)) {
      this.raced++
      this.race()
    }
    return super.exec(args, options)
  }
}

describe('MergeEngine when base moves under a merge', () => {
  it('redoes the merge on the new tip when update-ref loses the compare-and-swap', async () => {
    using repo = createRepo(FILES, { checkout: false })
    const tip = commitFiles(repo.repo, 'f', { 'src/a.ts': 'agent\n' }, { from: 'roadmap' })
    let other = ''
    const racing = new RacingGit(
      repo.repo,
      (args) => args.includes('update-ref') && args.includes('refs/heads/roadmap'),
      () => (other = commitFiles(repo.repo, 'roadmap', { 'src/b.ts': 'someone else\n' }))
    )

    const attempt = await new MergeEngine(racing, 'roadmap', memoryLogger()).merge('f', 9)

    expect(racing.raced).toBe(1)
    expect(attempt).toMatchObject({ outcome: 'merged', retries: 1 })
    expect(parents(repo.repo, attempt.commit!)).toEqual([other, tip])
    expect(tipOf(repo.repo, 'roadmap')).toBe(attempt.commit)
  })

  it('puts the files back and redoes the merge when the user commits in the checkout meanwhile', async () => {
    using repo = createRepo(FILES)
    const tip = commitFiles(repo.repo, 'f', { 'src/a.ts': 'agent\n' }, { from: 'roadmap' })
    const racing = new RacingGit(
      repo.repo,
      (args) => args.includes('read-tree'),
      () => {
        writeFileSync(join(repo.repo, 'src/b.ts'), 'user commit\n')
        git(repo.repo, 'commit', '-q', '-am', 'user work')
      }
    )

    const attempt = await new MergeEngine(racing, 'roadmap', memoryLogger()).merge('f', 9)

    const userCommit = git(repo.repo, 'rev-parse', 'HEAD^1')
    expect(attempt).toMatchObject({ outcome: 'merged', retries: 1 })
    expect(parents(repo.repo, attempt.commit!)).toEqual([userCommit, tip])
    expect(messageOf(repo.repo, userCommit)).toBe('user work')
    expect(git(repo.repo, 'status', '--porcelain')).toBe('')
    expect(readFileSync(join(repo.repo, 'src/a.ts'), 'utf8')).toBe('agent\n')
  })

  it('gives up after one retry, leaving base at what the other writer put there', async () => {
    using repo = createRepo(FILES, { checkout: false })
    commitFiles(repo.repo, 'f', { 'src/a.ts': 'agent\n' }, { from: 'roadmap' })
    let n = 0
    class AlwaysRacing extends GitCommandManager {
      override exec(args: readonly string[], options?: GitExecOptions) {
        if (args.includes('update-ref') && args.includes('refs/heads/roadmap')) {
          commitFiles(repo.repo, 'roadmap', { [`other-${n++}.txt`]: 'x\n' })
        }
        return super.exec(args, options)
      }
    }
    const attempt = await new MergeEngine(
      new AlwaysRacing(repo.repo),
      'roadmap',
      memoryLogger()
    ).merge('f', 9)
    expect(attempt).toMatchObject({ outcome: 'failed', retries: 1 })
    expect(attempt.error).toMatch(/roadmap moved/)
    expect(messageOf(repo.repo, 'roadmap')).toBe('work on roadmap')
    expect(tipOf(repo.repo, 'f')).not.toBeNull()
  })
})

describe('MergeEngine.mergeAll', () => {
  it('merges in the order given; conflicts keep their branches; no agent commit is lost', async () => {
    using repo = createRepo(FILES)
    const agentCommits: string[] = []
    agentCommits.push(commitFiles(repo.repo, 'p1', { 'src/a.ts': 'one\n' }, { from: 'roadmap' }))
    agentCommits.push(commitFiles(repo.repo, 'p1', { 'src/a1.ts': 'one more\n' }))
    agentCommits.push(commitFiles(repo.repo, 'p2', { 'src/a.ts': 'two\n' }, { from: 'roadmap' }))
    agentCommits.push(commitFiles(repo.repo, 'p3', { 'src/c.ts': 'three\n' }, { from: 'roadmap' }))
    const engine = new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger())

    const attempts = await engine.mergeAll([
      { branch: 'p1', priority: 1 },
      { branch: 'p2', priority: 2 },
      { branch: 'p3', priority: 3 }
    ])

    expect(attempts.map((a) => [a.branch, a.outcome])).toEqual([
      ['p1', 'merged'],
      ['p2', 'conflict'],
      ['p3', 'merged']
    ])
    const firstParents = git(
      repo.repo,
      'log',
      '--first-parent',
      '--format=%s',
      '-2',
      'roadmap'
    ).split('\n')
    expect(firstParents).toEqual([mergeMessage(3), mergeMessage(1)])
    expect(await engine.deleteMergedBranch('p1')).toBe(true)
    expect(await engine.deleteMergedBranch('p2')).toBe(false) // not in base: kept
    expect(await engine.deleteMergedBranch('p3')).toBe(true)
    expect(unreachable(repo.repo, agentCommits, ['roadmap', 'p2'])).toEqual([])
    expect(git(repo.repo, 'status', '--porcelain')).toBe('')
    expect(git(repo.repo, 'rev-parse', 'HEAD')).toBe(tipOf(repo.repo, 'roadmap'))
  })

  it('applies a batch at once: the checkout goes from the old tip to the last merge in one step', async () => {
    using repo = createRepo(FILES)
    for (const n of [1, 2, 3])
      commitFiles(repo.repo, `p${n}`, { [`f${n}.txt`]: `${n}\n` }, { from: 'roadmap' })
    const before = tipOf(repo.repo, 'roadmap')!
    const logger = memoryLogger()

    const attempts = await new MergeEngine(manager(repo.repo), 'roadmap', logger).mergeAll(
      [1, 2, 3].map((n) => ({ branch: `p${n}`, priority: n }))
    )

    expect(attempts.map((a) => [a.outcome, a.checkout])).toEqual([
      ['merged', repo.repo],
      ['merged', repo.repo],
      ['merged', repo.repo]
    ])
    // Each merge on the one before it, in order; one move of the branch (one reflog entry).
    expect(git(repo.repo, 'rev-list', '--first-parent', `${before}..roadmap`).split('\n')).toEqual([
      attempts[2].commit,
      attempts[1].commit,
      attempts[0].commit
    ])
    expect(git(repo.repo, 'reflog', '--format=%gs', '-1', 'roadmap')).toBe(
      'Merge PRIORITY 1, 2, 3 from parallel execution'
    )
    expect(git(repo.repo, 'rev-parse', 'HEAD')).toBe(attempts[2].commit)
    expect(git(repo.repo, 'status', '--porcelain')).toBe('')
    expect(logger.lines.filter((line) => line.startsWith('info: Merged'))).toHaveLength(3)
  })

  it('keeps a commit put on base while a batch was being made: merges again, one at a time', async () => {
    using repo = createRepo(FILES, { checkout: false })
    for (const n of [1, 2, 3])
      commitFiles(repo.repo, `p${n}`, { [`f${n}.txt`]: `${n}\n` }, { from: 'roadmap' })
    let outside: string | null = null
    class MovedMeanwhile extends GitCommandManager {
      override exec(args: readonly string[], options?: GitExecOptions) {
        // Someone moves base while the merges are made in the object store.
        if (!outside && args[0] === 'commit-tree') {
          outside = commitFiles(repo.repo, 'roadmap', { 'outside.txt': 'not ours\n' })
        }
        return super.exec(args, options)
      }
    }
    const logger = memoryLogger()
    const engine = new MergeEngine(new MovedMeanwhile(repo.repo), 'roadmap', logger)

    const attempts = await engine.mergeAll([1, 2, 3].map((n) => ({ branch: `p${n}`, priority: n })))

    expect(attempts.map((a) => a.outcome)).toEqual(['merged', 'merged', 'merged'])
    expect(logger.lines.join('\n')).toMatch(/Merging the 3 branches one at a time/)
    expect(parents(repo.repo, attempts[0].commit!)[0]).toBe(outside)
    expect(git(repo.repo, 'show', 'roadmap:outside.txt')).toBe('not ours')
    for (const n of [1, 2, 3]) expect(git(repo.repo, 'show', `roadmap:f${n}.txt`)).toBe(`${n}`)
  })

  it('falls back to one at a time when the checkout refuses the batch: only the merge it blocks fails', async () => {
    using repo = createRepo(FILES)
    writeFileSync(join(repo.repo, 'src/b.ts'), 'my unsaved work\n')
    commitFiles(repo.repo, 'p1', { 'src/a.ts': 'one\n' }, { from: 'roadmap' })
    commitFiles(repo.repo, 'p2', { 'src/b.ts': 'two\n' }, { from: 'roadmap' })
    commitFiles(repo.repo, 'p3', { 'src/c.ts': 'three\n' }, { from: 'roadmap' })

    const attempts = await new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger()).mergeAll(
      [1, 2, 3].map((n) => ({ branch: `p${n}`, priority: n }))
    )

    expect(attempts.map((a) => a.outcome)).toEqual(['merged', 'failed', 'merged'])
    expect(attempts[1].error).toMatch(/uncommitted changes would be overwritten: src\/b\.ts/)
    expect(readFileSync(join(repo.repo, 'src/b.ts'), 'utf8')).toBe('my unsaved work\n')
    expect(readFileSync(join(repo.repo, 'src/c.ts'), 'utf8')).toBe('three\n')
    expect(tipOf(repo.repo, 'p2')).not.toBeNull()
  })

  it('merges the rest of a batch when one branch of it is missing, naming that one', async () => {
    using repo = createRepo(FILES, { checkout: false })
    for (const n of [1, 3])
      commitFiles(repo.repo, `p${n}`, { [`f${n}.txt`]: `${n}\n` }, { from: 'roadmap' })
    const engine = new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger())

    const attempts = await engine.mergeAll([1, 2, 3].map((n) => ({ branch: `p${n}`, priority: n })))

    expect(attempts.map((a) => a.outcome)).toEqual(['merged', 'failed', 'merged'])
    expect(attempts[1].error).toMatch(/refs\/heads\/p2 does not name a commit/)
    expect(git(repo.repo, 'rev-list', '--count', '--first-parent', 'main..roadmap')).toBe('2')
  })

  it('serialises concurrent merge calls on the tips they leave', async () => {
    using repo = createRepo(FILES, { checkout: false })
    for (const n of [1, 2, 3, 4])
      commitFiles(repo.repo, `p${n}`, { [`f${n}.txt`]: `${n}\n` }, { from: 'roadmap' })
    const engine = new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger())
    const attempts = await Promise.all([1, 2, 3, 4].map((n) => engine.merge(`p${n}`, n)))
    expect(attempts.every((a) => a.outcome === 'merged' && a.retries === 0)).toBe(true)
    expect(git(repo.repo, 'rev-list', '--count', '--first-parent', 'main..roadmap')).toBe('4')
  })

  it('merges calls that waited on a merge in progress together, as one chain', async () => {
    using repo = createRepo(FILES, { checkout: false })
    for (const n of [1, 2, 3])
      commitFiles(repo.repo, `p${n}`, { [`f${n}.txt`]: `${n}\n` }, { from: 'roadmap' })
    const engine = new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger())
    const first = engine.merge('p1', 1)
    await new Promise((resolve) => setImmediate(resolve)) // p1's merge has begun
    // Asked while p1's merge is under way: they wait for it, then go in at once.
    const rest = await Promise.all([engine.merge('p2', 2), engine.merge('p3', 3)])
    const attempts = [await first, ...rest]

    expect(attempts.map((a) => a.outcome)).toEqual(['merged', 'merged', 'merged'])
    expect(git(repo.repo, 'reflog', '--format=%gs', 'roadmap').split('\n').slice(0, 2)).toEqual([
      'Merge PRIORITY 2, 3 from parallel execution',
      mergeMessage(1)
    ])
    expect(parents(repo.repo, attempts[1].commit!)[0]).toBe(attempts[0].commit)
  })

  it('does not delete a merged branch that a worktree has checked out', async () => {
    using repo = createRepo(FILES, { checkout: false })
    commitFiles(repo.repo, 'p1', { 'x.txt': 'x\n' }, { from: 'roadmap' })
    git(repo.repo, 'worktree', 'add', '-q', join(repo.path, 'wt1'), 'p1')
    const engine = new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger())
    expect((await engine.merge('p1', 1)).outcome).toBe('merged')
    expect(await engine.deleteMergedBranch('p1')).toBe(false)
    expect(tipOf(repo.repo, 'p1')).not.toBeNull()
  })
})
