import { InputError } from '../core/errors.js'
import {
  INPUT_DEFAULTS,
  INPUT_NAMES,
  type InputName,
  type RawInputs
} from '../inputs/input-definitions.js'
import { shorten } from '../core/shorten.js'
import { usage } from './help.js'
import { closestWord } from './suggest.js'

export interface CliArguments {
  inputs: RawInputs
  repo: string
  json: boolean
  /** `plan --explain`: print the spec file and line behind every path. */
  explain: boolean
  /** `status` or `clean`: what the tool left in the repository, not a run. */
  leftovers: 'status' | 'clean' | null
  /** `clean --dry-run`: say what would go, change nothing. */
  dryRun: boolean
  /** `clean --discard-unmerged`: also drop branches and refs holding commits base lacks. */
  discardUnmerged: boolean
  help: boolean
  version: boolean
}

const BOOLEAN_INPUTS = INPUT_NAMES.filter((name) =>
  ['true', 'false'].includes(INPUT_DEFAULTS[name])
)
const MODES = ['run', 'plan', 'task', 'merge', 'status', 'clean']
/** Every flag there is, for the suggestion after a mistyped one. */
const KNOWN_FLAGS = [
  ...INPUT_NAMES,
  ...BOOLEAN_INPUTS.map((name) => `no-${name}`),
  'repo',
  'json',
  'explain',
  'dry-run',
  'discard-unmerged',
  'help',
  'version'
]

/** ` Did you mean --max-parallel?`, or nothing when no flag is close. */
function didYouMean(typed: string, known: readonly string[], dashes: string): string {
  const near = closestWord(typed, known)
  return near ? ` Did you mean ${dashes}${near}?` : ''
}

/**
 * `parallel-worktree <mode> [--input-name value]... [--repo DIR] [--json]`: every action input
 * is a flag of the same name; boolean inputs also take `--push` / `--no-push`.
 */
export function parseCliArguments(argv: readonly string[], cwd: string): CliArguments {
  const parsed: CliArguments = {
    inputs: {},
    repo: cwd,
    json: false,
    explain: false,
    leftovers: null,
    dryRun: false,
    discardUnmerged: false,
    help: false,
    version: false
  }
  const rest = [...argv]
  if (rest[0] && !rest[0].startsWith('-')) {
    const mode = rest.shift()!
    if (!MODES.includes(mode)) {
      throw new InputError(
        `"${shorten(mode)}" is not a mode: use one of ${MODES.join(', ')}.${didYouMean(mode, MODES, '')}`
      )
    }
    if (mode === 'status' || mode === 'clean') parsed.leftovers = mode
    else parsed.inputs.mode = mode
  }
  while (rest.length > 0) {
    const arg = rest.shift()!
    if (arg === '--help' || arg === '-h') parsed.help = true
    else if (arg === '--version') parsed.version = true
    else if (arg === '--json') parsed.json = true
    else if (arg === '--explain') parsed.explain = true
    else if (arg === '--dry-run') parsed.dryRun = true
    else if (arg === '--discard-unmerged') parsed.discardUnmerged = true
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
        throw new InputError(
          `--${shorten(flag)} is not an option.${didYouMean(flag, KNOWN_FLAGS, '--')} (parallel-worktree --help lists them all)`
        )
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
  const mode = parsed.leftovers ?? parsed.inputs.mode ?? 'run'
  if ((parsed.dryRun || parsed.discardUnmerged) && mode !== 'clean' && !parsed.help) {
    throw new InputError(
      `--${parsed.dryRun ? 'dry-run' : 'discard-unmerged'} only goes with the clean mode, not ${shorten(mode)}: use parallel-worktree clean ${parsed.dryRun ? '--dry-run' : '--discard-unmerged'}.`
    )
  }
  if (parsed.leftovers && parsed.inputs.priorities !== undefined) {
    throw new InputError(
      `${parsed.leftovers} takes no priorities ("${shorten(parsed.inputs.priorities)}"): it looks at everything the tool left in the repository.`
    )
  }
  if (parsed.explain && mode !== 'plan' && !parsed.help) {
    throw new InputError(
      `--explain only goes with the plan mode, not ${shorten(mode)}: use parallel-worktree plan <priorities> --explain to see the spec lines behind each path.`
    )
  }
  return parsed
}

/**
 * Whether the word after a bare boolean flag is its value: not another flag, and not the
 * priorities (`run --push 65,66` pushes; it does not set push to "65,66").
 */
function isBooleanValue(word: string | undefined): boolean {
  return word !== undefined && !word.startsWith('--') && !/^[0-9][0-9.,\s-]*$/.test(word)
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

export const USAGE = usage()
