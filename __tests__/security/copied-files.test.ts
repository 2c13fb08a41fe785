import { describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { cliEnv, faultRepo, script, sourceCliOfThisFile, startCli } from '../faults/harness.js'
import { git } from '../helpers/temp-repo.js'

// worktree-files copies files of the user's checkout (an `.env`) into every worktree. They are
// the user's, not the repository's: never committed, merged or pushed, whether .gitignore
// covers them or not (here it does not), and a source that is a symbolic link leading out of
// the repository is not followed.

const SECRET = 'API_KEY=sk_live_canary_3333333333'
const OUTSIDE = 'root:x:0:0:outside-canary'

const cli = sourceCliOfThisFile()

/** Every path that any commit of any ref of `repo` holds. */
function pathsEverCommitted(repo: string): string[] {
  const listed = git(repo, 'log', '--all', '--format=', '--name-only')
  return [...new Set(listed.split('\n').filter(Boolean))]
}

/** Whether any object reachable from a ref of `repo` holds `text`. */
function anyCommitHolds(repo: string, text: string): boolean {
  const commits = git(repo, 'rev-list', '--all').split('\n').filter(Boolean)
  return commits.some((commit) => {
    try {
      git(repo, 'grep', '-q', '-F', text, commit, '--')
      return true
    } catch {
      return false // exit 1: no match
    }
  })
}

describe('worktree-files', () => {
  it('copies .env into worktrees, and neither auto-commit nor an agent’s own commit brings it to base or origin', async () => {
    const repo = faultRepo([1, 2, 3])
    // Untracked, and no .gitignore covers it.
    writeFileSync(join(repo.repo, '.env'), `${SECRET}\n`)
    // A symbolic link out of the repository, matched by the same globs.
    const outside = join(repo.path, 'outside-secret.txt')
    writeFileSync(outside, `${OUTSIDE}\n`)
    symlinkSync(outside, join(repo.repo, 'outside.env'))
    const seen = join(repo.work, 'seen')
    mkdirSync(seen)
    const origin = join(repo.path, 'origin.git')
    git(repo.path, 'init', '-q', '--bare', origin)
    git(repo.repo, 'remote', 'add', 'origin', origin)
    git(repo.repo, 'push', '-q', 'origin', 'roadmap')
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        'set -e',
        `ls -A > '${seen}/files-'$PRIORITY_ID`,
        `[ -e outside.env ] && cat outside.env > '${seen}/outside-'$PRIORITY_ID || true`,
        'echo "work of $PRIORITY_ID" > src/file-$PRIORITY_ID.ts',
        // Priority 1 leaves its work to auto-commit; priority 3 commits everything it sees
        // (git add -A, as agents do: the copy is excluded for it); priority 2 forces the copied
        // file into a commit, then takes it out again (its history still holds it).
        'if [ "$PRIORITY_ID" = 3 ]; then',
        '  git add -A && git -c user.name=agent -c user.email=agent@example.com commit -q -m "work"',
        'fi',
        'if [ "$PRIORITY_ID" = 2 ]; then',
        '  git add -A && git -c user.name=agent -c user.email=agent@example.com commit -q -m "work"',
        '  git add -f .env && git -c user.name=agent -c user.email=agent@example.com commit -q -m "work with .env"',
        '  git rm -q --cached .env && git -c user.name=agent -c user.email=agent@example.com commit -q -m "drop .env"',
        'fi'
      ].join('\n')
    )
    const run = startCli(
      cli.entry,
      repo,
      [
        'run',
        '1,2,3',
        '--agent-command',
        agent,
        '--worktree-files',
        '.env\n*.env',
        '--push',
        'true'
      ],
      cliEnv(repo)
    )
    await run.exited
    const result = JSON.parse(run.stdout()) as RunResult

    // The copy happened (the agents saw .env), the link out of the repository was not followed.
    expect(readFileSync(join(seen, 'files-1'), 'utf8')).toMatch(/^\.env$/m)
    expect(existsSync(join(seen, 'outside-1'))).toBe(false)
    expect(existsSync(join(seen, 'outside-2'))).toBe(false)

    const [one, two, three] = result.tasks
    // An agent's own `git add -A` leaves the copy out: its work merges.
    expect(three).toMatchObject({ status: 'completed', merge: 'merged' })
    expect(one).toMatchObject({ status: 'completed', merge: 'merged' })
    // A copy the run made is not a change of the agent's, in scope or out of it.
    expect(one.out_of_scope ?? []).not.toContain('.env')
    expect(two.merge).toBe('failed')
    expect(two.error).toMatch(/holds \.env, which worktree-files copied/)

    // Not in base, not in any commit the run made, not on origin.
    expect(git(repo.repo, 'ls-tree', '-r', '--name-only', 'roadmap')).not.toMatch(/\.env/)
    expect(pathsEverCommitted(origin)).not.toContain('.env')
    expect(anyCommitHolds(origin, SECRET)).toBe(false)
    expect(anyCommitHolds(origin, OUTSIDE)).toBe(false)
    expect(git(origin, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/roadmap')
    // Only the agent's own commits on its kept branch hold it, locally.
    const commitsWithEnv = git(repo.repo, 'log', '--all', '--format=%s', '--', '.env')
    expect(commitsWithEnv.split('\n')).toEqual(['drop .env', 'work with .env'])
  })
})
