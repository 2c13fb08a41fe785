import { execFile } from 'node:child_process'
import { commandShell } from './agent-command.js'

/** `NAME=value` before a command: an assignment, not the command. */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/

/**
 * The program a shell command starts with (`poetry` in `FOO=1 poetry run x`), or null when it
 * cannot be known before the command runs: it is built from placeholders, variables,
 * substitutions, globs or `~`, or the command opens with a group, a subshell or a redirection.
 */
export function firstCommandWord(command: string): string | null {
  let rest = command.trimStart()
  for (;;) {
    const word = leadingWord(rest)
    if (word === null) return null
    if (ASSIGNMENT.test(word.text) && !word.quoted) {
      rest = rest.slice(word.length).trimStart()
      continue
    }
    if (/[$`{}*?[\]~\\]/.test(word.text) || word.text === '') return null
    return word.text
  }
}

function leadingWord(text: string): { text: string; length: number; quoted: boolean } | null {
  if (text === '' || /^[(<>;&|!#]/.test(text)) return null
  const quote = text[0]
  if (quote === "'" || quote === '"') {
    const end = text.indexOf(quote, 1)
    if (end === -1) return null
    const after = text.slice(end + 1)
    // A quoted word glued to more (`"a"b`) is left to the shell.
    if (after !== '' && !/^[\s;&|]/.test(after)) return null
    return { text: text.slice(1, end), length: end + 1, quoted: true }
  }
  // An assignment's value may be quoted: `FOO="a b" cmd`.
  const assignment = /^([A-Za-z_][A-Za-z0-9_]*=)('[^']*'|"[^"$`\\]*"|[^\s;&|'"]*)/.exec(text)
  if (assignment) {
    return { text: assignment[0], length: assignment[0].length, quoted: false }
  }
  const bare = /^[^\s;&|()<>'"]+/.exec(text)
  if (!bare) return null
  const after = text.slice(bare[0].length)
  if (after !== '' && /^['"]/.test(after)) return null
  return { text: bare[0], length: bare[0].length, quoted: false }
}

/**
 * Whether the shell that runs agents finds this word as a command (a program on PATH, a path
 * to an executable, a builtin or a keyword), in that environment and folder. Only a clear
 * "not found" answers false: a shell that could not be asked (a slow machine, a spawn
 * error) answers true, so that nothing is refused on a guess.
 */
export function commandExists(word: string, env: NodeJS.ProcessEnv, cwd: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      commandShell(),
      ['-c', 'command -v "$1" >/dev/null 2>&1', 'sh', word],
      { env, cwd, timeout: 60_000 },
      (error) => resolve(!(error && error.code === 1 && !error.killed))
    )
  })
}
