import { describe, expect, test } from '@jest/globals'
import { join } from 'node:path'
import { git } from '../helpers/temp-repo.js'
import {
  exampleAgentLine,
  faultRepo,
  pidsIn,
  runEngine,
  runScriptedAgents,
  script,
  statuses,
  taskOf
} from './harness.js'
import { assertInvariants } from './invariants.js'

// Agents that crash, hang, or fill the disk: the others carry on, the repository stays whole.

describe('an agent that crashes', () => {
  test('fails alone, with why; its commits and unsaved work are kept on its branch; the others merge', async () => {
    using repo = faultRepo([1, 2, 3])
    const agent = [
      'if [ "$PRIORITY_ID" = 2 ]; then',
      '  echo "half done" > half.txt && git add -A && git commit -qm "priority 2: first half"',
      '  echo "never committed" > unsaved.txt',
      '  echo "about to crash"',
      '  kill -SEGV $$',
      'fi',
      exampleAgentLine()
    ]
    const { result, pids } = await runScriptedAgents(repo, agent, { priorities: '1,2,3' })

    expect(statuses(result)).toEqual({ 1: 'completed', 2: 'failed', 3: 'completed' })
    expect(result.tasks.map((task) => task.merge)).toEqual(['merged', 'not-merged', 'merged'])
    const crashed = taskOf(result, 2)
    expect(crashed.error).toMatch(/SIGSEGV/)
    expect(git(repo.repo, 'show', `${crashed.branch}:half.txt`)).toBe('half done')
    expect(git(repo.repo, 'show', `${crashed.branch}:unsaved.txt`)).toBe('never committed')
    assertInvariants({ ...repo, base: 'roadmap', result, pids })
  })
})

describe('an agent that hangs past its timeout', () => {
  test('is stopped with its whole tree (TERM ignored, then KILL); a stray another agent left is stopped too; the others merge', async () => {
    using repo = faultRepo([1, 2, 3])
    const record = join(repo.work, 'record')
    const children = join(repo.work, 'children')
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        // Priority 2 leaves a process behind that ignores TERM, then ends normally.
        `[ "$PRIORITY_ID" = 2 ] && { (trap '' TERM; exec sleep 60) & echo $! >> ${children}; }`,
        exampleAgentLine(`--hang-on=1 --child-on=1 --child-pid-file=${children} --record=${record}`)
      ].join('\n')
    )
    const { result } = await runEngine(repo, {
      priorities: '1,2,3',
      'agent-command': agent,
      'task-timeout-minutes': '0.05'
    })

    expect(statuses(result)).toEqual({ 1: 'timed-out', 2: 'completed', 3: 'completed' })
    expect(taskOf(result, 1).error).toMatch(/task-timeout-minutes \(0\.05\)/)
    expect(pidsIn(children)).toHaveLength(2)
    assertInvariants({
      ...repo,
      base: 'roadmap',
      result,
      pids: [...pidsIn(record), ...pidsIn(children)]
    })
  })
})

describe('agents that fill the disk and the log', () => {
  test('a 50 MB file and 20 MB of output do not stop the others or the merges', async () => {
    using repo = faultRepo([1, 2, 3])
    const agent = [
      'case "$PRIORITY_ID" in',
      '  1) head -c 50000000 /dev/urandom > big.bin ;;',
      "  2) head -c 20000000 /dev/zero | tr '\\0' x | fold -w 1000 ;;",
      'esac',
      exampleAgentLine()
    ]
    const { result, pids } = await runScriptedAgents(repo, agent, {
      priorities: '1,2,3',
      'max-parallel': '3'
    })

    expect(statuses(result)).toEqual({ 1: 'completed', 2: 'completed', 3: 'completed' })
    expect(result.tasks.every((task) => task.merge === 'merged')).toBe(true)
    expect(git(repo.repo, 'cat-file', '-s', 'roadmap:big.bin')).toBe('50000000')
    assertInvariants({ ...repo, base: 'roadmap', result, pids })
  })
})
