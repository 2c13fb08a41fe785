import { runParallel } from '../../src/engine/run-mode.js'
import { isAlive } from '../../src/run/process-tree.js'
import { watchdogPid } from '../../src/run/watchdog.js'
import { createRepo, roadmapFiles } from '../helpers/temp-repo.js'
import { agentCommand, settingsFor, testEngineOptions } from './run-helpers.js'

describe('the watchdog of a run', () => {
  test('is running before the first worktree is made: its start is not between two agent starts', async () => {
    using dir = createRepo(roadmapFiles({ 1: { files: ['a.txt'] }, 2: { files: ['b.txt'] } }))
    const seen: (number | undefined)[] = []
    const result = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1,2',
        'max-parallel': '2',
        'pr-comment': 'false',
        'agent-command': agentCommand()
      }),
      {
        ...testEngineOptions(),
        events: { worktreeCreated: () => seen.push(watchdogPid()) }
      }
    )
    expect(result.tasks.map((task) => task.merge)).toEqual(['merged', 'merged'])
    expect(seen).toHaveLength(2)
    // Started once, during preflight, and the same supervisor watched every agent.
    expect(seen[0]).toBeDefined()
    expect(seen[1]).toBe(seen[0])
    expect(isAlive(seen[0]!)).toBe(true)
  })
})
