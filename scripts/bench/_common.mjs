// What the benches share (the bench runner skips files starting with `_`): the environment of
// their git, the median, a logger that says only errors, where repositories may go.
import { execFileSync } from 'node:child_process'
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

/**
 * A repository of `files` files in one commit on `main`, checked out, through `git
 * fast-import` (100,000 `git add`s would take minutes): folders d000-d099, each with ten
 * subfolders, a hundred distinct contents, a `.gitignore` that keeps `build/` out, and
 * `extra` files (path: content) beside them.
 */
export function importedRepository(path, files, extra = {}) {
  const git = (cwd, args, input) =>
    execFileSync('git', args, { cwd, env: BENCH_ENV, input, maxBuffer: 256 << 20 })
  git('/', ['init', '-q', '-b', 'main', path])
  const contents = Array.from({ length: 100 }, (_, k) => `export const value${k} = ${k}\n`)
  const named = { '.gitignore': 'build/\n', ...extra }
  const lines = [...contents, ...Object.values(named)].map(
    (blob, k) => `blob\nmark :${k + 1}\ndata ${Buffer.byteLength(blob)}\n${blob}`
  )
  lines.push('commit refs/heads/main\ncommitter Bench <bench@example.com> 0 +0000\ndata 5\nbase\n')
  Object.keys(named).forEach((name, k) => lines.push(`M 100644 :${101 + k} ${name}`))
  for (let k = 0; k < files; k++) {
    const folder = `d${String(k % 100).padStart(3, '0')}/s${Math.floor(k / 100) % 10}`
    lines.push(`M 100644 :${(k % 100) + 1} ${folder}/f${k}.ts`)
  }
  git(path, ['fast-import', '--quiet'], `${lines.join('\n')}\n\n`)
  git(path, ['checkout', '-q', '-f', 'main'])
  return path
}
