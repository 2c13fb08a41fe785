import { describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { resultOutputs } from '../../src/report/result.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import {
  AGENT_COMMIT,
  exampleAgent,
  script,
  faultRepo,
  sourceCliOfThisFile,
  startCli,
  type FaultRepo
} from '../faults/harness.js'

// Running the same command twice must not merge the same work twice: a priority an earlier
// run merged into base is reported merged (with that merge) and not run again.

const cli = sourceCliOfThisFile()

async function runCli(
  repo: FaultRepo,
  args: string[]
): Promise<{ code: number | null; result: RunResult; out: string }> {
  const run = startCli(cli.entry, repo, args)
  const code = await run.exited
  return { code, result: JSON.parse(run.stdout()) as RunResult, out: run.stderr() }
}

function mergesOnBase(repo: FaultRepo): string[] {
  return git(repo.repo, 'log', '--first-parent', '--merges', '--format=%s', 'roadmap')
    .split('\n')
    .filter(Boolean)
}

describe('skip-merged', () => {
  test('the same run twice: the second merges nothing again and reports the first merges', async () => {
    using repo = faultRepo([1, 2])
    const args = [
      'run',
      '1,2',
      '--agent-command',
      exampleAgent(`--record=${join(repo.work, 'ran')}`)
    ]
    const first = await runCli(repo, args)
    expect(first.code).toBe(0)
    const firstMerges = first.result.tasks.map((task) => task.merge_commit)
    const tip = git(repo.repo, 'rev-parse', 'roadmap')

    const second = await runCli(repo, args)
    expect(second.result.tasks.map((task) => [task.status, task.merge, task.merge_commit])).toEqual(
      [
        ['skipped', 'merged', firstMerges[0]],
        ['skipped', 'merged', firstMerges[1]]
      ]
    )
    expect({ code: second.code, success: second.result.success }).toEqual({
      code: 0,
      success: true
    })
    expect(second.result.priorities_executed).toEqual([])
    expect(resultOutputs(second.result)).toMatchObject({ merged: '1,2', skipped: '', failed: '' })
    expect(second.result.tasks[0].error).toContain('already merged into roadmap by an earlier run')
    // No new merge commit, and no agent started.
    expect(git(repo.repo, 'rev-parse', 'roadmap')).toBe(tip)
    expect(mergesOnBase(repo)).toHaveLength(2)
    const starts = readFileSync(join(repo.work, 'ran'), 'utf8').match(/^start /gm) ?? []
    expect(starts).toHaveLength(2)
  }, 90_000)

  test('skip-merged false runs and merges it again', async () => {
    using repo = faultRepo([1])
    const args = ['run', '1', '--agent-command', exampleAgent()]
    expect((await runCli(repo, args)).code).toBe(0)
    const again = await runCli(repo, [...args, '--skip-merged', 'false'])
    expect(again.result.tasks[0]).toMatchObject({ status: 'completed', merge: 'merged' })
    expect(mergesOnBase(repo)).toHaveLength(2)
  }, 90_000)

  test('only the merged priorities are skipped; 2 is not taken for 2.5, and what waited on a merged one starts', async () => {
    // 2.5 and 2 touch one file: given in that order, 2 would wait for 2.5, which an earlier
    // run merged.
    const base = createRepo(
      roadmapFiles({ 2: { files: ['src/shared.ts'] }, 2.5: { us: 25, files: ['src/shared.ts'] } })
    )
    const repo: FaultRepo = { ...base, baseBefore: '', work: base.path }
    using _repo = repo
    const agent = script(
      join(repo.work, 'agent.sh'),
      `echo "priority $PRIORITY_ID" >> src/shared.ts && git add -A && ${AGENT_COMMIT} -m "priority $PRIORITY_ID"`
    )
    const earlier = await runCli(repo, ['run', '2.5', '--agent-command', agent])
    expect(earlier.result.tasks.map((task) => task.error)).toEqual([null])
    expect(earlier.code).toBe(0)
    const plan = await runCli(repo, ['plan', '2.5,2'])
    expect(plan.result.tasks.map((task) => [task.priority, task.status, task.merge])).toEqual([
      [2.5, 'skipped', 'merged'],
      [2, 'pending', 'not-merged']
    ])
    expect(plan.result.separation.schedule).toEqual([[2]])

    const run = await runCli(repo, ['run', '2.5,2', '--agent-command', agent])
    expect(run.result.tasks.map((task) => [task.priority, task.status, task.merge])).toEqual([
      [2.5, 'skipped', 'merged'],
      [2, 'completed', 'merged']
    ])
    expect(run.code).toBe(0)
    expect(mergesOnBase(repo).sort()).toEqual([
      'Merge PRIORITY 2 from parallel execution',
      'Merge PRIORITY 2.5 from parallel execution'
    ])
  }, 90_000)
})

describe('skip-merged in a fan-out', () => {
  test('a task job and a merge job for a priority an earlier run merged do nothing and succeed', async () => {
    using repo = faultRepo([1])
    expect((await runCli(repo, ['run', '1', '--agent-command', exampleAgent()])).code).toBe(0)
    const tip = git(repo.repo, 'rev-parse', 'roadmap')
    const results = join(repo.work, 'results')

    const task = await runCli(repo, [
      'task',
      '1',
      '--agent-command',
      exampleAgent(`--record=${join(repo.work, 'ran')}`),
      '--results-dir',
      results
    ])
    expect(task.result.tasks[0]).toMatchObject({ status: 'skipped', merge: 'merged' })
    expect({ code: task.code, success: task.result.success }).toEqual({ code: 0, success: true })

    const merge = await runCli(repo, ['merge', '1', '--results-dir', results])
    expect(merge.result.tasks[0]).toMatchObject({ status: 'skipped', merge: 'merged' })
    expect({ code: merge.code, success: merge.result.success }).toEqual({ code: 0, success: true })
    expect(git(repo.repo, 'rev-parse', 'roadmap')).toBe(tip)
    expect(existsSync(join(repo.work, 'ran'))).toBe(false)
  }, 90_000)
})
