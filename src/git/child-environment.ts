/**
 * What no child process of the run inherits: agents run code the workflow author did not
 * write, and git runs hooks and filters from the repository. Neither gets the action's token
 * or the runner's channels.
 *
 * - every INPUT_* and ACTIONS_* variable (the action's inputs, the runtime's own tokens);
 * - any variable holding the token's value, whatever its name;
 * - the runner's command files (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STATE,
 *   GITHUB_STEP_SUMMARY): a child writing there would set variables for later steps, outputs
 *   of this one, the state the post step trusts, or lines of the job's summary above the
 *   run's own report.
 */
const WITHHELD_PREFIXES = ['INPUT_', 'ACTIONS_']
const RUNNER_COMMAND_FILES = new Set([
  'GITHUB_ENV',
  'GITHUB_OUTPUT',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY'
])
/** Below this length a "token" is no secret worth searching other values for. */
const MIN_TOKEN_SEARCH = 8

/**
 * Credentials of the user's own GitHub account that a shell on a workstation (the CLI) or a
 * workflow's `env:` commonly holds. Agents get them only when `agent-env-pass` names them; the
 * run's own git processes only for a push or fetch (a credential helper such as
 * `gh auth git-credential` reads them).
 */
export const CREDENTIAL_VARIABLES: readonly string[] = [
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'GITHUB_ENTERPRISE_TOKEN',
  'GITHUB_PAT'
]

/** Variables that would point git at another repository than the folder it runs in. */
export const REPOSITORY_VARIABLES = new Set([
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES'
])

export function withoutActionSecrets(
  parent: NodeJS.ProcessEnv,
  token = '',
  alsoWithheld: ReadonlySet<string> = new Set()
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue
    const upper = name.toUpperCase()
    if (WITHHELD_PREFIXES.some((prefix) => upper.startsWith(prefix))) continue
    if (RUNNER_COMMAND_FILES.has(upper) || alsoWithheld.has(upper)) continue
    if (holdsToken(value, token)) continue
    env[name] = value
  }
  return env
}

function holdsToken(value: string, token: string): boolean {
  if (!token) return false
  return token.length >= MIN_TOKEN_SEARCH ? value.includes(token) : value === token
}
