import { describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { git } from '../helpers/temp-repo.js'
import { isAlive } from '../../src/run/process-tree.js'
import {
  AGENT_COMMIT,
  exampleAgent,
  exampleAgentLine,
  faultRepo,
  pidsIn,
  script,
  sourceCliOfThisFile,
  startCli,
  statuses,
  taskOf,
  until
} from './harness.js'
import { assertInvariants } from './invariants.js'

// The coordinator itself attacked: killed outright mid-run, or started twice at once.

const cli = sourceCliOfThisFile()

const lines = (file: string): number =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0

describe('the coordinator killed with SIGKILL mid-run', () => {
  test('the next run stops the agents it left, saves their work on their branches, removes their worktrees, and runs the rest', async () => {
    using repo = faultRepo([1, 2, 3])
    const pids = join(repo.work, 'pids')
    const secondRun = join(repo.work, 'second-run')
    // First run: priority 1 commits a first part, priority 2 leaves a file uncommitted; both
    // then work on (sleep) when the coordinator dies. Second run: the example agent.
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        `[ -e ${secondRun} ] && ${exampleAgentLine()}`,
        `echo $$ >> ${pids}`,
        'if [ "$PRIORITY_ID" = 1 ]; then',
        `  echo one > part-1.txt && git add -A && ${AGENT_COMMIT} -m "priority 1: first part"`,
        'else',
        '  echo two > part-2.txt',
        'fi',
        `echo started >> ${pids}.ready`,
        'sleep 60 & echo $! >> ' + pids,
        'wait'
      ].join('\n')
    )
    const args = ['run', '1,2,3', '--agent-command', agent, '--max-parallel', '2']
    const first = startCli(cli.entry, repo, [...args, '--resume', 'never'])
    try {
      expect(await until(() => lines(`${pids}.ready`) >= 2, 30_000)).toBe(true)
    } finally {
      first.child.kill('SIGKILL')
    }
    await first.exited
    // The first run's watchdog stops its agents (the next test measures how soon).
    expect(await until(() => pidsIn(pids).filter(isAlive).length === 0, 15_000)).toBe(true)

    writeFileSync(secondRun, '')
    const second = startCli(cli.entry, repo, [...args, '--resume', 'never'])
    const code = await second.exited
    const result = JSON.parse(second.stdout()) as RunResult

    expect({ code, statuses: statuses(result) }).toEqual({
      code: 1,
      statuses: { 1: 'failed', 2: 'failed', 3: 'completed' }
    })
    expect(taskOf(result, 1).error).toMatch(/feature\/us-001 already exists with 1 commit/)
    expect(git(repo.repo, 'show', 'feature/us-001:part-1.txt')).toBe('one')
    expect(git(repo.repo, 'show', 'feature/us-002:part-2.txt')).toBe('two')
    expect(taskOf(result, 3).merge).toBe('merged')
    assertInvariants({ ...repo, base: 'roadmap', result, pids: pidsIn(pids) })
  }, 90_000)
})

describe('the coordinator killed with SIGKILL: its watchdog', () => {
  test('stops every agent tree within 15 s: children that ignore TERM and one in a session of its own included', async () => {
    using repo = faultRepo([1, 2])
    const pids = join(repo.work, 'pids')
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        `echo $$ >> ${pids}`,
        `bash -c 'trap "" TERM; echo $$ >> ${pids}; while :; do sleep 1; done' &`,
        `setsid bash -c 'echo $$ >> ${pids}; exec sleep 300' &`,
        'trap "" TERM',
        `echo started >> ${pids}.ready`,
        'while :; do sleep 1; done'
      ].join('\n')
    )
    const run = startCli(cli.entry, repo, ['run', '1,2', '--agent-command', agent])
    try {
      expect(
        await until(() => lines(`${pids}.ready`) >= 2 && pidsIn(pids).length >= 6, 30_000)
      ).toBe(true)
    } finally {
      run.child.kill('SIGKILL')
    }
    await run.exited
    expect(pidsIn(pids)).toHaveLength(6)
    expect(await until(() => pidsIn(pids).filter(isAlive).length === 0, 15_000)).toBe(true)
  }, 60_000)
})

describe('two runs at once on one repository', () => {
  test('the second refuses with exit 2, naming the first; the first merges alone', async () => {
    using repo = faultRepo([1, 2])
    const record = join(repo.work, 'record')
    const command = exampleAgent(`--sleep=5 --record=${record}`)
    const first = startCli(cli.entry, repo, ['run', '1,2', '--agent-command', command])
    expect(await until(() => pidsIn(record).length >= 1, 30_000)).toBe(true)
    const before = git(repo.repo, 'for-each-ref', '--format=%(refname) %(objectname)')

    const second = startCli(cli.entry, repo, ['run', '1,2', '--agent-command', command])
    expect(await second.exited).toBe(2)
    expect(second.stdout()).toBe('')
    expect(second.stderr()).toMatch(/another parallel-worktree run \(pid \d+/)
    expect(git(repo.repo, 'for-each-ref', '--format=%(refname) %(objectname)')).toBe(before)

    expect(await first.exited).toBe(0)
    const result = JSON.parse(first.stdout()) as RunResult
    expect(statuses(result)).toEqual({ 1: 'completed', 2: 'completed' })
    expect(git(repo.repo, 'log', '--merges', '--format=%s', 'roadmap').split('\n')).toHaveLength(2)
    expect(pidsIn(record)).toHaveLength(2)
    assertInvariants({ ...repo, base: 'roadmap', result, pids: pidsIn(record) })
  }, 60_000)
})
