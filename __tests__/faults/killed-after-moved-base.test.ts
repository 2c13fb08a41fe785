import { describe, expect, test } from '@jest/globals'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { git } from '../helpers/temp-repo.js'
import { isAlive } from '../../src/run/process-tree.js'
import {
  AGENT_COMMIT,
  exampleAgentLine,
  faultRepo,
  pidsIn,
  script,
  sourceCliOfThisFile,
  startCli,
  until
} from './harness.js'

// An agent points base at an unrelated history and the coordinator dies before it looks:
// the next run must not take the moved base for the user's and merge onto it.

const cli = sourceCliOfThisFile()

const files = (repo: string, ref: string): string[] =>
  git(repo, 'ls-tree', '-r', '--name-only', ref).split('\n').filter(Boolean)

describe('the coordinator killed after an agent moved base away', () => {
  test('the next run refuses until base is put back, and then merges onto the kept tip', async () => {
    using repo = faultRepo([1, 2])
    const startTip = git(repo.repo, 'rev-parse', 'roadmap')
    const before = files(repo.repo, 'roadmap')
    const pids = join(repo.work, 'pids')
    const moved = join(repo.work, 'moved')
    const secondRun = join(repo.work, 'second-run')
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        `[ -e ${secondRun} ] && ${exampleAgentLine()}`,
        `echo $$ >> ${pids}`,
        'if [ "$PRIORITY_ID" = 1 ]; then',
        `  echo one > part-1.txt && git add -A && ${AGENT_COMMIT} -m "priority 1: work"`,
        '  other=$(git commit-tree -m "unrelated history" "$(git mktree </dev/null)")',
        '  git update-ref refs/heads/roadmap "$other"',
        `  : > ${moved}`,
        'fi',
        'sleep 60 & echo $! >> ' + pids,
        'wait'
      ].join('\n')
    )
    const args = ['run', '1,2', '--agent-command', agent, '--max-parallel', '2']
    const first = startCli(cli.entry, repo, args)
    try {
      expect(await until(() => existsSync(moved), 30_000)).toBe(true)
    } finally {
      first.child.kill('SIGKILL')
    }
    await first.exited
    expect(await until(() => pidsIn(pids).filter(isAlive).length === 0, 15_000)).toBe(true)
    expect(files(repo.repo, 'roadmap')).toEqual([])

    writeFileSync(secondRun, '')
    const refused = startCli(cli.entry, repo, args)
    expect(await refused.exited).toBe(2)
    const movedTo = git(repo.repo, 'rev-parse', 'roadmap')
    // The command keeps where base is now (no run saw it, none kept it), then puts base back.
    const keepNow = `refs/parallel-worktree/moved-base/roadmap-${movedTo.slice(0, 12)}`
    const kept = `refs/parallel-worktree/base/roadmap-${startTip.slice(0, 12)}`
    expect(refused.stderr()).toContain(
      `Put it back with git update-ref ${keepNow} ${movedTo} && git update-ref refs/heads/roadmap ${kept}`
    )
    // Refused before anything was touched: base is still where the agent left it.
    expect(files(repo.repo, 'roadmap')).toEqual([])

    git(repo.repo, 'update-ref', keepNow, movedTo)
    git(repo.repo, 'update-ref', 'refs/heads/roadmap', kept)
    const second = startCli(cli.entry, repo, args)
    const code = await second.exited
    const result = JSON.parse(second.stdout()) as RunResult
    expect(code).toBe(0)
    expect(result.tasks.map((task) => task.merge)).toEqual(['merged', 'merged'])
    const after = files(repo.repo, 'roadmap')
    expect(before.filter((path) => !after.includes(path))).toEqual([])
    // The tip kept for a killed run's sake goes once base holds it again; the history the
    // agent moved base to stays reachable.
    expect(git(repo.repo, 'for-each-ref', 'refs/parallel-worktree/base/')).toBe('')
    expect(git(repo.repo, 'rev-parse', keepNow)).toBe(movedTo)
  }, 120_000)

  test('a run killed with base on its history leaves nothing that refuses the next run', async () => {
    using repo = faultRepo([1])
    const started = join(repo.work, 'started')
    const secondRun = join(repo.work, 'second-run')
    const agent = script(
      join(repo.work, 'agent.sh'),
      [`[ -e ${secondRun} ] && ${exampleAgentLine()}`, `: > ${started}`, 'sleep 60'].join('\n')
    )
    const args = ['run', '1', '--agent-command', agent]
    const first = startCli(cli.entry, repo, args)
    try {
      expect(await until(() => existsSync(started), 30_000)).toBe(true)
    } finally {
      first.child.kill('SIGKILL')
    }
    await first.exited
    writeFileSync(secondRun, '')
    const second = startCli(cli.entry, repo, args)
    expect(await second.exited).toBe(0)
    expect(git(repo.repo, 'for-each-ref', 'refs/parallel-worktree/base/')).toBe('')
  }, 120_000)
})
