import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** POSIX single quotes: the value reaches the command as one word, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/**
 * Characters that mean nothing to a shell in any context (outside quotes, inside quotes, in a
 * heredoc, under `eval`): a value made only of them is written as it is.
 */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/

export interface AgentValues {
  priority: number | string
  branch: string
  worktree: string
  base: string
  /** The priority's prompt file (outside the worktree); '' where there is none. */
  promptFile?: string
  /** Where the agent may write its usage (`{"cost_usd": n, ...}`); '' where there is none. */
  usageFile?: string
}

/**
 * Each placeholder of the agent and setup commands, the environment variable the agent gets
 * with the same value, and where that value comes from. One row per placeholder: adding one
 * is adding a row (and its field to AgentValues).
 */
const PLACEHOLDERS: readonly {
  name: string
  variable: string
  value: (values: AgentValues) => string
}[] = [
  { name: 'priority', variable: 'PRIORITY_ID', value: (values) => String(values.priority) },
  { name: 'branch', variable: 'BRANCH_NAME', value: (values) => values.branch },
  { name: 'worktree', variable: 'WORKTREE_PATH', value: (values) => values.worktree },
  { name: 'base', variable: 'BASE_BRANCH', value: (values) => values.base },
  { name: 'prompt-file', variable: 'PROMPT_FILE', value: (values) => values.promptFile ?? '' }
]

const PLACEHOLDER = new RegExp(`\\{(${PLACEHOLDERS.map((row) => row.name).join('|')})\\}`, 'g')

/**
 * The workflow author's command with its placeholders replaced. A value that holds nothing a
 * shell reads (always true of {priority}, {branch}, {base}) is written as it is, so that
 * `"--branch={branch}"` still works. Any other value is never pasted into the command: the
 * placeholder becomes a reference to the environment variable holding it (`"$WORKTREE_PATH"`),
 * written for where it stands, so that a shell only ever expands it as data:
 * - outside quotes: `"${WORKTREE_PATH}"`; inside "…": `${WORKTREE_PATH}`;
 * - inside '…' (text this shell does not read: a nested `bash -c '…'`, `eval '…'`):
 *   `"${WORKTREE_PATH}"` stays as written, for the shell that reads it later;
 * - in a heredoc's body: `${WORKTREE_PATH}`, or `"${WORKTREE_PATH}"` when its delimiter is
 *   quoted (the body is then text for another program, as in single quotes).
 * Other braces (`${HOME}`, awk programs) are left as the author wrote them.
 */
export function renderAgentCommand(template: string, values: AgentValues): string {
  const contexts = quoteContexts(template)
  return template.replace(PLACEHOLDER, (_match, name: string, offset: number) => {
    const row = PLACEHOLDERS.find((entry) => entry.name === name)!
    const value = row.value(values)
    if (PLAIN.test(value)) return value
    return referenceFor(row.variable, contexts[offset])
  })
}

/** The environment variables that carry the placeholders' values, and USAGE_FILE. */
export function agentVariables(values: AgentValues): Record<string, string> {
  const variables: Record<string, string> = {}
  for (const row of PLACEHOLDERS) {
    const value = row.value(values)
    // A file the run did not make (a setup command's run) is not named at all.
    if (value !== '' || !OPTIONAL_VARIABLES.has(row.variable)) variables[row.variable] = value
  }
  if (values.usageFile) variables.USAGE_FILE = values.usageFile
  return variables
}

const OPTIONAL_VARIABLES = new Set(['PROMPT_FILE'])

type QuoteContext = 'none' | 'single' | 'double' | 'heredoc' | 'literal-heredoc'

function referenceFor(variable: string, context: QuoteContext): string {
  switch (context) {
    case 'double':
    case 'heredoc':
      return `\${${variable}}`
    default:
      // Outside quotes, a quoted reference is one word; inside '…' or a quoted heredoc, it is
      // the text a later shell expands as data.
      return `"\${${variable}}"`
  }
}

/**
 * For each character of a shell command: outside quotes, inside '…' or "…", or in the body of
 * a heredoc (expanding, or literal when its delimiter is quoted).
 */
function quoteContexts(command: string): QuoteContext[] {
  const contexts: QuoteContext[] = []
  let state: QuoteContext = 'none'
  /** Heredocs whose bodies start after the current line. */
  let pending: { delimiter: string; literal: boolean; stripTabs: boolean }[] = []
  /** Open command substitutions `$(…)`: the context each returns to, and parentheses inside. */
  const substitutions: { outer: QuoteContext; parens: number }[] = []
  for (let i = 0; i < command.length; i += 1) {
    contexts[i] = state
    const char = command[i]
    if (state === 'single') {
      if (char === "'") state = 'none'
    } else if (char === '\\') {
      contexts[i + 1] = state
      i += 1
    } else if (char === '$' && command[i + 1] === '(' && (state === 'none' || state === 'double')) {
      // A new command inside: quoting starts afresh there.
      substitutions.push({ outer: state, parens: 0 })
      state = 'none'
      contexts[i + 1] = state
      i += 1
    } else if (state === 'double') {
      if (char === '"') state = 'none'
    } else if (char === '(' && substitutions.length > 0) substitutions.at(-1)!.parens += 1
    else if (char === ')' && substitutions.length > 0) {
      const inner = substitutions.at(-1)!
      if (inner.parens > 0) inner.parens -= 1
      else state = substitutions.pop()!.outer
    } else if (char === "'") state = 'single'
    else if (char === '"') state = 'double'
    else if (char === '<' && command.startsWith('<<', i) && command[i + 2] !== '<') {
      const heredoc = /^<<(-?)[ \t]*(?:'([^']*)'|"([^"]*)"|\\?([A-Za-z0-9_.-]+))/.exec(
        command.slice(i)
      )
      if (heredoc) {
        const quoted = heredoc[2] ?? heredoc[3]
        pending.push({
          delimiter: quoted ?? heredoc[4],
          literal: quoted !== undefined || heredoc[0].includes('\\'),
          stripTabs: heredoc[1] === '-'
        })
        for (let j = 1; j < heredoc[0].length; j += 1) contexts[i + j] = state
        i += heredoc[0].length - 1
      }
    } else if (char === '\n' && pending.length > 0) {
      // The bodies follow, one after the other, each up to its delimiter's own line.
      let at = i + 1
      for (const body of pending) {
        while (at < command.length) {
          const end = command.indexOf('\n', at)
          const stop = end === -1 ? command.length : end
          const line = command.slice(at, stop)
          const done = (body.stripTabs ? line.replace(/^\t+/, '') : line) === body.delimiter
          const kind: QuoteContext = done ? 'none' : body.literal ? 'literal-heredoc' : 'heredoc'
          for (let j = at; j <= stop; j += 1) contexts[j] = kind
          at = stop + 1
          if (done) break
        }
      }
      pending = []
      i = at - 1
    }
  }
  return contexts
}

let cachedShell: string | undefined
/** bash where there is one (the contract's `bash -c`), sh otherwise. */
export function commandShell(): string {
  cachedShell ??= findBash() ?? '/bin/sh'
  return cachedShell
}

function findBash(): string | undefined {
  const folders = [
    '/bin',
    '/usr/bin',
    '/usr/local/bin',
    ...(process.env.PATH ?? '').split(delimiter)
  ]
  return folders
    .filter(Boolean)
    .map((folder) => join(folder, 'bash'))
    .find(existsSync)
}
