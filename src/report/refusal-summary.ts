import { codeBlock, escapeInline } from './format.js'

/**
 * The job summary of a refused run (exit 2, nothing touched): what was wrong and how to fix
 * it, so that the run's page says it and not only its log. A refusal names the input first
 * (`max-parallel: …`); where it says no fix of its own, the fix is to correct that input.
 */
export function renderRefusalSummary(message: string): string {
  const text = message.trim()
  const split = text.search(/\.\s+(?=[A-Z])/)
  const problem = split === -1 ? text : text.slice(0, split + 1)
  const fix = split === -1 ? '' : text.slice(split + 1).trim()
  const input = /^([a-z][a-z-]*): /.exec(text)?.[1]
  // The message's own fix is untrusted text (it may quote an input); ours is Markdown.
  const advice = fix
    ? escapeInline(fix)
    : input
      ? `Give \`${input}\` a value it accepts (the README's Inputs table says which) in the step's \`with:\`.`
      : "Correct what the message names in the step's `with:` or in the steps before it."
  return [
    '## ⛔ parallel-worktree refused to start',
    '',
    '**What was wrong**',
    '',
    codeBlock(problem, 'text'),
    '',
    `**How to fix it**: ${advice} Then run the job again.`,
    '',
    'Nothing was touched: no worktree, branch, commit or push was made, and no agent ran.',
    ''
  ].join('\n')
}
