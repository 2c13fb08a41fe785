#!/usr/bin/env node
// A stand-in for the agent CLIs the presets run, installed first on PATH under the names
// `claude`, `codex`, `aider` and `poetry`: no network, no model. It records how it was called
// (arguments, working folder, the prompt it got, the variables it saw), does a small piece of
// work in its worktree, and prints what the real CLI prints, in the documented format:
//
// - claude: Claude Code print mode, as documented for Claude Code 2.x ("Run Claude Code
//   programmatically", headless mode): `--output-format json` prints one result object,
//   `stream-json` (with --verbose) one JSON object a line ending with that object. The result
//   object: type "result", subtype, is_error, duration_ms, num_turns, result, session_id,
//   total_cost_usd, usage { input_tokens, output_tokens, cache_creation_input_tokens,
//   cache_read_input_tokens }. A rate limit is reported as the result "API Error: Rate limit
//   reached" with is_error true (and exit 0 in the versions issue anthropics/claude-code#79500
//   describes, the hardest case for a caller).
// - codex: Codex CLI `codex exec --json` (the exec JSON Lines events of Codex CLI 0.4x+, as in
//   its non-interactive mode docs): thread.started, turn.started, item.completed,
//   turn.completed { usage: { input_tokens, cached_input_tokens, output_tokens } } per turn;
//   a failure is turn.failed { error: { message } } and a non-zero exit. It leaves its edits
//   uncommitted (a workspace-write sandbox cannot write the worktree's git folder).
// - aider: Aider's scripting mode (`--message-file`, `--yes-always`; aider.chat/docs/scripting)
//   with its own commit, and its token report line "Tokens: 2.5k sent, 363 received. Cost:
//   $0.01 message, $0.02 session."
// - poetry: `poetry run code-developer --priority=N` (the seed's agent).
//
// Controls (environment): STANDIN_RECORD (a folder for the records), STANDIN_COST (USD, per
// run), STANDIN_RATE_LIMITED (the first N runs of each priority hit the rate limit),
// STANDIN_RATE_LIMITED_STARTS (the first N starts of the run, all priorities together, hit it:
// a key shared by agents started together), STANDIN_SLEEP_MS (before work; a rate limit answers
// at once), STANDIN_USAGE_FILE_COST (write USAGE_FILE with this cost), STANDIN_FAIL
// (fail as a failed test run would, not as a rate limit).
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync
} from 'node:fs'
import { execFileSync } from 'node:child_process'
import { basename, join } from 'node:path'

const cli = basename(process.argv[1])
const args = process.argv.slice(2)
const env = process.env
const priority = env.PRIORITY_ID ?? '0'
const record = env.STANDIN_RECORD

const valueAfter = (flag) => {
  const index = args.indexOf(flag)
  return index >= 0 ? args[index + 1] : undefined
}
const readStdin = () => {
  try {
    return readFileSync(0, 'utf8')
  } catch {
    return ''
  }
}
const prompt =
  cli === 'aider'
    ? readFileSync(valueAfter('--message-file'), 'utf8')
    : cli === 'poetry'
      ? ''
      : readStdin()

let attempt = 1
if (record) {
  mkdirSync(record, { recursive: true })
  const counter = join(record, `${cli}-${priority}.count`)
  attempt = (existsSync(counter) ? Number(readFileSync(counter, 'utf8')) : 0) + 1
  writeFileSync(counter, String(attempt))
  appendFileSync(
    join(record, 'calls.jsonl'),
    JSON.stringify({
      cli,
      args,
      cwd: process.cwd(),
      prompt,
      attempt,
      time: Date.now(),
      env: {
        PROMPT_FILE: env.PROMPT_FILE ?? null,
        USAGE_FILE: env.USAGE_FILE ?? null,
        ANTHROPIC_API_KEY: env.ANTHROPIC_API_KEY ?? null,
        OPENAI_API_KEY: env.OPENAI_API_KEY ?? null,
        GITHUB_TOKEN: env.GITHUB_TOKEN ?? null,
        INPUT_GITHUB_TOKEN: env['INPUT_GITHUB-TOKEN'] ?? env.INPUT_GITHUB_TOKEN ?? null
      }
    }) + '\n'
  )
}

const cost = Number(env.STANDIN_COST ?? '0.25')
/** This start's place among every start of the run (1 first): a file made exclusively. */
function startOrdinal() {
  for (let n = 1; ; n += 1) {
    try {
      closeSync(openSync(join(record, `start-${n}`), 'wx'))
      return n
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
    }
  }
}
const rateLimited =
  attempt <= Number(env.STANDIN_RATE_LIMITED ?? '0') ||
  (record && env.STANDIN_RATE_LIMITED_STARTS
    ? startOrdinal() <= Number(env.STANDIN_RATE_LIMITED_STARTS)
    : false)
