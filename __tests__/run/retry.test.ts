import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { looksRateLimited, retryDelayMs } from '../../src/run/retry-policy.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { runStage, script, settingsFor } from './run-helpers.js'

// Fails its first attempt (a dropped connection), then does its work.
const FLAKY_AGENT = `
count="$COUNTER_DIR/attempts-$PRIORITY_ID"
n=$(( $(cat "$count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$count"
if [ "$n" -lt "$SUCCEED_ON" ]; then
  echo "attempt $n: Error: connection reset by peer"
  exit 1
fi
echo "attempt $n: working"
echo "work of $PRIORITY_ID" > "feature-$PRIORITY_ID.txt"
git add -A && git commit -qm "priority $PRIORITY_ID"
`

describe('max-retries', () => {
  test('an agent that fails its first attempt is started again and its second attempt is merged', async () => {
    using dir = createRepo(roadmapFiles({ 1: { files: ['feature-1.txt'] } }))
    const agent = script(join(dir.path, 'flaky.sh'), FLAKY_AGENT)
    const waits: [number, boolean][] = []
    const { byPriority } = await runStage(
      settingsFor(dir.repo, {
        priorities: '1',
        'agent-command': `bash ${agent}`,
        'max-retries': '2'
      }),
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          COUNTER_DIR: dir.path,
          SUCCEED_ON: '2'
        },
        retryDelay: (failed, rateLimited) => {
          waits.push([failed, rateLimited])
          return 10
        }
      }
    )
    const task = byPriority(1)
    expect(task).toMatchObject({ status: 'completed', merge: 'merged', attempts: 2, exit_code: 0 })
    expect(waits).toEqual([[1, false]])
    // Each attempt keeps its own log, oldest first.
    const [first, second] = task.log_files.map((file) => readFileSync(file, 'utf8'))
    expect(task.log_files).toHaveLength(2)
    expect(task.log_file).toBe(task.log_files[1])
    expect(first).toContain('=== agent started')
    expect(first).toContain('attempt 1: Error: connection reset')
    expect(second).toContain('=== agent (attempt 2) started')
    expect(second).toContain('attempt 2: working')
    expect(git(dir.repo, 'show', 'roadmap:feature-1.txt')).toBe('work of 1')
  })

  test('with the default of 0, a failed agent runs once and fails', async () => {
    using dir = createRepo(roadmapFiles({ 1: { files: ['feature-1.txt'] } }))
    const agent = script(join(dir.path, 'flaky.sh'), FLAKY_AGENT)
    const { byPriority } = await runStage(
      settingsFor(dir.repo, { priorities: '1', 'agent-command': `bash ${agent}` }),
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          COUNTER_DIR: dir.path,
          SUCCEED_ON: '2'
        },
        retryDelay: () => 10
      }
    )
    expect(byPriority(1)).toMatchObject({ status: 'failed', attempts: 1, merge: 'not-merged' })
  })
})

describe('the retry policy', () => {
  test('tells rate limits and quotas from other failures', () => {
    for (const text of [
      'Error: 429 Too Many Requests',
      'API Error: rate_limit_error',
      'You exceeded your current quota',
      'overloaded_error: Overloaded'
    ]) {
      expect(looksRateLimited(text)).toBe(true)
    }
    // A subscription's usage limit resets hours later: nothing to wait out within a run.
    for (const text of [
      'TypeError: x is undefined',
      'tests failed: 4 of 29',
      'exit status 1',
      'Claude usage limit reached'
    ]) {
      expect(looksRateLimited(text)).toBe(false)
    }
  })

  test('waits longer after each failure, and longer still after a rate limit', () => {
    const none = () => 0
    expect(retryDelayMs(1, false, undefined, none)).toBe(5_000)
    expect(retryDelayMs(2, false, undefined, none)).toBe(10_000)
    expect(retryDelayMs(1, true, undefined, none)).toBe(60_000)
    expect(retryDelayMs(9, true, undefined, none)).toBe(600_000)
    expect(retryDelayMs(1, false, undefined, () => 1)).toBe(5_500)
  })
})
