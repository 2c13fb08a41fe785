/** Exit status 2: refused before anything was touched. The message names the problem. */
export class InputError extends Error {
  override name = 'InputError'
}

/** A git command failed; carries what git said so reports never show a bare exit status. */
export class GitError extends Error {
  override name = 'GitError'
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string
  ) {
    super(`git ${args.join(' ')} failed (exit ${exitCode}): ${stderr.trim() || 'no message'}`)
  }
}

/**
 * What a failed git call said, without its command line: its last `fatal:` line (the cause,
 * "index file corrupt"), else its first line.
 */
export function gitSaid(error: Error): string {
  const said = error instanceof GitError ? error.stderr : error.message
  const lines = said.split('\n').filter((line) => line.trim())
  return (lines.findLast((line) => line.startsWith('fatal:')) ?? lines[0] ?? said).trim()
}
