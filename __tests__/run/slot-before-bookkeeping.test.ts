import { createRepo, roadmapFiles } from '../helpers/temp-repo.js'
import { agentCommand, runStage, settingsFor } from './run-helpers.js'

describe('a freed slot', () => {
  test('goes to the next task before the bookkeeping of the task that freed it (its scope check, verdict, merge)', async () => {
    using dir = createRepo(
      roadmapFiles({ 1: { files: ['src/feature-1.ts'] }, 2: { files: ['src/feature-2.ts'] } })
    )
    const order: string[] = []
    await runStage(
      settingsFor(dir.repo, {
        priorities: '1-2',
        'max-parallel': '1',
        'agent-command': agentCommand('--sleep=0.2')
      }),
      {
        events: { processStarted: (priority) => order.push(`start ${priority}`) },
        onAgentEnded: (task) => {
          order.push(`scope check ${task.priority}`)
        },
        onTaskDone: (task) => {
          order.push(`done ${task.priority}`)
        }
      }
    )
    const first = order.indexOf('start 1') < order.indexOf('start 2') ? 1 : 2
    const second = 3 - first
    expect(order.indexOf(`start ${second}`)).toBeGreaterThan(-1)
    expect(order.indexOf(`start ${second}`)).toBeLessThan(order.indexOf(`scope check ${first}`))
    expect(order.indexOf(`scope check ${first}`)).toBeLessThan(order.indexOf(`done ${first}`))
  })
})
