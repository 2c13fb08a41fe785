/**
 * A time the engine keeps to itself, shortened by an environment variable in seconds (tests
 * set it; a user with faster limits may): its value in ms, or null when unset or not a number.
 */
export function secondsVariable(env: NodeJS.ProcessEnv, name: string): number | null {
  const text = env[name]
  const seconds = Number(text)
  return text && Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null
}
