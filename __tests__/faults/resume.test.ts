import { describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { isAlive } from '../../src/run/process-tree.js'
import { git } from '../helpers/temp-repo.js'
import {
  AGENT_COMMIT,
  exampleAgent,
  exampleAgentLine,
  faultRepo,
  pidsIn,
  runEngine,
  script,
  sourceCliOfThisFile,
  startCli,
  statuses,
  taskOf,
  until
} from './harness.js'
import { assertInvariants } from './invariants.js'

// A rerun after a crash continues what the dead run left: the branch, its commits, and, when
// the dead run had already judged the agent successful, that judgement.

const cli = sourceCliOfThisFile()

describe('resume after the coordinator was killed', () => {
  test('the rerun continues each branch the dead run left: RESUMED_FROM, the earlier commits merged with the new ones', async () => {
    using repo = faultRepo([1, 2])
    const pids = join(repo.work, 'pids')
    const secondRun = join(repo.work, 'second-run')
    const seen = join(repo.work, 'seen')
    // First run: each agent commits a first part, then works on (sleeps) when the
    // coordinator dies. Second run: it notes what it was given and finishes the job.
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        `if [ -e ${secondRun} ]; then`,
        `  echo "$PRIORITY_ID $RESUMED_FROM $(git rev-parse HEAD) $(cat part-$PRIORITY_ID.txt)" >> ${seen}`,
        `  ${exampleAgentLine()}`,
        'fi',
        `echo $$ >> ${pids}`,
        `echo first > part-$PRIORITY_ID.txt && git add -A && ${AGENT_COMMIT} -m "priority $PRIORITY_ID: first part"`,
        `echo started >> ${pids}.ready`,
        'sleep 60 & echo $! >> ' + pids,
        'wait'
      ].join('\n')
    )
    const args = ['run', '1,2', '--agent-command', agent, '--max-parallel', '2']
    const first = startCli(cli.entry, repo, args)
    const ready = (): number =>
      existsSync(`${pids}.ready`) ? readFileSync(`${pids}.ready`, 'utf8').split('\n').length - 1 : 0
    try {
      expect(await until(() => ready() >= 2, 30_000)).toBe(true)
    } finally {
      first.child.kill('SIGKILL')
    }
    await first.exited
    const tips = [1, 2].map((p) => git(repo.repo, 'rev-parse', `feature/us-00${p}`))

    writeFileSync(secondRun, '')
    const second = startCli(cli.entry, repo, args)
    const code = await second.exited
    const result = JSON.parse(second.stdout()) as RunResult
    expect({ code, errors: result.tasks.map((task) => task.error) }).toEqual({
      code: 0,
      errors: [null, null]
    })
    expect(statuses(result)).toEqual({ 1: 'completed', 2: 'completed' })
    expect([1, 2].map((p) => taskOf(result, p).resumed_from)).toEqual(tips)
    const lines = readFileSync(seen, 'utf8').trim().split('\n').sort()
    expect(lines).toEqual([1, 2].map((p, i) => `${p} ${tips[i]} ${tips[i]} first`))
    for (const p of [1, 2]) {
      expect(git(repo.repo, 'show', `roadmap:part-${p}.txt`)).toBe('first')
      expect(git(repo.repo, 'show', `roadmap:src/file-${p}.ts`)).toContain(`priority ${p}`)
    }
    expect(pidsIn(pids).filter(isAlive)).toEqual([])
    assertInvariants({ ...repo, base: 'roadmap', result, pids: pidsIn(pids) })
  }, 120_000)
})

describe('an agent an earlier run judged successful', () => {
  test('goes straight to the merge: the agent is not started again', async () => {
    using repo = faultRepo([1])
    const record = join(repo.work, 'record')
    const first = await runEngine(repo, {
      priorities: '1',
      merge: 'false',
      'agent-command': exampleAgent(`--record=${record}`)
    })
    expect(statuses(first.result)).toEqual({ 1: 'completed' })
    const tip = git(repo.repo, 'rev-parse', 'feature/us-001')
    expect(git(repo.repo, 'rev-parse', 'refs/parallel-worktree/completed/feature/us-001')).toBe(tip)

    const marker = join(repo.work, 'started-again')
    const { result, logger } = await runEngine(repo, {
      priorities: '1',
      'agent-command': `touch ${marker}; exit 1`
    })
    expect(statuses(result)).toEqual({ 1: 'completed' })
    expect(taskOf(result, 1).resumed_from).toBe(tip)
    expect(taskOf(result, 1).merge).toBe('merged')
    expect(existsSync(marker)).toBe(false)
    expect(logger.text()).toContain('an earlier run judged the agent successful')
    expect(git(repo.repo, 'show', 'roadmap:src/file-1.ts')).toContain('priority 1')
    // The note is spent with the merge.
    expect(git(repo.repo, 'for-each-ref', 'refs/parallel-worktree/completed')).toBe('')
    assertInvariants({ ...repo, base: 'roadmap', result, pids: pidsIn(record) })
  }, 60_000)

  test('resume: never refuses the branch as before, naming it', async () => {
    using repo = faultRepo([1])
    await runEngine(repo, { priorities: '1', merge: 'false', 'agent-command': exampleAgent() })
    const { result } = await runEngine(repo, {
      priorities: '1',
      resume: 'never',
      'agent-command': exampleAgent()
    })
    expect(statuses(result)).toEqual({ 1: 'failed' })
    expect(taskOf(result, 1).resumed_from).toBeNull()
    expect(taskOf(result, 1).error).toContain(
      'branch feature/us-001 already exists with 1 commit(s)'
    )
  }, 60_000)
})
