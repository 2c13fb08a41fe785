import { REPOSITORY_VARIABLES, withoutActionSecrets } from '../git/child-environment.js'

/**
 * Credentials of the user's own GitHub account that a shell on a workstation (the CLI) or a
 * workflow's `env:` commonly holds. The action withholds its own token by value; these are
 * withheld by name too, so that an agent never pushes, comments or reads as the user unless
 * `agent-env-pass` names the variable.
 */
export const CREDENTIAL_VARIABLES: readonly string[] = [
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'GITHUB_ENTERPRISE_TOKEN',
  'GITHUB_PAT'
]

/**
 * The agents' environment: the step's own, minus what could carry the action's secrets or let
 * an agent steer the job (see child-environment), minus variables that would point its git at
 * another repository than its worktree, minus the user's GitHub credentials unless passed;
 * plus the priority's own variables.
 */
export function agentEnvironment(
  parent: NodeJS.ProcessEnv,
  token: string,
  extra: Record<string, string>,
  pass: readonly string[] = []
): Record<string, string> {
  const passed = new Set(pass.map((name) => name.toUpperCase()))
  const withheld = new Set([
    ...REPOSITORY_VARIABLES,
    ...CREDENTIAL_VARIABLES.filter((name) => !passed.has(name))
  ])
  return { ...withoutActionSecrets(parent, token, withheld), ...extra }
}