const say = (object) => process.stdout.write(JSON.stringify(object) + '\n')

if (env.STANDIN_FAIL) {
  process.stderr.write('npm test: 3 tests failed\n')
  process.exit(3)
}

if (env.STANDIN_SLEEP_MS && !rateLimited)
  await new Promise((r) => setTimeout(r, Number(env.STANDIN_SLEEP_MS)))

function work({ commit }) {
  const file = `src/feature-${priority}.ts`
  mkdirSync('src', { recursive: true })
  appendFileSync(file, `// ${cli} was here (priority ${priority}, attempt ${attempt})\n`)
  if (!commit) return
  execFileSync('git', ['add', '-A'])
  execFileSync('git', ['commit', '-q', '-m', `${cli}: priority ${priority}`], {
    env: {
      ...env,
      GIT_AUTHOR_NAME: 'Agent',
      GIT_AUTHOR_EMAIL: 'agent@example.com',
      GIT_COMMITTER_NAME: 'Agent',
      GIT_COMMITTER_EMAIL: 'agent@example.com'
    }
  })
}

if (env.STANDIN_USAGE_FILE_COST && env.USAGE_FILE) {
  writeFileSync(
    env.USAGE_FILE,
    JSON.stringify({
      cost_usd: Number(env.STANDIN_USAGE_FILE_COST),
      input_tokens: 1000,
      output_tokens: 100
    })
  )
}

if (cli === 'claude') {
  const streaming = valueAfter('--output-format') === 'stream-json'
  const session = `session-${priority}-${attempt}`
  if (streaming) {
    say({ type: 'system', subtype: 'init', session_id: session, tools: ['Bash', 'Edit'] })
    say({
      type: 'assistant',
      session_id: session,
      message: {
        role: 'assistant',
        content: [{ type: 'text', text: 'Working on it.' }],
        // Per-message usage: never to be added to the result's totals.
        usage: { input_tokens: 999999, output_tokens: 999999 }
      }
    })
  }
  if (!rateLimited) work({ commit: true })
  say({
    type: 'result',
    subtype: 'success',
    is_error: rateLimited,
    duration_ms: 1234,
    duration_api_ms: rateLimited ? 0 : 1100,
    num_turns: rateLimited ? 1 : 3,
    // A long result text, as a real summary can be: the cost comes after it on the line.
    result: rateLimited ? 'API Error: Rate limit reached' : `Done. ${'All good. '.repeat(1500)}`,
    session_id: session,
    total_cost_usd: rateLimited ? 0 : cost,
    usage: rateLimited
      ? { input_tokens: 0, output_tokens: 0 }
      : {
          input_tokens: 1200,
          cache_creation_input_tokens: 5000,
          cache_read_input_tokens: 20000,
          output_tokens: 340,
          server_tool_use: { web_search_requests: 0 }
        }
  })
  process.exit(0)
}

if (cli === 'codex') {
  say({ type: 'thread.started', thread_id: `thread-${priority}` })
  say({ type: 'turn.started' })
  if (rateLimited) {
    say({
      type: 'turn.failed',
      error: { message: 'exceeded retry limit, last status: 429 Too Many Requests' }
    })
    process.exit(1)
  }
  say({ type: 'item.completed', item: { id: 'item_0', type: 'agent_message', text: 'Step one.' } })
  say({
    type: 'turn.completed',
    usage: { input_tokens: 3000, cached_input_tokens: 1000, output_tokens: 200 }
  })
  say({ type: 'turn.started' })
  work({ commit: false })
  say({ type: 'item.completed', item: { id: 'item_1', type: 'agent_message', text: 'Done.' } })
  say({
    type: 'turn.completed',
    usage: { input_tokens: 4000, cached_input_tokens: 2500, output_tokens: 300 }
  })
  process.exit(0)
}

if (cli === 'aider') {
  process.stdout.write('Aider v0.86.1\nMain model: sonnet with diff edit format\n')
  work({ commit: true })
  process.stdout.write('Tokens: 2.5k sent, 363 received. Cost: $0.0093 message, $0.0093 session.\n')
  process.stdout.write(`Tokens: 3.1k sent, 1.2k received. Cost: $0.02 message, $${cost} session.\n`)
  process.exit(0)
}

if (cli === 'poetry') {
  process.stdout.write(`code-developer: ${args.join(' ')}\n`)
  work({ commit: true })
  process.exit(0)
}

process.stderr.write(`stand-in: unknown CLI ${cli}\n`)
process.exit(2)
