import { join } from 'node:path'
import { createRepo, roadmapFiles } from '../helpers/temp-repo.js'
import { agentCommand, runStage, settingsFor } from './run-helpers.js'

// One agent at a time: the second priority's worktree is made ahead, the third's is made
// while the first task's end (its scope check) is under way. That end gives its worktree
// back: the third priority must wait for it and take it, not add a worktree of its own,
// however long the scope check takes (here, on purpose, a second and a half).
describe('a worktree made while a finished task is checked', () => {
  test('takes the finished worktree once it comes back, rather than adding one', async () => {
    using dir = createRepo(
      roadmapFiles({
        1: { files: ['src/a.ts'] },
        2: { files: ['src/b.ts'] },
        3: { files: ['src/c.ts'] }
      })
    )
    const run = await runStage(
      settingsFor(dir.repo, {
        priorities: '1-3',
        'max-parallel': '1',
        'agent-command': agentCommand('--sleep=0.3'),
        'log-dir': join(dir.path, 'logs')
      }),
      {
        onAgentEnded: async (task) => {
          if (task.priority === 1) await new Promise((resolve) => setTimeout(resolve, 1500))
        }
      }
    )
    expect(run.tasks.map((task) => task.status)).toEqual(['completed', 'completed', 'completed'])
    const reused = run.logger.lines.filter((line) => line.includes('Reused the finished worktree'))
    expect(reused.join('\n')).toMatch(/-wt-spare-\d+ as \S+-wt3 for feature\/us-003/)
  }, 30_000)
})
