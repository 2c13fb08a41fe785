import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { tracedGitCommands } from '../helpers/git-trace.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from './run-helpers.js'

// One agent at a time: once the worktrees made ahead are used, each next one is a finished
// one, reused. Every agent commits, drops that commit (reset) and commits again: only its
// worktree's HEAD reflog and its branch's reflog still reach the dropped commit, which must be
// kept before the worktree and the branch go, also in a reused worktree, whose HEAD reflog
// holds the earlier tasks' history (which the run no longer asks git about).
const AGENT = `
set -e
p="$1"
sleep 0.3
printf '%s\\n' "$p" > "f$p.txt" && git add "f$p.txt"
git commit -qm "dropped work of $p"
git rev-parse HEAD > "../dropped-$p"
git reset -q --hard HEAD~1
printf '%s again\\n' "$p" > "f$p.txt" && git add "f$p.txt"
git commit -qm "work of $p"
`

describe('a reused worktree', () => {
  test('keeps the commit its agent dropped, and reads no reflog through git', async () => {
    using dir = createRepo(
      roadmapFiles(Object.fromEntries([1, 2, 3, 4, 5].map((p) => [p, { files: [`f${p}.txt`] }])))
    )
    const agent = script(join(dir.path, 'agent.sh'), AGENT)
    const trace = join(dir.path, 'trace.txt')
    const options = testEngineOptions()
    options.env = { ...options.env, GIT_TRACE: trace } as typeof options.env
    const result = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1-5',
        'max-parallel': '1',
        'agent-command': `bash ${agent} {priority}`,
        'pr-comment': 'false'
      }),
      options
    )
    expect(result.tasks.map((task) => [task.status, task.merge])).toEqual(
      [1, 2, 3, 4, 5].map(() => ['completed', 'merged'])
    )
    const kept = git(dir.repo, 'for-each-ref', '--format=%(objectname)', 'refs/parallel-worktree/')
    for (const task of result.tasks) {
      const dropped = readFileSync(join(dir.path, `dropped-${task.priority}`), 'utf8').trim()
      expect(kept.split('\n')).toContain(dropped)
      expect(task.error ?? '').toContain(dropped.slice(0, 12))
    }
    const calls = tracedGitCommands(trace)
    // Reused: a finished worktree switched to the next branch.
    expect(calls.filter((call) => call.startsWith('read-tree -m -u HEAD')).length).toBeGreaterThan(
      0
    )
    expect(calls.filter((call) => call.startsWith('reflog'))).toEqual([])
  })
})
