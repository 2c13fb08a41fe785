import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** POSIX single quotes: the value reaches the command as one word, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/** Characters that mean nothing to a shell: a value made only of them needs no quotes. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/

export interface AgentValues {
  priority: number
  branch: string
  worktree: string
  base: string
}

const PLACEHOLDER = /\{(priority|branch|worktree|base)\}/g

/**
 * The workflow author's command with {priority}, {branch}, {worktree} and {base} replaced so
 * that each value reaches the program as the author meant it, whatever it holds: bare where
 * it needs no quoting (so `"--branch={branch}"` still works), otherwise quoted for where the
 * placeholder stands: outside quotes, inside '…' or inside "…". Other braces (`${HOME}`, awk
 * programs) are left as the author wrote them.
 */
export function renderAgentCommand(template: string, values: AgentValues): string {
  const byName: Record<string, string> = {
    priority: String(values.priority),
    branch: values.branch,
    worktree: values.worktree,
    base: values.base
  }
  const contexts = quoteContexts(template)
  return template.replace(PLACEHOLDER, (_match, name: string, offset: number) =>
    quoteFor(byName[name], contexts[offset])
  )
}

type QuoteContext = 'none' | 'single' | 'double'

function quoteFor(value: string, context: QuoteContext): string {
  if (PLAIN.test(value)) return value
  switch (context) {
    case 'single':
      // Close the quote, add the value quoted on its own, reopen.
      return `'${shellQuote(value)}'`
    case 'double':
      return value.replace(/["$`\\]/g, (char) => `\\${char}`)
    default:
      return shellQuote(value)
  }
}

/** For each character of a shell command: inside single quotes, double quotes or neither. */
function quoteContexts(command: string): QuoteContext[] {
  const contexts: QuoteContext[] = []
  let state: QuoteContext = 'none'
  for (let i = 0; i < command.length; i += 1) {
    contexts[i] = state
    const char = command[i]
    if (state === 'single') {
      if (char === "'") state = 'none'
    } else if (char === '\\') {
      contexts[i + 1] = state
      i += 1
    } else if (state === 'double') {
      if (char === '"') state = 'none'
    } else if (char === "'") state = 'single'
    else if (char === '"') state = 'double'
  }
  return contexts
}

/** The environment variables that carry the same values. */
export function agentVariables(values: AgentValues): Record<string, string> {
  return {
    PRIORITY_ID: String(values.priority),
    BRANCH_NAME: values.branch,
    WORKTREE_PATH: values.worktree,
    BASE_BRANCH: values.base
  }
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
