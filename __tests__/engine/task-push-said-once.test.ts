import { join, resolve } from 'node:path'
import { execute } from '../../src/engine/execute.js'
import { memoryLogger } from '../helpers/logger.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { settingsFor, testEngineOptions } from '../run/run-helpers.js'

const AGENT = resolve('examples/agent/example-agent.mjs')

// A matrix job pushes its branch: the console says so once (it used to say it twice, once
// from the push and once more with the count of commits).
describe('task mode with an origin', () => {
  test('"Pushed … to origin" is said once', async () => {
    using dir = createRepo(roadmapFiles({ 1: { files: ['src/one.ts'] } }))
    const origin = join(dir.path, 'origin.git')
    git(dir.path, 'clone', '-q', '--bare', dir.repo, origin)
    git(dir.repo, 'remote', 'add', 'origin', origin)
    const logger = memoryLogger()
    const { result } = await execute(
      settingsFor(dir.repo, {
        mode: 'task',
        priorities: '1',
        'agent-command': `node ${AGENT} --priority={priority}`,
        'results-dir': join(dir.path, 'results'),
        'pr-comment': 'false'
      }),
      testEngineOptions(logger)
    )
    expect(result.success).toBe(true)
    expect(git(origin, 'rev-parse', 'refs/heads/feature/us-001')).toBe(
      git(dir.repo, 'rev-parse', 'feature/us-001')
    )
    const said = logger.lines.filter((line) => /^Pushed .* to origin/.test(line))
    expect(said).toEqual(['Pushed feature/us-001 to origin'])
  })
})
