import { spawnSync } from 'node:child_process'
import type { AttemptSpan, RunResult, StartLimitChange } from '../../src/core/types.js'
import { describeStartLimitChange } from '../../src/core/start-limit-text.js'
import { renderSummary } from '../../src/report/summary.js'
import { createRepo, roadmapFiles, tempDir, type TempDir } from '../helpers/temp-repo.js'
import { installStandIns, type StandInCall } from '../run/stand-in-clis.js'
import { buildSourceCli, type SourceCli } from './source-cli.js'

// Agents on one API key hit its rate limit together. Stand-ins of the real CLIs (see
// __tests__/run/stand-ins/agent-cli.mjs) answer the first four starts of the run with the
// rate limit, each in its CLI's own format: Claude Code's result "API Error: Rate limit
// reached" (is_error, exit 0), Codex's turn.failed "429 Too Many Requests" (exit 1). The
// minute after which the limit rises again and the wait before a rate-limited agent starts
// again are shortened through the engine's own variables.

let cli: SourceCli
let runnerTemp: TempDir

beforeAll(() => {
  cli = buildSourceCli()
  runnerTemp = tempDir('pw-backoff-temp-')
})
afterAll(() => {
  cli[Symbol.dispose]()
  runnerTemp[Symbol.dispose]()
})

const PRIORITIES = [1, 2, 3, 4, 5, 6]
const MAX_PARALLEL = 4

function runWithRateLimits(agent: string) {
  const specs = Object.fromEntries(PRIORITIES.map((p) => [p, { files: [`src/feature-${p}.ts`] }]))
  const repo = createRepo(roadmapFiles(specs))
  const standIns = installStandIns(repo.path)
  const run = spawnSync(
    process.execPath,
    [
      cli.entry,
      'run',
      PRIORITIES.join(','),
      '--agent',
      agent,
      '--max-parallel',
      String(MAX_PARALLEL),
      '--start-spacing-seconds',
      '0',
      '--no-pr-comment',
      '--max-cpu-percent',
      '100',
      '--max-memory-percent',
      '100',
      '--json',
      '--repo',
      repo.repo
    ],
    {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...standIns.env({
          STANDIN_RATE_LIMITED_STARTS: String(MAX_PARALLEL),
          STANDIN_SLEEP_MS: '600',
          PARALLEL_WORKTREE_RATE_LIMIT_WAIT_SECONDS: '0.1',
          PARALLEL_WORKTREE_START_LIMIT_RECOVERY_SECONDS: '0.3'
        }),
        LC_ALL: 'C',
        RUNNER_TEMP: runnerTemp.path,
        GIT_CONFIG_NOSYSTEM: '1'
      }
    }
  )
  return { repo, standIns, run }
}

/** The priority a stand-in was started for, from its prompt file's name. */
function priorityOf(call: StandInCall): number {
  return Number(/priority-(\d+)\.prompt\.md$/.exec(call.env.PROMPT_FILE ?? '')?.[1])
}

/** The limit in effect at `time`: after every change made by then (the highest of a tie). */
function limitAt(changes: StartLimitChange[], time: number): number {
  let limit = MAX_PARALLEL
  for (const change of changes) {
    const at = Date.parse(change.at)
    if (at < time) limit = change.to
    else if (at === time) limit = Math.max(limit, change.to, change.from)
  }
  return limit
}

describe('agents that hit a rate limit back off together', () => {
  test.each(['claude-code', 'codex'])(
    '%s: the start limit halves at the rate limit, recovers by one per agent that runs without one, and every wait counts in attempts',
    (agent) => {
      const { repo, standIns, run } = runWithRateLimits(agent)
      using _repo = repo
      expect(run.stderr).not.toMatch(/Error: Cannot find/)
      const result = JSON.parse(run.stdout) as RunResult
      expect(result.tasks.map((task) => [task.priority, task.status, task.merge])).toEqual(
        PRIORITIES.map((p) => [p, 'completed', 'merged'])
      )
      expect(run.status).toBe(0)

      const changes = result.start_limit_changes!
      // One burst of rate limits (four agents that started together) lowers the limit once.
      expect(changes[0]).toMatchObject({ from: 4, to: 2, reason: 'rate-limit' })
      for (const change of changes) {
        expect(change.to).toBe(
          change.reason === 'rate-limit'
            ? Math.max(1, Math.floor(change.from / 2))
            : change.from + 1
        )
      }
      expect(changes.filter((change) => change.reason === 'recovered').length).toBeGreaterThan(0)
      expect(changes[changes.length - 1]).toMatchObject({ to: MAX_PARALLEL, reason: 'recovered' })
      // Each change is said in the console as it happens, in the terminal report (both on
      // stderr) and in the job summary.
      const summary = renderSummary(result)
      for (const change of changes) {
        const line = describeStartLimitChange(change)
        expect(run.stderr.split(line).length).toBeGreaterThanOrEqual(3)
        expect(summary).toContain(line)
      }

      // Every start of an agent (a restart after a rate limit too) is an attempt.
      const calls = standIns.calls()
      for (const task of result.tasks) {
        const started = calls.filter((call) => priorityOf(call) === task.priority)
        expect(task.attempts).toBe(started.length)
        expect(task.attempt_spans).toHaveLength(task.attempts)
      }
      expect(result.tasks.reduce((sum, task) => sum + task.attempts, 0)).toBe(
        PRIORITIES.length + MAX_PARALLEL
      )
      // Which priorities got the four rate-limited starts depends on who started first.
      for (const task of result.tasks) {
        const limited = task.attempt_spans!.filter((span) => span.rate_limited).length
        expect(task.attempts).toBe(1 + limited)
      }

      // No agent started while as many as the start limit allowed were running (from the
      // start of each attempt, as the run recorded them).
      const spans = result.tasks.flatMap((task) => task.attempt_spans ?? [])
      const time = (span: AttemptSpan, end: 'started_at' | 'ended_at') => Date.parse(span[end])
      for (const span of spans) {
        const start = time(span, 'started_at')
        const alongside = spans.filter(
          (other) => time(other, 'started_at') <= start && time(other, 'ended_at') > start
        )
        expect(alongside.length).toBeLessThanOrEqual(limitAt(changes, start))
      }
      // The stand-ins' own clocks: the rate-limited agents started again two at a time (a
      // restart the stand-in saw before the first recovery was let go before it too).
      const lowered = Date.parse(changes[0].at)
      const recovered = Date.parse(changes.find((c) => c.reason === 'recovered')!.at)
      const startedBetween = calls.filter((call) => call.attempt > 1 && call.time < recovered)
      expect(startedBetween.length).toBeLessThanOrEqual(2)
      // The agents that were not rate-limited at first started only once the limit rose.
      const firstOfFive = calls.find((call) => priorityOf(call) === 5)!
      const firstOfSix = calls.find((call) => priorityOf(call) === 6)!
      expect(Math.min(firstOfFive.time, firstOfSix.time)).toBeGreaterThan(lowered)
    }
  )
})
