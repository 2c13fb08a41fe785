// What the benches share (the bench runner skips files starting with `_`): the environment of
// their git, the median, a logger that says only errors, where repositories may go.
import { accessSync, constants } from 'node:fs'

/** The environment of the benches' git: no system config, a fixed identity, C locale. */
export const BENCH_ENV = {
  ...process.env,
  LC_ALL: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com'
}

/** The middle value (the upper one of an even count); null for none. */
export const median = (values) =>
  values.length ? [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] : null

/** An engine logger that says only errors, through `log`. */
export const quietLogger = (log) => ({
  info() {},
  warning() {},
  error: (message) => log(`error: ${message}`),
  debug() {},
  group() {}
})

/** Whether this process may write in `folder` (/dev/shm is not everywhere). */
export function writable(folder) {
  try {
    accessSync(folder, constants.W_OK)
    return true
  } catch {
    return false
  }
}
