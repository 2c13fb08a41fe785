import { describe, expect, test } from '@jest/globals'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import {
  exampleAgent,
  exampleAgentLine,
  faultRepo,
  runEngine,
  script,
  sourceCliOfThisFile,
  startCli,
  statuses,
  taskOf,
  type FaultRepo
} from './harness.js'

// Resume continues only what this tool made. A branch of the name a priority would use, made
// by anyone else (an agent of another priority, a person), is never "resumed": its commits
// are not that priority's work. It is left exactly as it is and the priority fails, naming it.

const cli = sourceCliOfThisFile()

function contains(repo: string, commit: string, ref: string): boolean {
  return git(repo, 'branch', '--contains', commit, '--format=%(refname:short)', ref) !== ''
}

/** Priorities 1 and 2 both touch src/shared.ts: 2 starts once 1 is merged. */
function sharedFileRepo(): FaultRepo {
  const repo = createRepo(
    roadmapFiles({ 1: { files: ['src/shared.ts'] }, 2: { files: ['src/shared.ts'] } })
  )
  const work = join(repo.path, 'work')
  mkdirSync(work)
  return { ...repo, baseBefore: git(repo.repo, 'rev-parse', 'roadmap'), work }
}

async function runCli(
  repo: FaultRepo,
  args: string[]
): Promise<{ code: number | null; result: RunResult }> {
  const run = startCli(cli.entry, repo, args)
  const code = await run.exited
  return { code, result: JSON.parse(run.stdout()) as RunResult }
}

describe('a branch of the next priority that this tool did not make', () => {
  test('made by someone before the run: left untouched, not merged; the priority fails naming it', async () => {
    using repo = faultRepo([1, 2])
    git(repo.repo, 'branch', 'feature/us-002', 'roadmap')
    const elsewhere = join(repo.path, 'elsewhere')
    git(repo.repo, 'worktree', 'add', '-q', elsewhere, 'feature/us-002')
    git(elsewhere, 'commit', '-q', '--allow-empty', '-m', 'someone else’s work')
    git(repo.repo, 'worktree', 'remove', elsewhere)
    const planted = git(repo.repo, 'rev-parse', 'feature/us-002')

    const origin = join(repo.path, 'origin.git')
    git(repo.path, 'init', '-q', '--bare', origin)
    git(repo.repo, 'remote', 'add', 'origin', origin)

    const { code, result } = await runCli(repo, [
      'run',
      '1,2',
      '--agent-command',
      exampleAgent(),
      '--push',
      'true'
    ])
    expect(statuses(result)).toEqual({ 1: 'completed', 2: 'failed' })
    expect(taskOf(result, 1).merge).toBe('merged')
    expect(taskOf(result, 2).merge).not.toBe('merged')
    expect(taskOf(result, 2).resumed_from).toBeNull()
    expect(taskOf(result, 2).error).toContain(
      'branch feature/us-002 already exists with 1 commit(s) that are not in roadmap, and no run of parallel-worktree made it'
    )
    expect({ code, success: result.success }).toEqual({ code: 1, success: false })
    expect(git(repo.repo, 'rev-parse', 'feature/us-002')).toBe(planted)
    expect(contains(repo.repo, planted, 'roadmap')).toBe(false)
    // Nor is it published: origin has base, and no branch of that name.
    expect(git(origin, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/roadmap')
  }, 60_000)

  test('made during the run by the agent of priority 1: priority 2 does not merge it as its work', async () => {
    // Both priorities touch one file: 2 starts only once 1 is merged, after 1's agent planted
    // the branch 2 would use.
    using repo = sharedFileRepo()
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        'if [ "$PRIORITY_ID" = 1 ]; then',
        `  planted=$(git -c user.name=agent -c user.email=a@example.com commit-tree -p HEAD -m planted $(git write-tree))`,
        '  git branch feature/us-002 "$planted"',
        `  echo "$planted" > ${join(repo.work, 'planted')}`,
        'fi',
        exampleAgentLine()
      ].join('\n')
    )
    const { code, result } = await runCli(repo, ['run', '1,2', '--agent-command', agent])
    const planted = readFileSync(join(repo.work, 'planted'), 'utf8').trim()
    expect(statuses(result)).toEqual({ 1: 'completed', 2: 'failed' })
    expect(taskOf(result, 1).merge).toBe('merged')
    expect(taskOf(result, 2).error).toContain(
      'branch feature/us-002 already exists with 1 commit(s)'
    )
    expect(code).toBe(1)
    expect(git(repo.repo, 'rev-parse', 'feature/us-002')).toBe(planted)
    expect(contains(repo.repo, planted, 'roadmap')).toBe(false)
  }, 60_000)

  test('a branch an earlier run made, then recreated by someone else: not resumed, left as it is', async () => {
    using repo = faultRepo([1])
    const first = await runEngine(repo, {
      priorities: '1',
      merge: 'false',
      'agent-command': exampleAgent()
    })
    expect(statuses(first.result)).toEqual({ 1: 'completed' })
    expect(git(repo.repo, 'rev-parse', 'refs/parallel-worktree/made/feature/us-001')).toBe(
      git(repo.repo, 'rev-parse', 'feature/us-001')
    )
    // Someone deletes it and makes a branch of that name from base, with other work.
    git(repo.repo, 'branch', '-D', 'feature/us-001')
    const elsewhere = join(repo.path, 'elsewhere')
    git(repo.repo, 'worktree', 'add', '-q', '-b', 'feature/us-001', elsewhere, 'roadmap')
    git(elsewhere, 'commit', '-q', '--allow-empty', '-m', 'not the tool’s work')
    git(repo.repo, 'worktree', 'remove', elsewhere)
    const theirs = git(repo.repo, 'rev-parse', 'feature/us-001')

    const { result } = await runEngine(repo, { priorities: '1', 'agent-command': exampleAgent() })
    expect(statuses(result)).toEqual({ 1: 'failed' })
    expect(taskOf(result, 1).error).toContain(
      'its history no longer holds the commit an earlier run recorded'
    )
    expect(git(repo.repo, 'rev-parse', 'feature/us-001')).toBe(theirs)
    expect(contains(repo.repo, theirs, 'roadmap')).toBe(false)
  }, 60_000)

  test('a branch this tool made and kept is resumed; merged and deleted, its record goes', async () => {
    using repo = faultRepo([1])
    await runEngine(repo, { priorities: '1', merge: 'false', 'agent-command': exampleAgent() })
    const tip = git(repo.repo, 'rev-parse', 'feature/us-001')
    expect(git(repo.repo, 'rev-parse', 'refs/parallel-worktree/made/feature/us-001')).toBe(tip)
    const { result } = await runEngine(repo, { priorities: '1', 'agent-command': exampleAgent() })
    expect(taskOf(result, 1)).toMatchObject({ resumed_from: tip, merge: 'merged', error: null })
    expect(git(repo.repo, 'for-each-ref', 'refs/parallel-worktree/made')).toBe('')
  }, 60_000)
})
