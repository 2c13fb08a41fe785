import { chmodSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MergeEngine } from '../../src/merge/merge-engine.js'
import { pushResults } from '../../src/merge/push.js'
import { createRepo, git, type TempRepo } from '../helpers/temp-repo.js'
import { commitFiles, manager, memoryLogger, tipOf, unreachable } from './merge-helpers.js'

const FILES = { 'README.md': '# demo\n', 'src/a.ts': 'a\n', 'src/b.ts': 'b\n' }

/** The repository with a bare `origin` beside it, holding main and roadmap. */
function withOrigin(repo: TempRepo): { origin: string; other: string } {
  const origin = join(repo.path, 'origin.git')
  git(repo.path, 'init', '-q', '--bare', '-b', 'main', origin)
  git(repo.repo, 'remote', 'add', 'origin', origin)
  git(repo.repo, 'push', '-q', 'origin', 'main', 'roadmap')
  const other = join(repo.path, 'other')
  git(repo.path, 'clone', '-q', '-b', 'roadmap', origin, other)
  git(other, 'config', 'user.name', 'Someone')
  git(other, 'config', 'user.email', 'someone@example.com')
  return { origin, other }
}

/** Someone else pushes a commit to origin's roadmap. */
function pushFromOther(other: string, file: string, content: string): string {
  git(other, 'pull', '-q', '--ff-only', 'origin', 'roadmap')
  writeFileSync(join(other, file), content)
  git(other, 'add', file)
  git(other, 'commit', '-q', '-m', `someone else: ${file}`)
  git(other, 'push', '-q', 'origin', 'roadmap')
  return git(other, 'rev-parse', 'HEAD')
}

async function mergeAgents(repo: string): Promise<string[]> {
  const agentCommits = [
    commitFiles(repo, 'p1', { 'src/a.ts': 'one\n' }, { from: 'roadmap' }),
    commitFiles(repo, 'p2', { 'src/a.ts': 'two\n' }, { from: 'roadmap' })
  ]
  const engine = new MergeEngine(manager(repo), 'roadmap', memoryLogger())
  const attempts = await engine.mergeAll([
    { branch: 'p1', priority: 1 },
    { branch: 'p2', priority: 2 }
  ])
  expect(attempts.map((a) => a.outcome)).toEqual(['merged', 'conflict'])
  await engine.deleteMergedBranch('p1')
  return agentCommits
}

const isAncestor = (dir: string, a: string, b: string): boolean => {
  try {
    git(dir, 'merge-base', '--is-ancestor', a, b)
    return true
  } catch {
    return false
  }
}

