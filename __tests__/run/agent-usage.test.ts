import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execute } from '../../src/engine/execute.js'
import { reportToRunner } from '../../src/action/action-report.js'
import { silentLogger } from '../helpers/logger.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { resultOutputs } from '../../src/report/result.js'
import { createRepo, roadmapFiles } from '../helpers/temp-repo.js'
import { FakeGitHub } from '../report/fake-github.js'
import { runStage, settingsFor } from './run-helpers.js'
import { installStandIns } from './stand-in-clis.js'
import type { RawInputs } from '../../src/inputs/input-definitions.js'

// The stand-in CLIs print the documented reports named in stand-ins/agent-cli.mjs (Claude Code
// 2.x stream-json result object, Codex CLI exec --json turn.completed events, Aider's token
// line) and, when asked, write USAGE_FILE as the contract describes it.

function repoOf(count: number): Record<string, string> {
  const specs: Record<number, { files: string[] }> = {}
  for (let p = 1; p <= count; p += 1) specs[p] = { files: [`src/feature-${p}.ts`] }
  return roadmapFiles(specs)
}

async function stage(inputs: RawInputs, env: Record<string, string> = {}, count = 1) {
  const dir = createRepo(repoOf(count))
  const standIns = installStandIns(dir.path)
  const settings = settingsFor(dir.repo, {
    priorities: count === 1 ? '1' : `1-${count}`,
    'start-spacing-seconds': '0',
    ...inputs
  })
  const run = await runStage(settings, { env: standIns.env(env), rateLimitWaitMs: 50 })
  return { dir, standIns, settings, ...run }
}

describe("each preset's own report becomes the task's usage", () => {
  test.each([
    [
      'claude-code',
      {},
      {
        cost_usd: 0.25,
        input_tokens: 1200,
        output_tokens: 340,
        cache_read_input_tokens: 20000,
        cache_creation_input_tokens: 5000
      }
    ],
    [
      'codex',
      {},
      { cost_usd: null, input_tokens: 7000, output_tokens: 500, cache_read_input_tokens: 3500 }
    ],
    [
      'aider',
      { STANDIN_COST: '0.12' },
      { cost_usd: 0.12, input_tokens: 5600, output_tokens: 1563 }
    ],
    [
      'code-developer',
      { STANDIN_USAGE_FILE_COST: '0.07' },
      { cost_usd: 0.07, input_tokens: 1000, output_tokens: 100 }
    ]
  ])('%s', async (agent, env, usage) => {
    const run = await stage({ agent }, env)
    using _dir = run.dir
    expect(run.byPriority(1)).toMatchObject({ status: 'completed', merge: 'merged', usage })
  })

  test('USAGE_FILE, written by the agent, is over what its CLI printed', async () => {
    const run = await stage({ agent: 'claude-code' }, { STANDIN_USAGE_FILE_COST: '1.5' })
    using _dir = run.dir
    expect(run.byPriority(1).usage).toMatchObject({
      cost_usd: 1.5,
      input_tokens: 1000,
      cache_read_input_tokens: 20000
    })
  })
})

describe('rate limits', () => {
  test.each(['claude-code', 'codex'])(
    '%s: a rate-limited start waits and is retried',
    async (agent) => {
      const run = await stage({ agent }, { STANDIN_RATE_LIMITED: '1' })
      using _dir = run.dir
      const calls = run.standIns.calls()
      expect(calls.map((call) => call.attempt)).toEqual([1, 2])
      expect(calls[1].time - calls[0].time).toBeGreaterThanOrEqual(50)
      expect(run.byPriority(1)).toMatchObject({ status: 'completed', merge: 'merged' })
      expect(run.logger.text()).toContain("[1] the agent hit its API's rate limit (attempt 1)")
    }
  )

  test('a rate limit that does not pass fails the task with what the CLI said', async () => {
    const run = await stage({ agent: 'claude-code' }, { STANDIN_RATE_LIMITED: '99' })
    using _dir = run.dir
    // Exit 0, but Claude Code reported is_error: a failure, started 1 + 3 times.
    expect(run.standIns.calls()).toHaveLength(4)
    expect(run.byPriority(1)).toMatchObject({
      status: 'failed',
      exit_code: 0,
      error: expect.stringContaining('API Error: Rate limit reached') as unknown as string
    })
  })

  test('a failure that is no rate limit is not retried', async () => {
    const run = await stage({ agent: 'codex' }, { STANDIN_FAIL: '1' })
    using _dir = run.dir
    expect(run.standIns.calls()).toHaveLength(1)
    expect(run.byPriority(1)).toMatchObject({ status: 'failed', exit_code: 3 })
  })

  test('starts are spread out by start-spacing-seconds', async () => {
    const run = await stage(
      { agent: 'codex', 'max-parallel': '2', 'start-spacing-seconds': '1' },
      {},
      2
    )
    using _dir = run.dir
    const starts = run.tasks.map((task) => Date.parse(task.started_at!)).sort((x, y) => x - y)
    expect(run.standIns.calls()).toHaveLength(2)
    // When the scheduler started each one (the stand-ins' own clocks add node's start-up).
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(1000)
  })
})

