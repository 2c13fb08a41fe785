import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { tracedGitCommands } from '../helpers/git-trace.js'
import { createRepo, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from './run-helpers.js'

/** Each priority changes its own file (src/a.ts, src/b.ts, src/c.ts), after half a second. */
const AGENT = `sleep 0.5
case "$1" in 1) f=a ;; 2) f=b ;; *) f=c ;; esac
printf '%s\\n' "$1" >> "src/$f.ts" && git add -A && git commit -qm "work of $1"
`

/** Three independent priorities at `maxParallel`: the tasks and the run's git commands. */
async function threePriorities(maxParallel: number) {
  using dir = createRepo(
    roadmapFiles({
      1: { files: ['src/a.ts'] },
      2: { files: ['src/b.ts'] },
      3: { files: ['src/c.ts'] }
    })
  )
  const agent = script(join(dir.path, 'agent.sh'), AGENT)
  const trace = join(dir.path, 'trace.txt')
  const options = testEngineOptions()
  const result = await runParallel(
    settingsFor(dir.repo, {
      priorities: '1-3',
      'max-parallel': String(maxParallel),
      'pr-comment': 'false',
      'agent-command': `bash ${agent} {priority}`
    }),
    { ...options, env: { ...options.env, GIT_TRACE: trace } }
  )
  expect(result.tasks.map((task) => task.merge)).toEqual(['merged', 'merged', 'merged'])
  return { tasks: result.tasks, commands: tracedGitCommands(trace) }
}

// A finished worktree is kept for a task that has none yet. Once every task left has its
// worktree, none is kept any more: a finished one is removed at its end, beside the agents
// still running, and spares kept until then go at once, not all together after the last agent.
describe('keeping finished worktrees for reuse', () => {
  test('stops once every task left has its worktree: each one is removed where it is, none parked', async () => {
    const { tasks, commands } = await threePriorities(3)
    expect(commands.filter((command) => command.startsWith('worktree move'))).toEqual([])
    expect(commands.filter((command) => command.includes('kept for reuse'))).toEqual([])
    for (const task of tasks) {
      expect(
        commands.filter(
          (command) =>
            command.startsWith('worktree remove') && command.endsWith(` ${task.worktree}`)
        )
      ).toHaveLength(1)
    }
  })

  test('goes on while a task has no worktree yet: the finished one becomes that task’s', async () => {
    const { commands } = await threePriorities(1)
    // One at a time: the third task's worktree is the first one's, switched.
    expect(commands.filter((command) => command.startsWith('read-tree -m -u HEAD'))).not.toEqual([])
  })
})
