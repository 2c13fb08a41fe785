import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { tracedGitCommands } from '../helpers/git-trace.js'
import { createRepo, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from './run-helpers.js'

// The agent commits, then leaves a change and an untracked file: the end of its task judges,
// saves and scope-checks all of it from one look at the worktree.
const AGENT = `
set -e
printf 'one\\n' > a.txt && git add a.txt && git commit -qm "agent's commit"
printf 'two\\n' >> a.txt
printf 'left\\n' > left.txt
`

describe("a task's end", () => {
  test('looks at the worktree once: no ls-files scans, no symbolic-ref, no diff of the whole worktree', async () => {
    using dir = createRepo(roadmapFiles({ 1: { files: ['a.txt', 'left.txt'] } }))
    const agent = script(join(dir.path, 'agent.sh'), AGENT)
    const trace = join(dir.path, 'trace.txt')
    const options = testEngineOptions()
    // The agent's git traces too: it runs none of the calls counted below.
    options.env = { ...options.env, GIT_TRACE: trace } as typeof options.env
    {
      const result = await runParallel(
        settingsFor(dir.repo, {
          priorities: '1',
          separation: 'off',
          'agent-command': `bash ${agent}`,
          'pr-comment': 'false'
        }),
        options
      )
      expect(result.tasks[0]).toMatchObject({ status: 'completed', merge: 'merged' })
    }
    const calls = tracedGitCommands(trace)
    // One at the task's end, one more when its worktree is parked for reuse.
    const looks = calls.filter((call) => call.startsWith('status --porcelain=v2'))
    expect(looks.length).toBeGreaterThanOrEqual(1)
    expect(looks.length).toBeLessThanOrEqual(2)
    for (const scan of ['ls-files --unmerged', 'ls-files --others', 'symbolic-ref -q HEAD']) {
      expect(calls.filter((call) => call.includes(scan))).toEqual([])
    }
    expect(calls.filter((call) => call.includes('--unified=0'))).toEqual([])
  })
})
