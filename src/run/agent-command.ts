import { existsSync } from 'node:fs'

/** POSIX single quotes: the value reaches the command as one word, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

export interface AgentValues {
  priority: number
  branch: string
  worktree: string
  base: string
}

/**
 * The workflow author's command with {priority}, {branch}, {worktree} and {base} replaced by
 * quoted values. Other braces (`${HOME}`, awk programs) are left as the author wrote them.
 */
export function renderAgentCommand(template: string, values: AgentValues): string {
  const byName: Record<string, string> = {
    priority: String(values.priority),
    branch: values.branch,
    worktree: values.worktree,
    base: values.base
  }
  return template.replace(/\{(priority|branch|worktree|base)\}/g, (_m, name: string) =>
    shellQuote(byName[name])
  )
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
  cachedShell ??=
    ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash'].find(existsSync) ?? '/bin/sh'
  return cachedShell
}