describe('pushResults', () => {
  it('pushes base and the kept branches', async () => {
    using repo = createRepo(FILES)
    const { origin } = withOrigin(repo)
    const agentCommits = await mergeAgents(repo.repo)

    const outcome = await pushResults(manager(repo.repo), {
      baseBranch: 'roadmap',
      keptBranches: ['p2'],
      logger: memoryLogger()
    })

    expect(outcome).toMatchObject({ pushed: true, retries: 0, error: null })
    expect(tipOf(origin, 'roadmap')).toBe(tipOf(repo.repo, 'roadmap'))
    expect(tipOf(origin, 'p2')).toBe(tipOf(repo.repo, 'p2'))
    expect(unreachable(origin, agentCommits, ['roadmap', 'p2'])).toEqual([])
  })

  it('merges what someone pushed meanwhile into base and pushes again, never forcing', async () => {
    using repo = createRepo(FILES)
    const { origin, other } = withOrigin(repo)
    const agentCommits = await mergeAgents(repo.repo)
    const ours = tipOf(repo.repo, 'roadmap')!
    const theirs = pushFromOther(other, 'docs.md', 'their docs\n')

    const outcome = await pushResults(manager(repo.repo), {
      baseBranch: 'roadmap',
      keptBranches: ['p2'],
      logger: memoryLogger()
    })

    expect(outcome).toMatchObject({ pushed: true, retries: 1, error: null })
    const pushed = tipOf(origin, 'roadmap')!
    expect(git(origin, 'rev-list', '--parents', '-n', '1', pushed).split(' ').slice(1)).toEqual([
      ours,
      theirs
    ])
    expect(isAncestor(origin, theirs, pushed)).toBe(true) // a fast-forward for origin
    expect(tipOf(repo.repo, 'roadmap')).toBe(pushed)
    // The user's checkout (on roadmap) followed, clean, with their file.
    expect(git(repo.repo, 'status', '--porcelain')).toBe('')
    expect(existsSync(join(repo.repo, 'docs.md'))).toBe(true)
    expect(unreachable(origin, agentCommits, ['roadmap', 'p2'])).toEqual([])
  })

  it('retries when a push lands on origin while ours is in flight', async () => {
    using repo = createRepo(FILES)
    const { origin, other } = withOrigin(repo)
    await mergeAgents(repo.repo)
    // Origin's pre-receive hook is a moment between git reading origin's refs and updating
    // them (the run's own git runs no hook of the repository it pushes from).
    const marker = join(repo.path, 'raced')
    const hook = join(origin, 'hooks', 'pre-receive')
    writeFileSync(
      hook,
      [
        '#!/bin/sh',
        `[ -e '${marker}' ] && exit 0`,
        `touch '${marker}'`,
        'unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_QUARANTINE_PATH',
        'unset GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_PUSH_OPTION_COUNT',
        `cd '${other}' && echo late > late.txt && git add late.txt && git commit -q -m late && git push -q origin roadmap`,
        ''
      ].join('\n')
    )
    chmodSync(hook, 0o755)
    const late = () => git(other, 'rev-parse', 'HEAD')

    const outcome = await pushResults(manager(repo.repo), {
      baseBranch: 'roadmap',
      keptBranches: ['p2'],
      logger: memoryLogger()
    })

    expect(existsSync(marker)).toBe(true)
    expect(outcome).toMatchObject({ pushed: true, retries: 1 })
    expect(isAncestor(origin, late(), tipOf(origin, 'roadmap')!)).toBe(true)
    expect(tipOf(origin, 'roadmap')).toBe(tipOf(repo.repo, 'roadmap'))
  })

  it('does not push a base that conflicts with origin: reports it and saves the merges under a new name', async () => {
    using repo = createRepo(FILES)
    const { origin, other } = withOrigin(repo)
    const agentCommits = await mergeAgents(repo.repo)
    const theirs = pushFromOther(other, 'src/a.ts', 'theirs\n')
    const ours = tipOf(repo.repo, 'roadmap')!

    const outcome = await pushResults(manager(repo.repo), {
      baseBranch: 'roadmap',
      keptBranches: ['p2'],
      logger: memoryLogger()
    })

    expect(outcome.pushed).toBe(false)
    expect(outcome.error).toMatch(
      /origin\/roadmap moved during the run and conflicts .* in src\/a\.ts/
    )
    expect(tipOf(origin, 'roadmap')).toBe(theirs) // untouched, not forced
    expect(tipOf(repo.repo, 'roadmap')).toBe(ours)
    const rescue = `parallel-worktree/roadmap-${ours.slice(0, 12)}`
    expect(outcome.base.rescuedAs).toBe(rescue)
    expect(tipOf(origin, rescue)).toBe(ours)
    expect(tipOf(origin, 'p2')).toBe(tipOf(repo.repo, 'p2'))
    expect(unreachable(origin, agentCommits, [rescue, 'p2'])).toEqual([])
  })

  it('never forces a kept branch over a different one on origin', async () => {
    using repo = createRepo(FILES)
    const { origin, other } = withOrigin(repo)
    git(other, 'checkout', '-q', '-b', 'p2')
    writeFileSync(join(other, 'old.txt'), 'an older run\n')
    git(other, 'add', 'old.txt')
    git(other, 'commit', '-q', '-m', 'old p2')
    git(other, 'push', '-q', 'origin', 'p2')
    const theirs = tipOf(origin, 'p2')
    await mergeAgents(repo.repo)

    const outcome = await pushResults(manager(repo.repo), {
      baseBranch: 'roadmap',
      keptBranches: ['p2'],
      logger: memoryLogger()
    })

    expect(outcome.pushed).toBe(false)
    expect(outcome.base.pushed).toBe(true)
    expect(outcome.branches[0].pushed).toBe(false)
    expect(outcome.branches[0].error).toMatch(/rejected/)
    expect(tipOf(origin, 'p2')).toBe(theirs)
    expect(tipOf(origin, outcome.branches[0].rescuedAs!)).toBe(tipOf(repo.repo, 'p2'))
  })

  it('reports an unreachable origin without its credentials, and tries no rescue', async () => {
    using repo = createRepo(FILES)
    git(repo.repo, 'remote', 'add', 'origin', 'https://bot:s3cr3t-t0ken@127.0.0.1:9/o/r.git')
    const logger = memoryLogger()
    const outcome = await pushResults(manager(repo.repo), {
      baseBranch: 'roadmap',
      keptBranches: [],
      logger
    })
    expect(outcome.pushed).toBe(false)
    expect(outcome.base.rescuedAs).toBeNull()
    expect(outcome.error).toMatch(/roadmap: git push failed/)
    expect(JSON.stringify(outcome) + logger.lines.join('\n')).not.toContain('s3cr3t-t0ken')
  })

  it('says so when there is no origin', async () => {
    using repo = createRepo(FILES)
    const outcome = await pushResults(manager(repo.repo), {
      baseBranch: 'roadmap',
      keptBranches: [],
      logger: memoryLogger()
    })
    expect(outcome).toMatchObject({
      pushed: false,
      error: 'there is no remote named origin: nothing was pushed'
    })
  })
})
