import { INPUT_DEFAULTS, INPUT_NAMES, type InputName } from '../inputs/input-definitions.js'
import { INPUT_DESCRIPTIONS } from '../inputs/input-descriptions.js'

const FLAG_WIDTH = 26
const LINE_WIDTH = 100

/** What the CLI's own default is, where it is not the action's. */
const CLI_DEFAULTS: Partial<Record<InputName, string>> = {
  'github-token': '$GITHUB_TOKEN',
  'log-dir': 'a new folder per run, yours alone, in the temp folder'
}

/** The first sentence of a description: one line per option, the rest is in action.yml. */
export function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  const end = flat.search(/\.(\s|$)/)
  return end === -1 ? flat : flat.slice(0, end + 1)
}

function isBoolean(name: InputName): boolean {
  return INPUT_DEFAULTS[name] === 'true' || INPUT_DEFAULTS[name] === 'false'
}

function optionLine(name: InputName): string {
  const flag = isBoolean(name) ? `--[no-]${name}` : `--${name}`
  const fallback = CLI_DEFAULTS[name] ?? INPUT_DEFAULTS[name]
  const description = firstSentence(INPUT_DESCRIPTIONS[name] ?? '')
  const shown =
    name === 'priorities' || fallback === '' ? '' : ` [default: ${fallback.split('\n').join(' ')}]`
  return wrap(`  ${flag.padEnd(FLAG_WIDTH - 3)} ${description}${shown}`)
}

/** Long lines broken at spaces, continued under the description's first column. */
function wrap(line: string): string {
  const out: string[] = []
  let rest = line
  while (rest.length > LINE_WIDTH) {
    const cut = rest.lastIndexOf(' ', LINE_WIDTH)
    if (cut <= FLAG_WIDTH) break
    out.push(rest.slice(0, cut))
    rest = ' '.repeat(FLAG_WIDTH) + rest.slice(cut + 1)
  }
  out.push(rest)
  return out.join('\n')
}

/** `parallel-worktree --help`: each option's line is the first sentence of its action.yml description. */
export function usage(): string {
  return `parallel-worktree <mode> [priorities] [--input-name value]... [--repo DIR] [--json] [--explain]
       parallel-worktree status [--json] | clean [--dry-run] [--discard-unmerged]

Runs coding agents on several roadmap priorities at once, each in its own git worktree,
and merges their work back into the base branch.

Modes:
  run     the whole job here: plan, worktrees, parallel agents, merges, cleanup (default)
  plan    the separation analysis and schedule only; changes nothing
  task    one priority on this runner (a matrix job): branch, agent, commit, push
  merge   merge the already pushed branches of the priorities into the base branch
  status  what runs left here (worktrees, branches, refs/parallel-worktree/): what each holds,
          why it was kept, the disk each worktree takes, and the command to run next
  clean   remove what status lists that loses nothing: merged branches and refs, worktrees
          with nothing uncommitted; never a worktree with uncommitted work

Options (each is the action input of the same name, described in full in action.yml):
${INPUT_NAMES.filter((name) => name !== 'mode')
  .map(optionLine)
  .join('\n')}
  ${'--repo DIR'.padEnd(FLAG_WIDTH - 3)} The repository [default: the current folder]
  ${'--json'.padEnd(FLAG_WIDTH - 3)} Print the result JSON alone on stdout; logs and the report go to stderr
  ${'--explain'.padEnd(FLAG_WIDTH - 3)} (plan) Print the spec file and line behind every path
  ${'--dry-run'.padEnd(FLAG_WIDTH - 3)} (clean) Print what would be removed; change nothing
  ${'--discard-unmerged'.padEnd(FLAG_WIDTH - 3)} (clean) Also drop branches and refs holding commits base lacks
  ${'--version'.padEnd(FLAG_WIDTH - 3)} Print the version
  ${'--help, -h'.padEnd(FLAG_WIDTH - 3)} Print this help

Examples:
  parallel-worktree plan 65-67
  parallel-worktree plan 2.5,3 --explain
  parallel-worktree run 65,66 --max-parallel 2 --agent-command 'my-agent --priority={priority}'
  parallel-worktree status
  parallel-worktree clean --dry-run

Exit status: 0 every priority merged (plan: plan made), 1 something failed, conflicted or was
skipped (the report is written), 2 refused before anything was touched (bad input);
status and clean: 0 once done.
`
}
