import type { RunResult } from '../core/types.js'
import type { Section } from './bounded-document.js'
import { code, codeBlock, plural } from './format.js'

/**
 * The merge queue in the summary: the verify gate's rounds, each culprit with the command
 * that reproduces its failure locally, and nobody blamed for a flaky run; then the files
 * agents changed outside what their specs named, and the branches kept by a re-run.
 */
export function verifySection(result: RunResult): Section | null {
  const verify = result.verify
  if (!verify || verify.runs === 0) return null
  const lines = [
    '### 🧪 Verify gate',
    '',
    `${plural(verify.rounds, 'round')}, ${plural(verify.runs, 'run')} of \`verify-command\`` +
      (verify.flaky
        ? `; ${plural(verify.flaky, 'candidate')} failed once and then passed (flaky: nobody blamed)`
        : '') +
      (verify.culprits.length ? '' : '; every candidate that landed passed.'),
    ''
  ]
  return {
    name: 'Verify gate',
    head: lines.join('\n'),
    items: verify.culprits.map(
      (culprit) =>
        `**Priority ${culprit.priority}** (${code(culprit.branch)}) broke \`verify-command\`; its branch is kept. To reproduce:\n\n${codeBlock(culprit.reproduce, 'sh')}`
    ),
    tail: '',
    leftOutNote: (count) => `_… and ${plural(count, 'more culprit')}_`
  }
}

export function scopeSection(result: RunResult): Section | null {
  const drifted = result.tasks.filter(
    (task) => (task.out_of_scope?.length ?? 0) > 0 || (task.kept_branches?.length ?? 0) > 0
  )
  if (!drifted.length) return null
  return {
    name: 'Scope',
    head: '### 🧭 Outside the plan\n',
    items: drifted.map((task) => {
      const parts: string[] = []
      if (task.out_of_scope.length) {
        const shown = task.out_of_scope.slice(0, 20).map(code).join(', ')
        const more =
          task.out_of_scope.length > 20 ? ` and ${task.out_of_scope.length - 20} more` : ''
        parts.push(`changed files its spec did not name: ${shown}${more}`)
      }
      if (task.kept_branches.length) {
        parts.push(`earlier branch kept: ${task.kept_branches.map(code).join(', ')}`)
      }
      return `- Priority ${task.priority}: ${parts.join('; ')}`
    }),
    tail: '',
    leftOutNote: (count) => `- _… and ${plural(count, 'more priority', 'more priorities')}_`
  }
}
