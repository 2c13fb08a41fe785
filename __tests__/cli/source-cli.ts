// The CLI of the current sources, transpiled file by file: scripts/source-cli.mjs builds it,
// for scripts/chaos.mjs as for the tests.
import { spawnSync } from 'node:child_process'
export { buildSourceCli, type SourceCli } from '../../scripts/source-cli.mjs'

/**
 * The CLI at `entry` run as a user runs it, with a plain environment (no runner, no token):
 * its exit status and what it printed.
 */
export function runAsUser(
  entry: string,
  args: readonly string[],
  { runnerTemp, cwd, timeoutMs = 60_000 }: { runnerTemp: string; cwd?: string; timeoutMs?: number }
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [entry, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LC_ALL: 'C',
      RUNNER_TEMP: runnerTemp,
      GIT_CONFIG_NOSYSTEM: '1'
    }
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}
