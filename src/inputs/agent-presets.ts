/**
 * The `agent` presets: the command line each runs, built from its CLI's public documentation
 * (the versions followed are named in __tests__/run/agent-presets.test.ts); the settings resolve
 * the one command line the run starts, so no stage needs to know the presets. Data only: how the
 * line is put together is below, what each CLI reports is in usage-report.ts.
 *
 * `{args}` is where `agent-args` go: before a trailing stdin redirect or prompt argument, so
 * that a flag added by the user reaches the CLI as a flag.
 */
export const AGENT_PRESETS = {
  /** The seed's agent (the default of `agent-command`). */
  'code-developer': {
    command: 'poetry run code-developer --priority={priority}{args}',
    rateLimited: false
  },
  /**
   * Claude Code in print mode: the prompt on stdin, one JSON event a line (stream-json needs
   * --verbose in print mode) ending with the result object that holds the cost; no permission
   * prompts, since nobody is there to answer them and the worktree is disposable.
   */
  'claude-code': {
    command:
      'claude -p --output-format stream-json --verbose --permission-mode bypassPermissions{args} < {prompt-file}',
    rateLimited: true
  },
  /**
   * Codex CLI headless: JSON Lines events (turn.completed carries the tokens), a sandbox that
   * may write in the workspace only; `-` reads the prompt from stdin.
   */
  codex: {
    command: 'codex exec --json --sandbox workspace-write{args} - < {prompt-file}',
    rateLimited: true
  },
  /** Aider: one instruction from the file, every question answered yes; it commits its edits. */
  aider: {
    command: 'aider --yes-always --no-check-update --message-file {prompt-file}{args}',
    rateLimited: true
  }
} as const

export type AgentPreset = keyof typeof AGENT_PRESETS
export const AGENT_PRESET_NAMES = Object.keys(AGENT_PRESETS) as AgentPreset[]

/** The preset's command line with `agent-args` in its place. */
export function presetCommand(preset: AgentPreset, agentArgs = ''): string {
  const args = agentArgs.trim()
  return AGENT_PRESETS[preset].command.replace('{args}', args ? ` ${args}` : '')
}

/**
 * The command the run starts: `agent-command` when set (with `agent-args` after it), else the
 * preset's, else the default `agent-command` (the seed's code-developer).
 */
export function resolveAgentCommand(options: {
  agentCommand: string
  preset: AgentPreset | null
  agentArgs: string
  defaultCommand: string
}): string {
  const args = options.agentArgs.trim()
  const custom = options.agentCommand.trim()
  if (custom) return args ? `${custom} ${args}` : custom
  if (options.preset) return presetCommand(options.preset, args)
  return args ? `${options.defaultCommand} ${args}` : options.defaultCommand
}
