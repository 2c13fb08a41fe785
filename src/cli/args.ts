import { InputError } from '../core/errors.js'
import {
  INPUT_DEFAULTS,
  INPUT_NAMES,
  type InputName,
  type RawInputs
} from '../inputs/input-definitions.js'
import { shorten } from '../inputs/priorities.js'

export interface CliArguments {
  inputs: RawInputs
  repo: string
  json: boolean
  help: boolean
  version: boolean
}

const BOOLEAN_INPUTS = INPUT_NAMES.filter((name) =>
  ['true', 'false'].includes(INPUT_DEFAULTS[name])
)
const MODES = ['run', 'plan', 'task', 'merge']

/**
 * `parallel-worktree <mode> [--input-name value]... [--repo DIR] [--json]`: every action input
 * is a flag of the same name; boolean inputs also take `--push` / `--no-push`.
 */
export function parseCliArguments(argv: readonly string[], cwd: string): CliArguments {
  const parsed: CliArguments = { inputs: {}, repo: cwd, json: false, help: false, version: false }
  const rest = [...argv]
  if (rest[0] && !rest[0].startsWith('-')) {
    const mode = rest.shift()!
    if (!MODES.includes(mode)) {
      throw new InputError(`"${shorten(mode)}" is not a mode: use one of ${MODES.join(', ')}`)
    }
    parsed.inputs.mode = mode
  }
  while (rest.length > 0) {
    const arg = rest.shift()!
    if (arg === '--help' || arg === '-h') parsed.help = true
    else if (arg === '--version') parsed.version = true
    else if (arg === '--json') parsed.json = true
    else if (arg.startsWith('--')) {
      const [flag, inline] = splitFlag(arg.slice(2))
      if (flag === 'repo') {
        parsed.repo = inline ?? takeValue(rest, 'repo')
        continue
      }
      if (
        flag.startsWith('no-') &&
        BOOLEAN_INPUTS.includes(flag.slice(3) as InputName) &&
        inline === undefined
      ) {
        parsed.inputs[flag.slice(3) as InputName] = 'false'
        continue
      }
      if (!INPUT_NAMES.includes(flag as InputName)) {
        throw new InputError(`--${shorten(flag)} is not an option (see parallel-worktree --help)`)
      }
      const name = flag as InputName
      if (inline !== undefined) parsed.inputs[name] = inline
      else if (BOOLEAN_INPUTS.includes(name) && !isBooleanValue(rest[0])) {
        parsed.inputs[name] = 'true'
      } else parsed.inputs[name] = takeValue(rest, name)
    } else if (parsed.inputs.priorities === undefined) {
      parsed.inputs.priorities = arg // `parallel-worktree run 65,66`
    } else {
      parsed.inputs.priorities += ` ${arg}`
    }
  }
  return parsed
}

/**
 * Whether the word after a bare boolean flag is its value: not another flag, and not the
 * priorities (`run --push 65,66` pushes; it does not set push to "65,66").
 */
function isBooleanValue(word: string | undefined): boolean {
  return word !== undefined && !word.startsWith('--') && !/^[0-9][0-9,\s-]*$/.test(word)
}

function splitFlag(text: string): [string, string | undefined] {
  const at = text.indexOf('=')
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)]
}

function takeValue(rest: string[], name: string): string {
  const value = rest.shift()
  if (value === undefined) throw new InputError(`--${name} needs a value`)
  return value
}

export const USAGE = `parallel-worktree <mode> [priorities] [--input-name value]... [--repo DIR] [--json]

Runs coding agents on several roadmap priorities at once, each in its own git worktree,
and merges their work back into the base branch.

Modes:
  run     the whole job here: plan, worktrees, parallel agents, merges, cleanup (default)
  plan    the separation analysis and schedule only; changes nothing
  task    one priority on this runner (a matrix job): branch, agent, commit, push
  merge   merge the already pushed branches of the priorities into the base branch

Options (each action input is a flag of the same name):
${INPUT_NAMES.filter((name) => name !== 'mode')
  .map(
    (name) =>
      `  --${name.padEnd(22)} default: ${INPUT_DEFAULTS[name] === '' ? '(empty)' : INPUT_DEFAULTS[name]}`
  )
  .join('\n')}
  --repo DIR               the repository (default: the current directory)
  --json                   print the result JSON alone on stdout; logs go to stderr

Exit status: 0 every priority merged (plan: plan made), 1 something failed, conflicted or was
skipped (the report is written), 2 refused before anything was touched (bad input).
`
