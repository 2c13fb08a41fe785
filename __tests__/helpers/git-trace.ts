import { readFileSync } from 'node:fs'

/**
 * The git commands a GIT_TRACE file recorded (the run's own processes and its agents'), in
 * order, each as its arguments after `git`.
 */
export function tracedGitCommands(trace: string): string[] {
  return readFileSync(trace, 'utf8')
    .split('\n')
    .flatMap((line) => {
      const at = line.indexOf('trace: built-in: git ')
      return at < 0 ? [] : [line.slice(at + 'trace: built-in: git '.length)]
    })
}
