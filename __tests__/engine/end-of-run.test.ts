import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { tracedGitCommands } from '../helpers/git-trace.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { agentCommand, settingsFor, testEngineOptions } from '../run/run-helpers.js'

describe('the end of a run', () => {
  test('each branch is merged before its worktree is removed, the branches go in one ref transaction, the base tree is read once', async () => {
    using dir = createRepo(
      roadmapFiles({ 1: { files: ['a.txt'] }, 2: { files: ['b.txt'] }, 3: { files: ['c.txt'] } })
    )
    const trace = join(dir.path, 'git-trace.txt')
    const options = testEngineOptions()
    const result = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1-3',
        'max-parallel': '3',
        'pr-comment': 'false',
        'agent-command': agentCommand()
      }),
      { ...options, env: { ...options.env, GIT_TRACE: trace } }
    )
    expect(result.tasks.map((task) => task.merge)).toEqual(['merged', 'merged', 'merged'])
    // Nothing left: worktrees, branches, the records of the branches made.
    expect(git(dir.repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    expect(git(dir.repo, 'branch', '--format=%(refname:short)').split('\n').sort()).toEqual([
      'main',
      'roadmap'
    ])
    expect(git(dir.repo, 'for-each-ref', 'refs/parallel-worktree/')).toBe('')

    const commands = tracedGitCommands(trace)
    for (const task of result.tasks) {
      // Base moved to the merge (or to a later merge of a chain that holds it).
      const merged = commands.findIndex(
        (command) =>
          command.startsWith('update-ref -m ') &&
          command.includes(` refs/heads/roadmap ${task.merge_commit}`)
      )
      // A finished worktree is parked as a spare (moved) and may become the next task's (moved
      // again): its folder is followed through every move to the removal that ends it.
      let path = task.worktree
      let removed = -1
      for (const [at, command] of commands.entries()) {
        const words = command.split(' ')
        if (command.startsWith('worktree move') && words.at(-2) === path) path = words.at(-1)!
        else if (command.startsWith('worktree remove') && words.at(-1) === path) {
          removed = at
          break
        }
      }
      expect(merged).toBeGreaterThanOrEqual(0)
      expect(removed).toBeGreaterThan(merged)
    }
    // The branches and their records go in ref transactions (`update-ref --stdin`, which the
    // run also uses to record tips), never one by one.
    expect(
      commands.filter((command) =>
        /^update-ref -d refs\/(heads|parallel-worktree\/made)\//.test(command)
      )
    ).toEqual([])
    expect(commands.filter((command) => command.startsWith('ls-tree -r'))).toHaveLength(1)
  })
})
