import { readFile, stat } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'
import type { Usage } from '../core/types.js'
import { addUsage, overlayUsage } from '../core/usage.js'

/**
 * Reads what an agent CLI reports about its cost from its stdout, line by line as it streams,
 * holding one line at a time (of a line too long to hold, its start and its end: Claude Code
 * puts the cost after the result text). It knows the documented reports of:
 *
 * - Claude Code (`--output-format json` or `stream-json`): the final `{"type":"result", …}`
 *   object with `total_cost_usd` and `usage` (input, output, cache creation and cache read
 *   tokens); per-message usage in stream-json is never added, the result holds the totals.
 *   `is_error: true` in it means the run failed, whatever the exit status.
 * - Codex CLI (`exec --json`): `{"type":"turn.completed","usage":{…}}` events, summed (tokens
 *   only); `turn.failed` and `error` events carry the failure's message.
 * - Aider: its `Tokens: 2.5k sent, 363 received. Cost: $0.01 message, $0.02 session.` lines
 *   (tokens summed, as rounded as Aider prints them; the last session cost).
 *
 * Any other output is ignored, so any agent may print anything.
 */
export class UsageReader {
  private readonly decoder = new StringDecoder('utf8')
  private line = ''
  private lineCut = false
  /** The start of a line too long to hold (its end is in `line`). */
  private lineHead = ''
  private claude: Usage | null = null
  private codex: Usage | null = null
  private aider: Usage | null = null
  /** The failure the CLI itself reported, if it did. */
  reportedError: string | null = null

  push(chunk: Buffer): void {
    const parts = this.decoder.write(chunk).split('\n')
    for (let index = 0; index < parts.length - 1; index += 1) {
      this.hold(parts[index])
      this.consider(this.line, this.lineCut)
      this.line = ''
      this.lineCut = false
      this.lineHead = ''
    }
    this.hold(parts[parts.length - 1])
  }

  /** The end of the output: a last line without a newline counts too. */
  end(): void {
    this.hold(this.decoder.end())
    if (this.line) this.consider(this.line, this.lineCut)
    this.line = ''
    this.lineHead = ''
  }

  /** What the output reported; null when it reported nothing. */
  get usage(): Usage | null {
    return this.claude ?? this.codex ?? this.aider
  }

  private hold(text: string): void {
    this.line += text
    if (this.line.length > MAX_LINE_HELD) {
      if (!this.lineCut) this.lineHead = this.line.slice(0, TAIL_KEPT)
      this.line = this.line.slice(-TAIL_KEPT)
      this.lineCut = true
    }
  }

