import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { git } from '../helpers/temp-repo.js'
import {
  AGENT_COMMIT,
  exampleAgentLine,
  faultRepo,
  type FaultRepo,
  runScriptedAgents,
  type ScriptedRun,
  statuses,
  taskOf
} from './harness.js'
import { assertInvariants } from './invariants.js'

// Agents that do what they should not to their worktree or to the base branch.

/**
 * Priorities 1 and 2, where priority 1's agent runs `misdeed` and exits 0 (as if it had done
 * its job), and priority 2's runs `othersFirst`, then does its job.
 */
function runWithPriority1Misbehaving(
  repo: FaultRepo,
  misdeed: string[],
  othersFirst: string[] = []
): Promise<ScriptedRun> {
  const agent = [
    'if [ "$PRIORITY_ID" = 1 ]; then',
    ...misdeed.map((line) => `  ${line}`),
    '  exit 0',
    'fi',
    ...othersFirst,
    exampleAgentLine()
  ]
  return runScriptedAgents(repo, agent, { priorities: '1,2' })
}

describe('an agent that deletes its own worktree', () => {
  test('fails alone, saying so; the commits it made are kept on its branch; the others merge', async () => {
    using repo = faultRepo([1, 2])
    const { result, pids } = await runWithPriority1Misbehaving(repo, [
      `echo work > work.txt && git add -A && ${AGENT_COMMIT} -m "priority 1 before the deletion"`,
      'cd / && rm -rf "$WORKTREE_PATH"'
    ])

    expect(statuses(result)).toEqual({ 1: 'failed', 2: 'completed' })
    expect(taskOf(result, 2).merge).toBe('merged')
    const gone = taskOf(result, 1)
    expect(gone.error).toBe(
      `the agent deleted its worktree ${gone.worktree}; its 1 commit(s) are kept on feature/us-001`
    )
    expect(gone.commits).toBe(1)
    expect(git(repo.repo, 'show', `${gone.branch}:work.txt`)).toBe('work')
    assertInvariants({ ...repo, base: 'roadmap', result, pids })
  })
})

describe('an agent that checks out another branch in its worktree', () => {
  test('its priority fails, naming the branch where its commits are; nothing is lost', async () => {
    using repo = faultRepo([1, 2])
    const { result, pids } = await runWithPriority1Misbehaving(repo, [
      'git checkout -q -b agent-side-branch',
      `echo side > side.txt && git add -A && ${AGENT_COMMIT} -m "priority 1 on a branch of its own"`
    ])

    expect(statuses(result)).toEqual({ 1: 'failed', 2: 'completed' })
    expect(taskOf(result, 1).error).toContain('agent-side-branch')
    expect(git(repo.repo, 'show', 'agent-side-branch:side.txt')).toBe('side')
    assertInvariants({ ...repo, base: 'roadmap', result, pids })
  })
})

describe('an agent that commits to the base branch directly', () => {
  test('in the user checkout: base keeps its commit, the other merges land on top of it', async () => {
    using repo = faultRepo([1, 2])
    const { result, pids } = await runWithPriority1Misbehaving(repo, [
      `cd ${repo.repo}`,
      `echo direct > direct.txt && git add direct.txt && ${AGENT_COMMIT} -m "priority 1 straight into roadmap"`
    ])

    expect(taskOf(result, 2).merge).toBe('merged')
    expect(git(repo.repo, 'show', 'roadmap:direct.txt')).toBe('direct')
    assertInvariants({ ...repo, base: 'roadmap', result, pids })
  })

  test('by moving the base ref from its worktree (update-ref): nothing is lost, the checkout is kept as the agent left it', async () => {
    using repo = faultRepo([1, 2])
    const { result, pids } = await runWithPriority1Misbehaving(
      repo,
      [
        `echo moved > moved.txt && git add -A && ${AGENT_COMMIT} -m "priority 1 pushed into roadmap"`,
        'git update-ref refs/heads/"$BASE_BRANCH" HEAD'
      ],
      ['sleep 1']
    )

    expect(taskOf(result, 2).merge).toBe('merged')
    expect(git(repo.repo, 'show', 'roadmap:moved.txt')).toBe('moved')
    // The checkout's index was left at the old tip by the agent: the run keeps it as it found
    // it (as it keeps a user's staged changes), and brings in the files of its own merge.
    expect(readFileSync(join(repo.repo, 'src/file-2.ts'), 'utf8')).toContain('priority 2')
    // ... and the result says so, naming the checkout and the file.
    expect(result.warnings.join('\n')).toMatch(/checkout .* of roadmap shows changes .*moved\.txt/)
    assertInvariants({ ...repo, base: 'roadmap', result, pids, stagedByFault: 'D\tmoved.txt' })
  })
})
