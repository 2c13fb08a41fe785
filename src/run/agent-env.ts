import { REPOSITORY_VARIABLES, withoutActionSecrets } from '../git/child-environment.js'

/**
 * The agents' environment: the step's own, minus what could carry the action's secrets or let
 * an agent steer the job (see child-environment), minus variables that would point its git at
 * another repository than its worktree; plus the priority's own variables.
 */
export function agentEnvironment(
  parent: NodeJS.ProcessEnv,
  token: string,
  extra: Record<string, string>
): Record<string, string> {
  return { ...withoutActionSecrets(parent, token, REPOSITORY_VARIABLES), ...extra }
}
