import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { conflictCommands } from '../../src/report/resolve-commands.js'
import { shellQuote } from '../../src/report/format.js'
import { createRepo, git, writeFiles } from '../helpers/temp-repo.js'
import { task } from './fixtures.js'

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_EDITOR: 'true',
  LC_ALL: 'C'
}

/**
 * Runs the report's commands as a person would: the merge stops on the conflict (exit 1),
 * the comment line is where they edit the files, and everything else must succeed.
 */
function follow(commands: string[], cwd: string, resolve: () => void): void {
  for (const command of commands) {
    if (command.startsWith('#')) {
      resolve()
      continue
    }
    const run = spawnSync('bash', ['-c', command], { cwd, env: ENV, encoding: 'utf8' })
    if (command.startsWith('git merge --no-ff')) {
      expect(run.status).toBe(1)
      expect(run.stdout).toContain('CONFLICT')
    } else {
      expect({ command, status: run.status, stderr: run.stderr }).toEqual({
        command,
        status: 0,
        stderr: expect.any(String)
      })
    }
  }
}

/** A repository where feature/us-066 and roadmap both changed src/a.ts since they parted. */
function conflictedRepo() {
  const repo = createRepo({ 'src/a.ts': 'base\n', 'src/b.ts': 'b\n' }, { checkout: true })
  git(repo.repo, 'switch', '-q', '-c', 'feature/us-066')
  writeFiles(repo.repo, { 'src/a.ts': 'feature\n' })
  git(repo.repo, 'commit', '-qam', 'feature work')
  git(repo.repo, 'switch', '-q', 'roadmap')
  writeFiles(repo.repo, { 'src/a.ts': 'roadmap\n' })
  git(repo.repo, 'commit', '-qam', 'an earlier merge')
  git(repo.repo, 'switch', '-q', 'main')
  return repo
}

const conflicted = task(66, { merge: 'conflict', merge_commit: null, conflict_files: ['src/a.ts'] })

describe('conflictCommands', () => {
  it('resolves the conflict in the repository the run used', () => {
    using repo = conflictedRepo()
    const commands = conflictCommands(conflicted, 'roadmap', 'local')
    follow(commands, repo.repo, () => writeFiles(repo.repo, { 'src/a.ts': 'resolved\n' }))
    expect(git(repo.repo, 'branch', '--show-current')).toBe('roadmap')
    expect(git(repo.repo, 'log', '-1', '--format=%s%n%P').split('\n')).toEqual([
      'Merge PRIORITY 66 from parallel execution',
      expect.stringMatching(/^[0-9a-f]{40} [0-9a-f]{40}$/)
    ])
    expect(readFileSync(join(repo.repo, 'src/a.ts'), 'utf8')).toBe('resolved\n')
    expect(existsSync(join(repo.repo, '.git/MERGE_HEAD'))).toBe(false)
    expect(git(repo.repo, 'status', '--porcelain')).toBe('')
    expect(git(repo.repo, 'branch', '--list', 'feature/us-066')).toBe('')
  })

  it('resolves the conflict in a fresh clone when the branches were pushed', () => {
    using repo = conflictedRepo()
    const origin = join(repo.path, 'origin.git')
    const clone = join(repo.path, 'clone')
    git(repo.path, 'clone', '-q', '--bare', repo.repo, origin)
    git(repo.path, 'clone', '-q', origin, clone)
    const commands = conflictCommands(conflicted, 'roadmap', 'origin')
    expect(commands[0]).toBe('git fetch origin roadmap feature/us-066')
    follow(commands, clone, () => writeFileSync(join(clone, 'src/a.ts'), 'resolved\n'))
    expect(git(origin, 'log', '-1', '--format=%s', 'roadmap')).toBe(
      'Merge PRIORITY 66 from parallel execution'
    )
    expect(git(origin, 'show', 'roadmap:src/a.ts')).toBe('resolved')
    expect(git(origin, 'rev-parse', 'roadmap^2')).toBe(git(origin, 'rev-parse', 'feature/us-066'))
  })

  it('quotes names a shell would misread', () => {
    const odd = task(7, { branch: "feat/it's$HOME", conflict_files: ['a b.ts', 'c.ts'] })
    const commands = conflictCommands(odd, 'road;map', 'local')
    expect(commands).toContain("git switch 'road;map'")
    expect(commands).toContain("git add 'a b.ts' c.ts")
    expect(commands.join('\n')).toContain(`'feat/it'\\''s$HOME'`)
    expect(
      execFileSync('bash', ['-c', `printf %s ${shellQuote("it's $HOME `x` \\")}`], {
        encoding: 'utf8'
      })
    ).toBe("it's $HOME `x` \\")
  })
})
