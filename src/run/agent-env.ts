/**
 * The agents' environment: the step's own, minus anything that could carry the action's
 * secrets or let an agent steer the job. Agents run code the workflow author did not write;
 * they get no token.
 *
 * Withheld:
 * - every INPUT_* and ACTIONS_* variable (the action's inputs, the runtime's own tokens);
 * - any variable holding the token's value, whatever its name;
 * - the runner's command files (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STATE): an agent
 *   writing there would set variables for later steps, outputs of this one, or the state our
 *   post step trusts;
 * - variables that would point git at another repository than the agent's worktree.
 */
const WITHHELD_PREFIXES = ['INPUT_', 'ACTIONS_']
const WITHHELD_NAMES = new Set([
  'GITHUB_ENV',
  'GITHUB_OUTPUT',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE'
])
/** Below this length a "token" is no secret worth searching other values for. */
const MIN_TOKEN_SEARCH = 8

export function agentEnvironment(
  parent: NodeJS.ProcessEnv,
  token: string,
  extra: Record<string, string>
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue
    const upper = name.toUpperCase()
    if (WITHHELD_PREFIXES.some((prefix) => upper.startsWith(prefix))) continue
    if (WITHHELD_NAMES.has(upper)) continue
    if (holdsToken(value, token)) continue
    env[name] = value
  }
  return { ...env, ...extra }
}

function holdsToken(value: string, token: string): boolean {
  if (!token) return false
  return token.length >= MIN_TOKEN_SEARCH ? value.includes(token) : value === token
}
