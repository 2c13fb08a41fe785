import {
  CREDENTIAL_VARIABLES,
  REPOSITORY_VARIABLES,
  withoutActionSecrets
} from '../git/child-environment.js'

export { CREDENTIAL_VARIABLES }

/**
 * The agents' environment: the step's own, minus what could carry the action's secrets or let
 * an agent steer the job (see child-environment), minus variables that would point its git at
 * another repository than its worktree, minus the user's GitHub credentials unless passed;
 * plus the priority's own variables. `identity` (the run's committer, when neither the
 * repository nor the environment gives one: a fresh runner) goes under the rest, so that an
 * identity of the environment's own wins.
 */
export function agentEnvironment(
  parent: NodeJS.ProcessEnv,
  token: string,
  extra: Record<string, string>,
  pass: readonly string[] = [],
  identity: Record<string, string> = {}
): Record<string, string> {
  const passed = new Set(pass.map((name) => name.toUpperCase()))
  const withheld = new Set([
    ...REPOSITORY_VARIABLES,
    ...CREDENTIAL_VARIABLES.filter((name) => !passed.has(name))
  ])
  return { ...identity, ...withoutActionSecrets(parent, token, withheld), ...extra }
}
