import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/temp-repo.js'
import { UsageReader, readUsageFile } from '../../src/run/usage-report.js'
import { looksRateLimited } from '../../src/run/rate-limit.js'
import { totalUsage, formatUsd, usageCell } from '../../src/core/usage.js'

// Formats as documented: Claude Code 2.x print mode (`--output-format json|stream-json`, the
// result object with total_cost_usd and usage), Codex CLI `exec --json` (turn.completed
// usage: input_tokens, cached_input_tokens, output_tokens), Aider's token report line.

/** Feeds the text to a reader in chunks of `size` bytes (splitting lines and characters). */
function read(text: string, size = 7): UsageReader {
  const reader = new UsageReader()
  const bytes = Buffer.from(text)
  for (let at = 0; at < bytes.length; at += size) reader.push(bytes.subarray(at, at + size))
  reader.end()
  return reader
}

const CLAUDE_RESULT = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  duration_ms: 61234,
  num_turns: 12,
  result: 'Implemented the recipes store. ✅',
  session_id: 'abc',
  total_cost_usd: 0.4213,
  usage: {
    input_tokens: 1530,
    cache_creation_input_tokens: 22011,
    cache_read_input_tokens: 310422,
    output_tokens: 8870
  }
}

describe('UsageReader', () => {
  test('Claude Code json: the one result object', () => {
    const reader = read(JSON.stringify(CLAUDE_RESULT))
    expect(reader.usage).toEqual({
      cost_usd: 0.4213,
      input_tokens: 1530,
      output_tokens: 8870,
      cache_read_input_tokens: 310422,
      cache_creation_input_tokens: 22011
    })
    expect(reader.reportedError).toBeNull()
  })

  test('Claude Code stream-json: the final result, never the per-message usage', () => {
    const lines = [
      { type: 'system', subtype: 'init', session_id: 'abc' },
      { type: 'assistant', message: { usage: { input_tokens: 5, output_tokens: 9 } } },
      { type: 'user', message: { content: [{ type: 'tool_result', content: 'ok' }] } },
      CLAUDE_RESULT
    ]
    const reader = read(lines.map((line) => JSON.stringify(line)).join('\n') + '\n', 3)
    expect(reader.usage).toMatchObject({ cost_usd: 0.4213, input_tokens: 1530 })
  })

  test('a result line longer than can be held still gives its cost (it follows the text)', () => {
    const long = { ...CLAUDE_RESULT, result: 'x'.repeat(5 * 1024 * 1024) }
    const reader = read(JSON.stringify(long) + '\n', 64 * 1024)
    expect(reader.usage).toMatchObject({ cost_usd: 0.4213, output_tokens: 8870 })
    // Also with the cost before the text (the head of the line is kept too).
    const { result } = long
    const costFirst = read(
      JSON.stringify({ type: 'result', total_cost_usd: 0.5, usage: CLAUDE_RESULT.usage, result }) +
        '\n',
      64 * 1024
    )
    expect(costFirst.usage).toMatchObject({ cost_usd: 0.5, input_tokens: 1530 })
  })

  test('Claude Code is_error: the failure it reported, for the verdict', () => {
    const reader = read(
      JSON.stringify({ ...CLAUDE_RESULT, is_error: true, result: 'API Error: Rate limit reached' })
    )
    expect(reader.reportedError).toBe('API Error: Rate limit reached')
  })

  test('Codex exec --json: turn.completed usage, summed; no cost', () => {
    const events = [
      { type: 'thread.started', thread_id: 't' },
      { type: 'turn.started' },
      { type: 'item.completed', item: { type: 'agent_message', text: 'hi' } },
      {
        type: 'turn.completed',
        usage: { input_tokens: 26549, cached_input_tokens: 22272, output_tokens: 1590 }
      },
      {
        type: 'turn.completed',
        usage: { input_tokens: 100, cached_input_tokens: 0, output_tokens: 10 }
      }
    ]
    const reader = read(events.map((event) => JSON.stringify(event)).join('\n'))
    expect(reader.usage).toEqual({
      cost_usd: null,
      input_tokens: 26649,
      output_tokens: 1600,
      cache_read_input_tokens: 22272
    })
  })

  test('Codex turn.failed: its message', () => {
    const reader = read(
      JSON.stringify({ type: 'turn.failed', error: { message: '429 Too Many Requests' } })
    )
    expect(reader.reportedError).toBe('429 Too Many Requests')
    expect(reader.usage).toBeNull()
  })

  test("Aider's token lines: tokens summed, the last session cost", () => {
    const reader = read(
      [
        'Aider v0.86.1',
        'Tokens: 2.5k sent, 363 received. Cost: $0.0093 message, $0.0093 session.',
        '\x1b[2mTokens: 12k sent, 1.1k cache write, 3.3k cache hit, 1,203 received. Cost: $0.05 message, $0.0593 session.\x1b[0m'
      ].join('\n')
    )
    expect(reader.usage).toEqual({ cost_usd: 0.0593, input_tokens: 14500, output_tokens: 1566 })
  })

  test('anything else is no usage: text, broken JSON, other objects', () => {
    const reader = read(
      'hello\n{"type":"result"\n{"cost": 3}\n[1,2]\n{"type":"result","usage":"x"}\n'
    )
    expect(reader.usage).toBeNull()
  })
})

