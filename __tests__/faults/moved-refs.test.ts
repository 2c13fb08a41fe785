import { describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { git } from '../helpers/temp-repo.js'
import {
  AGENT_COMMIT,
  exampleAgent,
  exampleAgentLine,
  faultRepo,
  type FaultRepo,
  runEngine,
  script,
  statuses,
  taskOf
} from './harness.js'
import { assertInvariants } from './invariants.js'

// Agents that move refs: a commit made and dropped, base pointed at an unrelated commit.

/**
 * The invariants after an agent moved base under the user's checkout: that checkout's index is
 * left behind by the move (it shows as staged changes), which the run keeps as it finds it.
 */
function assertInvariantsAfterMove(repo: FaultRepo, result: RunResult): void {
  const stagedByFault = git(repo.repo, 'diff', '--cached', '--name-status')
  assertInvariants({ ...repo, base: 'roadmap', result, stagedByFault })
}

/** The lines of an agent that points base at a new commit of an unrelated history. */
function moveBase(message = 'unrelated history'): string[] {
  return [
    `other=$(git commit-tree -m "${message}" "$(git mktree </dev/null)")`,
    'git update-ref refs/heads/roadmap "$other"'
  ]
}

describe('an agent that commits and then resets its branch to where it started', () => {
  test('is no-changes, and its dropped commit is kept under refs/parallel-worktree/, named in the result', async () => {
    using repo = faultRepo([1])
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        'start=$(git rev-parse HEAD)',
        `echo lost > lost.txt && git add -A && ${AGENT_COMMIT} -m "work the agent drops"`,
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
      [...moveBase(), `echo "$other" > ${join(repo.work, 'other')}`, exampleAgentLine()].join('\n')
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
    // Priority 2 started after the move, from the base the user had, not the moved one.
    expect(git(repo.repo, 'merge-base', '--is-ancestor', repo.baseBefore, 'feature/us-002')).toBe(
      ''
    )
    // Both branches are kept with their work.
    for (const p of [1, 2]) {
      expect(
        Number(git(repo.repo, 'rev-list', '--count', `feature/us-00${p}`, '^roadmap'))
      ).toBeGreaterThan(0)
    }
    assertInvariantsAfterMove(repo, result)

    // A rerun refuses while base lacks the kept tip, and says how to put it back...
    const rerun = { priorities: '1,2', 'agent-command': exampleAgent() }
    await expect(runEngine(repo, rerun)).rejects.toThrow(
      `base branch roadmap does not hold ${ref}, the tip an earlier run kept when an agent moved roadmap off its history. Put it back with git update-ref refs/heads/roadmap ${ref}`
    )
    expect(git(repo.repo, 'rev-parse', 'roadmap')).toBe(moved)
    // ...and once that is done, it resumes both branches and merges them onto the old base.
    git(repo.repo, 'update-ref', 'refs/heads/roadmap', ref!)
    const again = await runEngine(repo, rerun)
    expect(again.result.tasks.map((task) => [task.merge, task.error])).toEqual([
      ['merged', null],
      ['merged', null]
    ])
    expect(git(repo.repo, 'merge-base', '--is-ancestor', repo.baseBefore, 'roadmap')).toBe('')
    // The history base was moved to is kept too (the first run's warning named where).
    expect(warning).toContain(
      `${moved.slice(0, 12)} (kept at refs/parallel-worktree/moved-base/roadmap-`
    )
    const told = { ...again.result, warnings: [...again.result.warnings, warning!] }
    assertInvariants({ ...repo, base: 'roadmap', result: told })
  }, 90_000)
})

describe('an agent that moves base after other priorities were merged', () => {
  test('the tip kept is the last merge, so putting base back loses none of them', async () => {
    using repo = faultRepo([1, 2])
    const mover = script(
      join(repo.work, 'mover.sh'),
      [
        // Starts as priority 1's merge is made: waits for it to land first.
        'for i in $(seq 100); do git log --format=%s roadmap | grep -q "PRIORITY 1" && break; sleep 0.1; done',
        ...moveBase(),
        exampleAgentLine()
      ].join('\n')
    )
    const { result } = await runEngine(repo, {
      priorities: '1,2',
      'max-parallel': '1',
      'agent-command': `if [ "$PRIORITY_ID" = 2 ]; then ${mover}; else ${exampleAgent()}; fi`
    })
    expect(result.tasks.map((task) => [task.merge, task.error])).toEqual([
      ['merged', null],
      ['failed', expect.stringContaining('nothing was merged onto it')]
    ])
    const warning = result.warnings.find((text) => text.includes('base branch roadmap was moved'))!
    expect(warning).toContain('does not descend from its last tip before the move')
    const ref = /refs\/parallel-worktree\/base\/roadmap-[0-9a-f]{12}/.exec(warning)![0]
    // Priority 1's merge is in the kept tip (its branch may be gone: merged, cleaned up).
    expect(git(repo.repo, 'log', '--format=%s', ref)).toContain(
      'Merge PRIORITY 1 from parallel execution'
    )
    assertInvariantsAfterMove(repo, result)
  }, 60_000)
})

describe('two agents that each move base, one after the other', () => {
  test('every tip base was moved to is kept and named, not only the one it was found at', async () => {
    using repo = faultRepo([1, 2])
    const mover = script(
      join(repo.work, 'mover.sh'),
      [
        // Priority 2 moves base only once priority 1 has moved it: two moves before a check.
        `if [ "$PRIORITY_ID" = 2 ]; then for i in $(seq 100); do [ "$(git rev-parse roadmap)" != ${repo.baseBefore} ] && break; sleep 0.1; done; fi`,
        ...moveBase('unrelated history $PRIORITY_ID'),
        exampleAgentLine()
      ].join('\n')
    )
    const { result } = await runEngine(repo, {
      priorities: '1,2',
      'max-parallel': '2',
      'agent-command': mover
    })
    const moves = git(repo.repo, 'log', '-g', '--format=%H %s', 'refs/heads/roadmap')
      .split('\n')
      .filter((line) => line.includes('unrelated history'))
      .map((line) => line.slice(0, 40))
    expect(moves).toHaveLength(2)
    const told = result.warnings.join('\n')
    for (const tip of moves) {
      expect(told).toContain(`refs/parallel-worktree/moved-base/roadmap-${tip.slice(0, 12)}`)
    }
    assertInvariantsAfterMove(repo, result)
  }, 60_000)
})

describe('push: true when an agent moved base off its history', () => {
  test('the moved base is not pushed; the kept branches are, and a warning says why', async () => {
    using repo = faultRepo([1])
    const origin = join(repo.path, 'origin.git')
    git(repo.path, 'clone', '-q', '--bare', repo.repo, origin)
    git(repo.repo, 'remote', 'add', 'origin', origin)
    const mover = script(
      join(repo.work, 'mover.sh'),
      [
        `echo work > src/file-1.ts && git add -A && ${AGENT_COMMIT} -m "priority 1"`,
        ...moveBase()
      ].join('\n')
    )
    const { result } = await runEngine(repo, {
      priorities: '1',
      push: 'true',
      'agent-command': mover
    })
    expect(result.warnings).toContain(
      'push: roadmap was not pushed, as it was moved off its history'
    )
    expect(git(origin, 'rev-parse', 'roadmap')).toBe(repo.baseBefore)
    expect(git(origin, 'rev-parse', 'feature/us-001')).toBe(
      git(repo.repo, 'rev-parse', 'feature/us-001')
    )
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
