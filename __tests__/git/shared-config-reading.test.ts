// The run's git reads a folder's config (`git config --list`) before its first call there, to
// switch off every command the repository's config names. Every worktree of a repository
// reads the same config unless it has a config.worktree of its own or a conditional include
// picks it: then the first worktree's reading serves the others without a git process. These
// tests count the reads through a `git` first on PATH and check that a worktree whose config
// differs is still read, and its commands still switched off.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { createRepo, git } from '../helpers/temp-repo.js'

function countingGit(dir: string): { env: NodeJS.ProcessEnv; reads: () => string[] } {
  const bin = join(dir, 'bin')
  mkdirSync(bin, { recursive: true })
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
  const calls = join(dir, 'calls')
  writeFileSync(calls, '')
  writeFileSync(
    join(bin, 'git'),
    `#!/bin/sh\n[ "$1 $2" = "config --list" ] && printf '%s\\n' "$PWD" >> '${calls}'\nexec '${real}' "$@"\n`
  )
  chmodSync(join(bin, 'git'), 0o755)
  return {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    reads: () => readFileSync(calls, 'utf8').split('\n').filter(Boolean)
  }
}

/** A hook that leaves a file behind when git runs it. */
function hookFolder(dir: string, name: string): { folder: string; ran: string } {
  const folder = join(dir, name)
  const ran = join(dir, `${name}-ran`)
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, 'pre-commit'), `#!/bin/sh\ntouch '${ran}'\n`)
  chmodSync(join(folder, 'pre-commit'), 0o755)
  return { folder, ran }
}

function commitIn(manager: GitCommandManager, cwd: string, file: string): Promise<unknown> {
  writeFileSync(join(cwd, file), `${file}\n`)
  return manager
    .at(cwd)
    .run(['add', file])
    .then(() => manager.at(cwd).run(['commit', '-q', '-m', file]))
}

describe('the config of a worktree', () => {
  it('is read once for every worktree that reads the same config', async () => {
    using repo = createRepo()
    for (const n of [1, 2, 3]) git(repo.repo, 'worktree', 'add', '-q', join(repo.path, `wt${n}`))
    const counted = countingGit(repo.path)
    const manager = new GitCommandManager(repo.repo, counted.env)
    await manager.run(['status', '--porcelain'])
    const afterRoot = counted.reads().length
    for (const n of [1, 2, 3]) await manager.at(join(repo.path, `wt${n}`)).run(['status'])
    expect(counted.reads()).toHaveLength(afterRoot)
  })

  it('is read again, and its hooks folder switched off, when it has a config.worktree of its own', async () => {
    using repo = createRepo()
    git(repo.repo, 'config', 'extensions.worktreeConfig', 'true')
    const plain = join(repo.path, 'plain')
    const own = join(repo.path, 'own')
    git(repo.repo, 'worktree', 'add', '-q', plain)
    git(repo.repo, 'worktree', 'add', '-q', own)
    const hooks = hookFolder(repo.path, 'hooks')
    git(own, 'config', '--worktree', 'core.hooksPath', hooks.folder)
    const counted = countingGit(repo.path)
    const manager = new GitCommandManager(repo.repo, counted.env)
    await manager.run(['status', '--porcelain'])
    await manager.at(plain).run(['status'])
    const before = counted.reads().length
    await commitIn(manager, own, 'own.txt')
    expect(counted.reads().slice(before)).toEqual([own])
    expect(existsSync(hooks.ran)).toBe(false)
  })

  it('is read again, and its hooks folder switched off, when a conditional include picks it', async () => {
    using repo = createRepo()
    const plain = join(repo.path, 'plain')
    const picked = join(repo.path, 'picked')
    git(repo.repo, 'worktree', 'add', '-q', plain)
    git(repo.repo, 'worktree', 'add', '-q', picked)
    const hooks = hookFolder(repo.path, 'hooks')
    const included = join(repo.path, 'picked.gitconfig')
    writeFileSync(included, `[core]\n\thooksPath = ${hooks.folder}\n`)
    git(repo.repo, 'config', `includeIf.gitdir:${repo.repo}/.git/worktrees/picked/.path`, included)
    const counted = countingGit(repo.path)
    const manager = new GitCommandManager(repo.repo, counted.env)
    await manager.run(['status', '--porcelain'])
    await manager.at(plain).run(['status'])
    const before = counted.reads().length
    await commitIn(manager, picked, 'picked.txt')
    expect(counted.reads().slice(before)).toEqual([picked])
    expect(existsSync(hooks.ran)).toBe(false)
  })

  it('is read again when the shared config changed since the reading it would take', async () => {
    using repo = createRepo()
    const first = join(repo.path, 'first')
    const later = join(repo.path, 'later')
    git(repo.repo, 'worktree', 'add', '-q', first)
    git(repo.repo, 'worktree', 'add', '-q', later)
    const counted = countingGit(repo.path)
    const manager = new GitCommandManager(repo.repo, counted.env)
    await manager.run(['status', '--porcelain'])
    await manager.at(first).run(['status'])
    // An agent points the shared config at a hooks folder of its own.
    const hooks = hookFolder(repo.path, 'agent-hooks')
    git(first, 'config', 'core.hooksPath', hooks.folder)
    const before = counted.reads().length
    await commitIn(manager, later, 'later.txt')
    expect(counted.reads().slice(before)).toContain(later)
    expect(existsSync(hooks.ran)).toBe(false)
  })
})
