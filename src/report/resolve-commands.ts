import type { TaskResult } from '../core/types.js'
import { mergeMessage } from '../merge/merge-engine.js'
import { shellQuote } from './format.js'

/**
 * Where a kept branch can be found by the person resolving it:
 * - `local`: in the repository the run used (the CLI);
 * - `origin`: pushed (the action with `push: true`);
 * - `runner`: nowhere after the job (the action with `push: false`).
 */
export type BranchLocation = 'local' | 'origin' | 'runner'

/** The exact shell commands that redo a conflicted merge by hand, as the run would have made it. */
export function conflictCommands(task: TaskResult, base: string, where: BranchLocation): string[] {
  const b = shellQuote(base)
  const branch = shellQuote(task.branch)
  const files = task.conflict_files.map(shellQuote).join(' ')
  const message = shellQuote(mergeMessage(task.priority))
  const remote = where !== 'local'
  const commands = remote
    ? [
        `git fetch origin ${b} ${branch}`,
        `git switch ${b}`,
        `git merge --ff-only ${shellQuote(`origin/${base}`)}`
      ]
    : [`git switch ${b}`]
  const source = remote ? shellQuote(`origin/${task.branch}`) : branch
  commands.push(
    `git merge --no-ff -m ${message} ${source}`,
    `# resolve the conflicts${files ? ` in ${files}` : ''}, then:`,
    `git add ${files || '-A'}`,
    'git commit --no-edit'
  )
  if (remote) commands.push(`git push origin ${b}`)
  else commands.push(`git branch -d ${branch}`)
  return commands
}
