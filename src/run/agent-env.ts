/**
 * The agents' environment: the step's own, minus anything that could carry the action's
 * secrets (every INPUT_* and ACTIONS_* variable, and any variable holding the token's value,
 * whatever its name). Agents run code the workflow author did not write; they get no token.
 */
const WITHHELD_PREFIXES = ['INPUT_', 'ACTIONS_']

export function agentEnvironment(
  parent: NodeJS.ProcessEnv,
  token: string,
  extra: Record<string, string>
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue
    if (WITHHELD_PREFIXES.some((prefix) => name.toUpperCase().startsWith(prefix))) continue
    if (token && value.includes(token)) continue
    env[name] = value
  }
  return { ...env, ...extra }
}
