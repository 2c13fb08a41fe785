import { describe, expect, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { git, writeFiles } from '../helpers/temp-repo.js'
import {
  AGENT_COMMIT,
  cliArguments,
  cliEnv,
  faultRepo,
  script,
  sourceCliOfThisFile,
  startCli,
  statuses,
  until,
  type FaultRepo
} from './harness.js'
import { assertInvariants } from './invariants.js'

// A finished worktree is reused for the next priority by checking the next branch out in it.
// A coordinator killed in the middle of that checkout leaves a worktree whose files are half
// the previous branch's, half the next one's, while its HEAD may still name the previous
// commit: saving that as work would write a commit that undoes the previous agent's work (or
// one that empties the next branch). The worktree is marked as switching until the checkout
// is complete, and the recovery removes such a worktree unsaved.

const cli = sourceCliOfThisFile()

/** Files the checkout into priority 3's worktree writes slowly (a smudge filter that waits). */
function repoWithSlowCheckout(): FaultRepo & { signal: string } {
  const repo = faultRepo([1, 2, 3])
  const signal = join(repo.work, 'smudging')
  // Slow only in priority 3's worktree: the fills of the others and the merges go at speed.
  const smudge = script(
    join(repo.work, 'smudge.sh'),
    [`case "$PWD" in *-wt3) echo "$PWD" >> "${signal}"; sleep 20;; esac`, 'exec cat'].join('\n')
  )
  git(repo.repo, 'config', 'filter.slow.smudge', smudge)
  git(repo.repo, 'config', 'filter.slow.clean', 'cat')
  writeFiles(repo.repo, {
    '.gitattributes': 'slow/** filter=slow\n',
    ...Object.fromEntries(Array.from({ length: 5 }, (_, k) => [`slow/s${k}.txt`, `slow ${k}\n`]))
  })
  git(repo.repo, 'add', '-A')
  git(repo.repo, 'commit', '-q', '-m', 'slowly checked out files')
  return { ...repo, baseBefore: git(repo.repo, 'rev-parse', 'roadmap'), signal }
}

describe('a coordinator killed while a finished worktree is switched to the next priority', () => {
  test("loses none of the previous branch's commits, saves nothing of the half checkout, and the next run completes every priority", async () => {
    const repo = repoWithSlowCheckout()
    using _repo = repo
    const second = join(repo.work, 'second-run')
    // In the first run, priority 1 commits changes to the slow files and fails: its branch is
    // not merged, so the checkout of priority 3's branch in its worktree rewrites them.
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        'sleep 1',
        `if [ "$PRIORITY_ID" = 1 ] && [ ! -e "${second}" ]; then`,
        '  for f in slow/*.txt; do echo "changed by 1" >> "$f"; done',
        `  git add -A && ${AGENT_COMMIT} -m "priority 1: slow files" && exit 1`,
        'fi',
        'echo "// priority $PRIORITY_ID" >> "src/file-$PRIORITY_ID.ts"',
        `git add -A && ${AGENT_COMMIT} -m "priority $PRIORITY_ID: its file"`
      ].join('\n')
    )
    const args = (priorities: string): string[] => [
      'run',
      priorities,
      '--agent-command',
      agent,
      '--worktree-dir',
      '..',
      '--max-parallel',
      '1',
      '--max-retries',
      '0'
    ]

    // Its own process group: the kill takes git and the filter with it, as a cancelled job's.
    const first = startDetachedCli(repo, args('1,2,3'))
    await until(() => existsSync(repo.signal), 60_000)
    const wt3 = join(repo.path, 'repo-wt3')
    const marker = git(wt3, 'rev-parse', '--path-format=absolute', '--git-path', 'index')
    const switching = join(marker, '..', 'parallel-worktree-switching')
    expect(existsSync(switching)).toBe(true)
    process.kill(-first.pid, 'SIGKILL')
    await first.exited
    const branch1 = git(repo.repo, 'rev-parse', 'feature/us-001')
    expect(git(repo.repo, 'log', '-1', '--format=%s', branch1)).toBe('priority 1: slow files')

    // The next run: the worktree is removed unsaved, priority 1 resumes its branch.
    writeFileSync(second, '')
    git(repo.repo, 'config', 'filter.slow.smudge', 'cat')
    const next = startCli(cli.entry, repo, args('1,2,3'))
    const code = await next.exited
    const result = JSON.parse(next.stdout()) as RunResult

    expect(next.stderr()).toContain(
      `Removed the worktree ${wt3}: the run stopped while reusing it for the next priority (its checkout did not complete)`
    )
    expect({ code, statuses: statuses(result) }).toEqual({
      code: 0,
      statuses: { 1: 'completed', 2: 'completed', 3: 'completed' }
    })
    // Nothing was saved from the half checkout; priority 1's commit is in base.
    expect(git(repo.repo, 'log', '--all', '--format=%s')).not.toContain('WIP PRIORITY')
    expect(git(repo.repo, 'merge-base', '--is-ancestor', branch1, 'roadmap')).toBe('')
    for (let k = 0; k < 5; k += 1) {
      expect(git(repo.repo, 'show', `roadmap:slow/s${k}.txt`)).toBe(`slow ${k}\nchanged by 1`)
    }
    for (const priority of [1, 2, 3]) {
      expect(git(repo.repo, 'show', `roadmap:src/file-${priority}.ts`)).toContain(
        `// priority ${priority}`
      )
    }
    expect(git(repo.repo, 'worktree', 'list', '--porcelain')).not.toContain('-wt')
    assertInvariants({ ...repo, base: 'roadmap', result })
  }, 120_000)
})

/** The CLI as startCli runs it, leading a process group of its own. */
function startDetachedCli(
  repo: FaultRepo,
  args: string[]
): { pid: number; exited: Promise<unknown> } {
  const child = spawn(process.execPath, cliArguments(cli.entry, repo, args), {
    stdio: 'ignore',
    env: cliEnv(repo),
    detached: true
  })
  return { pid: child.pid!, exited: once(child, 'exit') }
}