  private consider(raw: string, cut: boolean): void {
    const line = raw.trim()
    if (cut) {
      const head = this.lineHead
      if (/^\s*\{\s*"type"\s*:\s*"result"/.test(head) && `${head}${line}`.includes('"usage"')) {
        this.claude = claudeFromCut(head, line)
      }
      return
    }
    if (line.startsWith('{')) {
      this.considerJson(line)
      return
    }
    const aider = AIDER_TOKENS.exec(stripAnsi(line))
    if (aider) this.considerAider(aider)
  }

  private considerJson(line: string): void {
    let event: Record<string, unknown>
    try {
      event = JSON.parse(line) as Record<string, unknown>
    } catch {
      return
    }
    if (!event || typeof event !== 'object') return
    const usage = objectOf(event.usage)
    if (event.type === 'result' && ('total_cost_usd' in event || usage)) {
      this.claude = {
        cost_usd: numberOf(event.total_cost_usd),
        input_tokens: numberOf(usage?.input_tokens),
        output_tokens: numberOf(usage?.output_tokens),
        cache_read_input_tokens: numberOf(usage?.cache_read_input_tokens),
        cache_creation_input_tokens: numberOf(usage?.cache_creation_input_tokens)
      }
      if (event.is_error === true) {
        const said = [event.result, event.subtype].find((text) => typeof text === 'string')
        this.reportedError = (said ?? 'an error').slice(0, 500)
      }
    } else if (event.type === 'turn.completed' && usage) {
      this.codex = addUsage(this.codex, {
        cost_usd: null,
        input_tokens: numberOf(usage.input_tokens),
        output_tokens: numberOf(usage.output_tokens),
        cache_read_input_tokens: numberOf(usage.cached_input_tokens)
      })
    } else if (event.type === 'turn.failed' || event.type === 'error') {
      const error = objectOf(event.error)
      const message = error?.message ?? event.message
      if (typeof message === 'string') this.reportedError = message.slice(0, 500)
    }
  }

  private considerAider(match: RegExpExecArray): void {
    const previous = this.aider
    this.aider = {
      cost_usd: Number(match[4]),
      input_tokens: (previous?.input_tokens ?? 0) + aiderCount(match[1]),
      output_tokens: (previous?.output_tokens ?? 0) + aiderCount(match[2])
    }
  }
}

/** Longest line held whole (a Claude Code result with a long summary); then its tail only. */
const MAX_LINE_HELD = 4 * 1024 * 1024
const TAIL_KEPT = 64 * 1024

const AIDER_TOKENS =
  /^Tokens: ([\d.,]+k?) sent(?:, .*?)?, ([\d.,]+k?) received\. Cost: \$([\d.]+) message, \$([\d.]+) session\./

function aiderCount(text: string): number {
  const plain = text.replace(/,/g, '')
  return Math.round(plain.endsWith('k') ? Number(plain.slice(0, -1)) * 1000 : Number(plain))
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
}

/**
 * The cost and tokens of a result object too long to hold, from its start and its end (the
 * long result text is in between; Claude Code prints the cost after it).
 */
function claudeFromCut(head: string, tail: string): Usage {
  const field = (name: string): number | null => {
    const pattern = new RegExp(`"${name}"\\s*:\\s*(-?[0-9.eE+-]+)`)
    const match = pattern.exec(tail) ?? pattern.exec(head)
    return match ? numberOf(Number(match[1])) : null
  }
  return {
    cost_usd: field('total_cost_usd'),
    input_tokens: field('input_tokens'),
    output_tokens: field('output_tokens'),
    cache_read_input_tokens: field('cache_read_input_tokens'),
    cache_creation_input_tokens: field('cache_creation_input_tokens')
  }
}

function objectOf(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null
}

function numberOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null
}

/** A USAGE_FILE larger than this is not a usage report. */
const MAX_USAGE_FILE_BYTES = 64 * 1024

/**
 * What the agent wrote to its USAGE_FILE (`{"cost_usd": n, "input_tokens": n,
 * "output_tokens": n}`), or null when it wrote nothing usable; the problem, if any, for a note.
 */
export async function readUsageFile(
  path: string
): Promise<{ usage: Usage | null; problem: string | null }> {
  let text: string
  try {
    if ((await stat(path)).size > MAX_USAGE_FILE_BYTES) {
      return { usage: null, problem: `USAGE_FILE is larger than ${MAX_USAGE_FILE_BYTES} bytes` }
    }
    text = await readFile(path, 'utf8')
  } catch {
    return { usage: null, problem: null }
  }
  try {
    const data = objectOf(JSON.parse(text))
    if (!data) throw new Error('not an object')
    const usage: Usage = {
      cost_usd: numberOf(data.cost_usd),
      input_tokens: numberOf(data.input_tokens),
      output_tokens: numberOf(data.output_tokens)
    }
    for (const field of ['cache_read_input_tokens', 'cache_creation_input_tokens'] as const) {
      if (numberOf(data[field]) !== null) usage[field] = numberOf(data[field])
    }
    if (Object.values(usage).every((value) => value === null)) {
      return {
        usage: null,
        problem: 'USAGE_FILE holds none of cost_usd, input_tokens, output_tokens'
      }
    }
    return { usage, problem: null }
  } catch (error) {
    return { usage: null, problem: `USAGE_FILE is not JSON: ${(error as Error).message}` }
  }
}

/** One attempt's usage: the CLI's report, with what the agent wrote to USAGE_FILE over it. */
export function attemptUsage(reported: Usage | null, file: Usage | null): Usage | null {
  return overlayUsage(reported, file)
}