describe('the budget and where the cost is shown', () => {
  const TOKEN = 'ghs_budgetTestTokenThatNoAgentSees0000'
  let github: FakeGitHub
  const saved = { ...process.env }
  beforeAll(async () => {
    github = await new FakeGitHub().start()
  })
  afterAll(async () => {
    process.env = saved
    await github[Symbol.asyncDispose]()
  })

  test('max-cost-usd stops new starts; result, outputs, summary, comment and terminal show the cost', async () => {
    using dir = createRepo(repoOf(3))
    const standIns = installStandIns(dir.path)
    const settings = settingsFor(dir.repo, {
      priorities: '1-3',
      agent: 'claude-code',
      'max-parallel': '1',
      'max-cost-usd': '0.5',
      'start-spacing-seconds': '0',
      'max-cpu-percent': '100',
      'max-memory-percent': '100',
      'github-token': TOKEN
    })
    const execution = await execute(settings, {
      logger: silentLogger,
      env: standIns.env({ STANDIN_COST: '0.25' })
    })
    const { result } = execution
    expect(standIns.calls()).toHaveLength(2)
    expect(result.tasks.map((task) => [task.priority, task.status, task.usage?.cost_usd])).toEqual([
      [1, 'completed', 0.25],
      [2, 'completed', 0.25],
      [3, 'skipped', undefined]
    ])
    expect(result.tasks[2].error).toBe(
      'not started: the budget max-cost-usd ($0.50) is spent: the agents reported $0.50'
    )
    expect(result.usage).toEqual({
      cost_usd: 0.5,
      input_tokens: 2400,
      output_tokens: 680,
      cache_read_input_tokens: 40000,
      cache_creation_input_tokens: 10000
    })
    expect(result.max_cost_usd).toBe(0.5)
    expect(resultOutputs(result)['cost-usd']).toBe('0.5')

    const terminal = renderTerminalReport(result)
    expect(terminal).toMatch(/PRIORITY +BRANCH +STATUS +TIME +COMMITS +MERGE +COST +ERROR/)
    expect(terminal).toMatch(/\n {2}1 +feature\/us-001 +completed .* \$0\.25/)
    expect(terminal).toContain(
      'Cost: $0.50; 2.4k input, 680 output, 50k cache tokens, reported by 2 of 2 agents; budget max-cost-usd $0.50: $0.50 spent (100%), 1 not started because it was reached.'
    )

    // The action's report: outputs, job summary and the comment, through a local GitHub.
    const runner = join(dir.path, 'runner')
    writeFileSync(`${runner}-event.json`, JSON.stringify({ pull_request: { number: 12 } }))
    writeFileSync(`${runner}-output`, '')
    writeFileSync(`${runner}-summary.md`, '')
    Object.assign(process.env, {
      GITHUB_OUTPUT: `${runner}-output`,
      GITHUB_STEP_SUMMARY: `${runner}-summary.md`,
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: `${runner}-event.json`,
      GITHUB_RUN_ID: '77',
      GITHUB_WORKFLOW: 'Roadmap',
      GITHUB_JOB: 'agents'
    })
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      await reportToRunner(execution, settings)
    } finally {
      write.mockRestore()
    }
    const outputs = readFileSync(`${runner}-output`, 'utf8')
    expect(outputs).toMatch(/cost-usd<<(\S+)\n0\.5\n\1/)
    const summary = readFileSync(`${runner}-summary.md`, 'utf8')
    const comment = github.comments[0]?.body ?? ''
    for (const text of [summary, comment]) {
      expect(text).toContain(
        '| Priority | Branch | Status | Duration | Commits | Merge | Cost | Error |'
      )
      expect(text).toMatch(/\| 1 \| `feature\/us-001` \| .* \| \$0\.25 \|/)
      expect(text).toContain('budget max-cost-usd $0.50: $0.50 spent (100%)')
      expect(text).toContain('the budget max-cost-usd ($0.50) is spent')
    }
  })
})