describe('USAGE_FILE', () => {
  test('is read as the contract writes it, and refused politely otherwise', async () => {
    using dir = tempDir()
    const file = join(dir.path, 'usage.json')
    expect(await readUsageFile(file)).toEqual({ usage: null, problem: null })
    writeFileSync(file, '{"cost_usd": 1.5, "input_tokens": 10, "output_tokens": 2}')
    expect(await readUsageFile(file)).toEqual({
      usage: { cost_usd: 1.5, input_tokens: 10, output_tokens: 2 },
      problem: null
    })
    writeFileSync(file, 'cost: 3')
    expect((await readUsageFile(file)).problem).toMatch(/^USAGE_FILE is not JSON/)
    writeFileSync(file, '{"cost_usd": -1, "input_tokens": "many"}')
    expect((await readUsageFile(file)).problem).toMatch(/holds none of/)
  })
})

describe('totals and formats', () => {
  test('the run total keeps unknown fields null and sums the rest', () => {
    expect(totalUsage([{ usage: null }, {}])).toEqual({
      cost_usd: null,
      input_tokens: null,
      output_tokens: null
    })
    expect(
      totalUsage([
        { usage: { cost_usd: 0.1, input_tokens: 5, output_tokens: null } },
        { usage: { cost_usd: 0.2, input_tokens: null, output_tokens: 7 } },
        { usage: null }
      ])
    ).toEqual({ cost_usd: 0.3, input_tokens: 5, output_tokens: 7 })
    expect(formatUsd(0.0093)).toBe('$0.0093')
    expect(formatUsd(12.345)).toBe('$12.35')
    expect(usageCell({ cost_usd: null, input_tokens: 7000, output_tokens: 500 })).toBe(
      '7.0k in / 500 out'
    )
  })
})

describe('looksRateLimited', () => {
  test.each([
    'API Error: Rate limit reached',
    'API Error: Request rejected (429) · Rate limited. Please try again later.',
    '{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}',
    'exceeded retry limit, last status: 429 Too Many Requests',
    'litellm.RateLimitError: AnthropicException - overloaded',
    'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'
  ])('%s: yes', (text) => expect(looksRateLimited(text)).toBe(true))

  test.each([
    'npm test: 3 tests failed',
    'Claude AI usage limit reached|1767225600',
    'error: src/limits.ts:429: expected rate to be positive'
  ])('%s: no', (text) => expect(looksRateLimited(text)).toBe(false))
})
