import { describe, expect, test } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { git } from '../helpers/temp-repo.js'
import {
  AGENT_COMMIT,
  cliEnv,
  exampleAgentLine,
  faultRepo,
  type FaultRepo,
  script,
  sourceCliOfThisFile,
  startCli
} from './harness.js'

// An agent that moves base away: the priorities that start after it (a worktree made ahead
// while it ran, the next ones, a rerun on conflict) start from the base guard's last good
// tip, never from the moved base. Each agent records the commit it started from and whether
// the files of base are in its worktree.

const cli = sourceCliOfThisFile()

/** Every agent's start: `<priority> <HEAD> <src/file-1.ts is there>`, one line each. */
function recordStart(repo: FaultRepo): string {
  const starts = join(repo.work, 'starts')
  return `echo "$PRIORITY_ID $(git rev-parse HEAD) $([ -f src/file-1.ts ] && echo files || echo no-files)" >> ${starts}`
}

function startsOf(repo: FaultRepo): Map<string, { head: string; files: string }> {
  const lines = readFileSync(join(repo.work, 'starts'), 'utf8').trim().split('\n')
  return new Map(
    lines.map((line) => {
      const [priority, head, files] = line.split(' ')
      return [priority, { head, files }]
    })
  )
}

async function runMoving(repo: FaultRepo, move: string[], extra: string[] = []) {
  const mover = script(join(repo.work, 'mover.sh'), [...move, exampleAgentLine()].join('\n'))
  const agent = script(
    join(repo.work, 'agent.sh'),
    [
      recordStart(repo),
      `if [ "$PRIORITY_ID" = 1 ]; then exec ${mover}; fi`,
      exampleAgentLine()
    ].join('\n')
  )
  const run = startCli(
    cli.entry,
    repo,
    ['run', '--priorities', '1,2,3', '--max-parallel', '1', '--agent-command', agent, ...extra],
    cliEnv(repo)
  )
  await run.exited
  return run
}

describe('priorities that start after an agent moved base', () => {
  test('to an unrelated commit: they start from the last good tip, with its files', async () => {
    using repo = faultRepo([1, 2, 3])
    await runMoving(repo, [
      'other=$(git commit-tree -m "unrelated history" "$(git mktree </dev/null)")',
      'git update-ref refs/heads/roadmap "$other"'
    ])
    const starts = startsOf(repo)
    expect(git(repo.repo, 'log', '-1', '--format=%s', 'roadmap')).toBe('unrelated history')
    for (const priority of ['1', '2', '3']) {
      expect({ priority, ...starts.get(priority) }).toEqual({
        priority,
        head: repo.baseBefore,
        files: 'files'
      })
    }
  }, 120_000)

  // A commit an agent puts straight onto base (a descendant of its tip) is base's history as
  // far as the guard knows (docs/reliability.md: kept, the other merges land on top of it):
  // later priorities start from base with it, like the guard's last good tip.
  test('to a descendant commit that deletes files: they start from base with it, the guard accepting it', async () => {
    using repo = faultRepo([1, 2, 3])
    const run = await runMoving(repo, [
      'tree=$(git ls-tree HEAD | grep -v "\tsrc$" | git mktree)',
      'gone=$(git commit-tree -p "$(git rev-parse roadmap)" -m "deletes src" "$tree")',
      'git update-ref refs/heads/roadmap "$gone"'
    ])
    const result = JSON.parse(run.stdout()) as { warnings: string[] }
    expect(result.warnings.join('\n')).not.toContain('was moved during the run')
    const gone = git(repo.repo, 'log', '--format=%H', '--grep=deletes src', 'roadmap').split('\n')
    // (Priority 1's own merge then conflicts with it, modify/delete: its rerun moves base again.)
    const starts = startsOf(repo)
    for (const priority of ['2', '3']) {
      const start = starts.get(priority)!
      expect(git(repo.repo, 'merge-base', '--is-ancestor', gone.at(-1)!, start.head)).toBe('')
    }
  }, 120_000)

  test('a rerun on conflict starts from the last good tip (the merges before the move)', async () => {
    using repo = faultRepo([1, 2, 3])
    // 1 and 2 run side by side and write the same file: the second to merge conflicts. 3 waits
    // for both (its spec names their files), then moves base; the conflicted one runs again
    // after that (on-conflict rerun), from the tip that holds the first one's merge.
    git(repo.repo, 'commit', '-q', '-m', 'spec 3 names the files of 1 and 2', '--allow-empty')
    const shared = `echo "$PRIORITY_ID" > shared.txt && git add -A && ${AGENT_COMMIT} -m "shared $PRIORITY_ID"`
    const mover = script(
      join(repo.work, 'mover.sh'),
      [
        'other=$(git commit-tree -m "unrelated history" "$(git mktree </dev/null)")',
        'git update-ref refs/heads/roadmap "$other"',
        exampleAgentLine()
      ].join('\n')
    )
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        recordStart(repo),
        `if [ "$PRIORITY_ID" = 3 ]; then exec ${mover}; fi`,
        // The rerun (base holds the other's shared.txt) only does its own work.
        `if [ ! -f shared.txt ]; then ${shared}; fi`,
        exampleAgentLine()
      ].join('\n')
    )
    const spec3 = join(repo.repo, 'docs/architecture/specs/SPEC-003-feature-3.md')
    const text = readFileSync(spec3, 'utf8')
    writeFileSync(spec3, `${text}- \`src/file-1.ts\`\n- \`src/file-2.ts\`\n`)
    git(repo.repo, 'commit', '-q', '-am', 'spec 3 names the files of 1 and 2')
    const good = git(repo.repo, 'rev-parse', 'roadmap')
    const run = startCli(
      cli.entry,
      repo,
      ['run', '--priorities', '1,2,3', '--max-parallel', '2', '--on-conflict', 'rerun'].concat([
        '--agent-command',
        agent
      ]),
      cliEnv(repo)
    )
    await run.exited
    const result = JSON.parse(run.stdout()) as { tasks: { priority: number; merge: string }[] }
    const lines = readFileSync(join(repo.work, 'starts'), 'utf8').trim().split('\n')
    // Whichever of 1 and 2 merged second conflicted, and was run again after the move.
    const again = ['1', '2'].find(
      (p) => lines.filter((line) => line.startsWith(`${p} `)).length === 2
    )
    expect(again).toBeDefined()
    const merges = result.tasks.map((t) => t.merge)
    expect(merges[2]).toBe('failed')
    expect(merges[Number(again) - 1]).toBe('failed')
    expect(merges[2 - Number(again)]).toBe('merged')
    // The tip the guard kept: the merge of 1 on the good history.
    const kept = git(
      repo.repo,
      'for-each-ref',
      '--format=%(objectname)',
      'refs/parallel-worktree/base/'
    )
    expect(git(repo.repo, 'merge-base', '--is-ancestor', good, kept)).toBe('')
    const rerun = lines.filter((line) => line.startsWith(`${again} `))[1].split(' ')
    expect({ head: rerun[1], files: rerun[2] }).toEqual({ head: kept, files: 'files' })
  }, 120_000)
})
