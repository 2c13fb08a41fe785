import { describe, expect, test } from '@jest/globals'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import {
  exampleAgentLine,
  faultRepo,
  script,
  sourceCliOfThisFile,
  startCli,
  statuses
} from '../faults/harness.js'
import { git } from '../helpers/temp-repo.js'

// A push of base that origin refuses for good (origin moved during the run with a change that
// conflicts with the merges) leaves the merges on this machine only: on an ephemeral runner
// they are gone with it. The run must fail and say where its merges went.

const cli = sourceCliOfThisFile()

describe('push: true when origin moved during the run with a conflicting change', () => {
  test('exit 1, success false, and the warnings name the rescue branch that holds the merges', async () => {
    using repo = faultRepo([1, 2])
    const origin = join(repo.path, 'origin.git')
    git(repo.path, 'clone', '-q', '--bare', repo.repo, origin)
    git(repo.repo, 'remote', 'add', 'origin', origin)
    git(repo.repo, 'fetch', '-q', 'origin')
    // Priority 1's agent first has someone else push, to origin's base, a rewrite of the very
    // file the agent then edits: once merged here, base and origin's base conflict.
    const other = join(repo.work, 'other')
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        'if [ "$PRIORITY_ID" = 1 ]; then',
        `  git clone -q -b roadmap ${origin} ${other}`,
        `  printf 'rewritten\\nelsewhere\\n' > ${other}/src/file-1.ts`,
        `  git -C ${other} -c user.name=other -c user.email=o@example.com commit -qam "someone else"`,
        `  git -C ${other} push -q origin roadmap`,
        'fi',
        exampleAgentLine()
      ].join('\n')
    )
    const run = startCli(cli.entry, repo, [
      'run',
      '1,2',
      '--agent-command',
      agent,
      '--push',
      'true'
    ])
    const code = await run.exited
    const result = JSON.parse(run.stdout()) as RunResult
    expect(result.tasks.map((task) => task.error)).toEqual([null, null])
    // Both priorities merged here...
    expect(statuses(result)).toEqual({ 1: 'completed', 2: 'completed' })
    expect(result.tasks.map((task) => task.merge)).toEqual(['merged', 'merged'])
    const local = git(repo.repo, 'rev-parse', 'roadmap')
    // ...but origin's base is someone else's: the run is not a success.
    expect(git(origin, 'log', '-1', '--format=%s', 'roadmap')).toBe('someone else')
    expect({ code, success: result.success }).toEqual({ code: 1, success: false })
    const rescue = `parallel-worktree/roadmap-${local.slice(0, 12)}`
    expect(git(origin, 'rev-parse', rescue)).toBe(local)
    const warning = result.warnings.find((line) => line.includes('was not pushed to origin'))
    expect(warning).toContain(`the rescue branch ${rescue}`)
    expect(warning).toContain('conflicts with the merged priorities in src/file-1.ts')
    expect(run.stderr() + run.stdout()).toContain(rescue)
  }, 60_000)

  test('origin that cannot be reached: exit 1, and the warning says the merges are only here', async () => {
    using repo = faultRepo([1])
    git(repo.repo, 'remote', 'add', 'origin', join(repo.path, 'no-such-origin.git'))
    const run = startCli(cli.entry, repo, [
      'run',
      '1',
      '--agent-command',
      `node ${join(process.cwd(), 'examples/agent/example-agent.mjs')} --priority={priority}`,
      '--push',
      'true'
    ])
    const code = await run.exited
    const result = JSON.parse(run.stdout()) as RunResult
    expect(result.tasks[0].merge).toBe('merged')
    expect({ code, success: result.success }).toEqual({ code: 1, success: false })
    expect(result.warnings.join('\n')).toContain("its merges are only in this repository's roadmap")
  }, 60_000)
})
