import { describe, expect, test } from '@jest/globals'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { isAlive } from '../../src/run/process-tree.js'
import {
  exampleAgentLine,
  faultRepo,
  pidsIn,
  script,
  sourceCliOfThisFile,
  startCli,
  taskOf
} from './harness.js'

// An agent that starts daemons out of its process group (setsid, nohup … &) and ends
// normally: they are found the way the watchdog finds them (WORKTREE_PATH in their
// environment), stopped (their worktree is removed under them) and named in `warnings`.

const cli = sourceCliOfThisFile()

describe('an agent that leaves daemons behind and exits 0', () => {
  test('they are stopped and named in warnings, with pid and command', async () => {
    using repo = faultRepo([1])
    const daemons = join(repo.work, 'daemons')
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        // A new session of its own, and a nohup'd one that leaves the group too.
        `setsid sleep 1001 < /dev/null > /dev/null 2>&1 & echo $! >> ${daemons}`,
        `setsid nohup sleep 1002 < /dev/null > /dev/null 2>&1 & echo $! >> ${daemons}`,
        // Until both are in sessions of their own (setsid has called setsid()).
        `for pid in $(cat ${daemons}); do until [ "$(ps -o sid= -p $pid | tr -d ' ')" = "$pid" ]; do sleep 0.05; done; done`,
        exampleAgentLine()
      ].join('\n')
    )
    const run = startCli(cli.entry, repo, ['run', '--priorities', '1', '--agent-command', agent])
    const status = await run.exited
    const result = JSON.parse(run.stdout()) as RunResult
    const pids = pidsIn(daemons)
    expect(pids).toHaveLength(2)
    try {
      expect({ status, merge: taskOf(result, 1).merge }).toEqual({ status: 0, merge: 'merged' })
      const warning = result.warnings.find((text) => text.includes('left processes running'))
      expect(warning).toBeDefined()
      for (const [pid, command] of [
        [pids[0], 'sleep 1001'],
        [pids[1], 'sleep 1002']
      ]) {
        expect(warning).toContain(`pid ${pid} (${command})`)
        expect(isAlive(Number(pid))).toBe(false)
      }
      expect(run.stderr()).toContain('left processes running after it ended')
    } finally {
      for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL')
    }
  }, 60_000)
})
