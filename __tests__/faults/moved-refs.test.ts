import { describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { git } from '../helpers/temp-repo.js'
import {
  exampleAgent,
  exampleAgentLine,
  faultRepo,
  runEngine,
  script,
  statuses,
  taskOf
} from './harness.js'
import { assertInvariants } from './invariants.js'

// Agents that move refs: a commit made and dropped, base pointed at an unrelated commit.

const COMMIT = 'git -c user.name=agent -c user.email=agent@example.com commit -q'

describe('an agent that commits and then resets its branch to where it started', () => {
  test('is no-changes, and its dropped commit is kept under refs/parallel-worktree/, named in the result', async () => {
    using repo = faultRepo([1])
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        'start=$(git rev-parse HEAD)',
        `echo lost > lost.txt && git add -A && ${COMMIT} -m "work the agent drops"`,
        'git reset -q --hard "$start"'
      ].join('\n')
    )
    const { result } = await runEngine(repo, { priorities: '1', 'agent-command': agent })
    expect(statuses(result)).toEqual({ 1: 'no-changes' })
    const error = taskOf(result, 1).error ?? ''
    const ref = /refs\/parallel-worktree\/dropped\/feature\/us-001-[0-9a-f]{12}/.exec(error)?.[0]
    expect(ref).toBeDefined()
    expect(git(repo.repo, 'show', `${ref}:lost.txt`)).toBe('lost')
    expect(git(repo.repo, 'branch', '--list', 'feature/us-001')).toBe('')
    assertInvariants({ ...repo, base: 'roadmap', result })
  }, 60_000)
})

describe('an agent that points base at a commit that does not descend from its tip', () => {
  test('the old tip is kept and named in warnings with the base branch; nothing is merged onto the moved base', async () => {
    using repo = faultRepo([1, 2])
    const mover = script(
      join(repo.work, 'mover.sh'),
      [
        'other=$(git commit-tree -m "unrelated history" "$(git mktree </dev/null)")',
        'git update-ref refs/heads/roadmap "$other"',
        `echo "$other" > ${join(repo.work, 'other')}`,
        exampleAgentLine()
      ].join('\n')
    )
    const { result } = await runEngine(repo, {
      priorities: '1,2',
      'max-parallel': '1',
      // Priority 1 moves base; priority 2 runs after it and must not be merged onto it.
      'agent-command': `if [ "$PRIORITY_ID" = 1 ]; then ${mover}; else ${exampleAgent()}; fi`
    })
    const moved = git(repo.repo, 'rev-parse', 'roadmap')
    expect(git(repo.repo, 'rev-list', '--count', 'roadmap')).toBe('1') // nothing on top of it
    expect(moved).not.toBe(repo.baseBefore)
    expect(result.tasks.map((task) => task.merge)).toEqual(['failed', 'failed'])
    const warning = result.warnings.find((text) => text.includes('base branch roadmap was moved'))
    expect(warning).toBeDefined()
    const ref = /refs\/parallel-worktree\/base\/roadmap-[0-9a-f]{12}/.exec(warning!)?.[0]
    expect(git(repo.repo, 'rev-parse', ref!)).toBe(repo.baseBefore)
    expect(taskOf(result, 2).error).toContain('nothing was merged onto it')
    // Both branches are kept with their work.
    for (const p of [1, 2]) {
      expect(
        Number(git(repo.repo, 'rev-list', '--count', `feature/us-00${p}`, '^roadmap'))
      ).toBeGreaterThan(0)
    }
    // The user's checkout, on base, was left behind by the agent's update-ref: kept as it is.
    const staged = git(repo.repo, 'diff', '--cached', '--name-status')
    assertInvariants({ ...repo, base: 'roadmap', result, stagedByFault: staged })
  }, 60_000)
})

describe('worktree-dir folders the run made', () => {
  test.each([
    ['inside the checkout', 'trees/deep/here', 'trees'],
    ['beside it', '../made/for/us', 'made']
  ])(
    '%s are removed with the last worktree',
    async (_where, worktreeDir, top) => {
      using repo = faultRepo([1, 2])
      const { result } = await runEngine(repo, {
        priorities: '1,2',
        'worktree-dir': worktreeDir,
        'agent-command': exampleAgent()
      })
      expect(statuses(result)).toEqual({ 1: 'completed', 2: 'completed' })
      expect(result.tasks[0].worktree).toContain(`/${worktreeDir.replace('../', '')}/`)
      const root = worktreeDir.startsWith('../') ? repo.path : repo.repo
      expect(existsSync(join(root, top))).toBe(false)
      expect(readdirSync(repo.repo).sort()).toEqual(
        ['.git', 'docs', 'src'].filter((name) => existsSync(join(repo.repo, name))).sort()
      )
      assertInvariants({ ...repo, base: 'roadmap', result })
    },
    60_000
  )
})
