import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from '../run/run-helpers.js'

// Priorities 1 and 2 have specs naming their own files; 3 has a spec naming nothing (its
// scope is unknown). 3's agent rewrites hub.txt, which 1's agent rewrites too: no spec says
// so, only the merge can find out.
function agentScript(marks: string): string {
  return `
set -e
echo "$(ls)" > "${marks}/seen-by-$PRIORITY_ID"
if [ "$PRIORITY_ID" = 3 ]; then
  touch "${marks}/3-started"
  echo "priority 3 was here" > hub.txt
else
  # 1 and 2 end only once 3 has started and ended (its worktree removed): with parallel they
  # all run at once, and 3 ends first.
  for i in $(seq 1 200); do
    [ -e "${marks}/wait-mode" ] && break
    [ -e "${marks}/3-started" ] && ! git worktree list --porcelain | grep -q 'feature/us-003$' && break
    sleep 0.1
  done
  [ -e "${marks}/3-started" ] || [ -e "${marks}/wait-mode" ]
  echo "feature $PRIORITY_ID" > "feature-$PRIORITY_ID.txt"
  [ "$PRIORITY_ID" = 1 ] && echo "priority 1 was here" > hub.txt
fi
git add -A && git commit -qm "priority $PRIORITY_ID"
`
}

const files = () => ({
  ...roadmapFiles({ 1: { files: ['src/one.ts'] }, 2: { files: ['src/two.ts'] }, 3: { files: [] } }),
  'hub.txt': 'hub\n'
})

function agentIn(folder: string): { marks: string; agent: string } {
  const marks = join(folder, 'marks')
  mkdirSync(marks)
  return { marks, agent: script(join(folder, 'agent.sh'), agentScript(marks)) }
}

const run = (repo: string, agent: string, inputs: Record<string, string>) =>
  runParallel(
    settingsFor(repo, {
      // The priority of unknown scope first: today's order would start it first.
      priorities: '3,1,2',
      'max-parallel': '3',
      'pr-comment': 'false',
      'agent-command': `bash ${agent}`,
      ...inputs
    }),
    testEngineOptions()
  )

/** The priorities in the order their merges landed on roadmap (oldest first). */
function mergeOrder(repo: string): string[] {
  return git(repo, 'log', '--first-parent', '--reverse', '--format=%s', 'roadmap')
    .split('\n')
    .filter((subject) => subject.startsWith('Merge'))
    .map((subject) => /PRIORITY ([\d.]+)/.exec(subject)?.[1] ?? subject)
}

describe('unknown-scope', () => {
  test('parallel: the priority of unknown scope starts with the others, is merged last, and its conflict goes through on-conflict', async () => {
    using dir = createRepo(files())
    const { agent } = agentIn(dir.path)
    const result = await run(dir.repo, agent, { 'unknown-scope': 'parallel' })
    expect(result.separation.unresolved).toEqual([3])
    expect(result.separation.schedule).toEqual([[3, 1, 2]])
    expect(result.separation.merge_last).toEqual([3])
    expect(result.tasks.map((task) => task.merge)).toEqual(['merged', 'merged', 'merged'])
    // 3 ended first, but its merge waited for 1 and 2; it conflicted on hub.txt with 1's and
    // was run again from the updated base (on-conflict: rerun, the default).
    const three = result.tasks.find((task) => task.priority === 3)!
    expect(three.attempts).toBe(2)
    const order = mergeOrder(dir.repo)
    expect([...order].sort()).toEqual(['1', '2', '3'])
    expect(order.at(-1)).toBe('3')
    expect(git(dir.repo, 'show', 'roadmap:hub.txt')).toBe('priority 3 was here')
  })

  test('wait: the priority of unknown scope starts once every other one is merged', async () => {
    using dir = createRepo(files())
    const { marks, agent } = agentIn(dir.path)
    // 3 cannot start before 1 and 2 are merged: they do not wait for it.
    mkdirSync(join(marks, 'wait-mode'))
    const result = await run(dir.repo, agent, { 'unknown-scope': 'wait' })
    expect(result.separation.schedule).toEqual([[1, 2], [3]])
    expect(result.tasks.map((task) => task.merge)).toEqual(['merged', 'merged', 'merged'])
    // Its worktree started from a base holding both others' work.
    const listing = readFileSync(join(marks, 'seen-by-3'), 'utf8')
    expect(listing).toContain('feature-1.txt')
    expect(listing).toContain('feature-2.txt')
  })
})
