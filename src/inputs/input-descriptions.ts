// Generated from action.yml by scripts/input-descriptions.mjs: do not edit, run
// `npm run descriptions` instead.

/** Each input's description in action.yml, for the CLI's --help. */
export const INPUT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  mode: 'What to do: run (plan, agents, merges, cleanup), plan, task or merge.',
  priorities:
    'Priority IDs: positive numbers like 65 or 2.5 (an inserted priority) separated by commas, spaces or newlines, and ranges of whole numbers like 65-67 (at most 256). Anything else is refused before anything is touched.',
  'base-branch': 'The branch worktrees start from and merges land in.',
  'fetch-base':
    "Fetch base-branch from origin first; when origin's is ahead, the plan and every worktree start from it and the local branch is fast-forwarded (both named in warnings). false: never fetched.",
  'agent-command':
    'Run in each worktree with bash -c; {priority}, {branch}, {worktree}, {base} and {prompt-file} stand for the environment variables PRIORITY_ID, BRANCH_NAME, WORKTREE_PATH, BASE_BRANCH and PROMPT_FILE (USAGE_FILE names where the agent may write its usage).',
  agent:
    "A preset agent CLI: code-developer, claude-code, codex or aider (the README shows each one's command line); empty runs agent-command. agent-command, when set, wins.",
  'agent-args': "Extra arguments appended to the agent's command line (such as --model sonnet).",
  'prompt-template':
    'A file of the repository that replaces the built-in prompt of each priority ({title}, {spec}, {files}, {rules}, {priority}, {branch}, {worktree}, {base} are filled in).',
  'max-cost-usd':
    'A budget in USD: once the cost the agents reported reaches it, no new agent starts and the rest are skipped. Empty means none.',
  'start-spacing-seconds':
    'Least time between two agent starts, against API rate limits; auto is 2 for the claude-code, codex and aider presets and 0 otherwise.',
  'max-parallel': 'Agents running at once, 1 to 32, or auto (from CPU cores and available memory).',
  separation:
    "strict (run only mutually independent priorities), waves (overlapping priorities wait for the earlier one's merge) or off (no analysis).",
  'unknown-scope':
    'A priority with no usable spec: wait (starts once every other priority is merged) or parallel (starts at once like an independent one, is merged after the others, and a conflict goes through on-conflict).',
  'specs-dir':
    'Where SPEC-<n>-*.md files (or SPEC-<n>-*/ folders) live, relative to the repository.',
  'roadmap-file': 'The roadmap that maps PRIORITY <p> to US-<n>, relative to the repository.',
  'separation-ignore':
    'Newline-separated globs of paths that never count as touched by a spec (documents, bookkeeping, runtime data); a line starting with ! takes paths back. The ROADMAP and the specs folder never count.',
  'branch-template':
    'The branch of each priority; {priority} or {priority:03d} is replaced by its ID.',
  'worktree-dir':
    'Folder, relative to the repository root, under which worktrees <repo>-wt<priority> are made.',
  'worktree-files':
    'Newline-separated globs of untracked files (such as .env) to copy into each worktree.',
  'sparse-checkout':
    "true: each worktree checks out only the folders of the files its priority's spec names (and its spec's), plus the root's files (git's cone mode); the agent can widen it with git sparse-checkout add. For large repositories whose agents need only part of the tree.",
  'setup-command':
    'Run in each new worktree before the agent (such as npm ci); its failure fails that priority.',
  'task-timeout-minutes': 'Time limit per priority in minutes, decimals allowed; 0 means none.',
  'verify-command':
    'Run with bash -c in a worktree of the candidate (base plus the merges about to land) before base moves; base moves only to a candidate that passed (exit 0). A failing batch is searched for the branch(es) that broke it; their merge is verify-failed and the branch kept.',
  'verify-timeout-minutes': 'Time limit of each verify-command run in minutes, decimals allowed.',
  'on-conflict':
    "What to do when a completed priority's merge conflicts: rerun (run it once more from the updated base, its first branch kept), resolve (run resolve-command on the conflicted merge), keep (keep the branch, report the conflict).",
  'resolve-command':
    'For on-conflict resolve: run with bash -c in a worktree where base was merged into the branch and stopped on the conflict; placeholders as agent-command, plus {conflict-files}.',
  'max-retries':
    'A failed or timed-out agent is started again up to this many times, with back-off.',
  'max-cpu-percent':
    "No new agent starts while the CPU use of other processes (all but this run's own, its agents included) is above this percentage.",
  'max-memory-percent': 'No new agent starts while memory in use is above this percentage.',
  'auto-commit': 'Commit on its branch what an agent left uncommitted in its worktree.',
  merge:
    'Merge completed priorities into base-branch (--no-ff, "Merge PRIORITY <p> from parallel execution").',
  push: 'Push base-branch, and every branch that was not merged, to origin.',
  cleanup:
    'Remove worktrees at the end and delete merged branches; unmerged branches are always kept.',
  'pr-comment':
    'When something failed or conflicted, create or update one report comment on the pull request or issue.',
  'check-run':
    "One check run named parallel-worktree on the commit the run started from, updated as tasks start, end and merge (needs checks: write; without it, one warning). In a fan-out, each task job has its own, parallel-worktree (priority n), and the merge job's is parallel-worktree. The CLI makes it when a token and GITHUB_REPOSITORY are known.",
  'pr-number': 'The pull request or issue to comment on when the triggering event names none.',
  'github-token': 'Used for comments only; never given to agents, never printed.',
  'log-dir':
    "Where each priority's log is written. On a runner the default is RUNNER_TEMP/parallel-worktree-logs/<run id>, named by the log-dir output so that a later step can upload it (actions/upload-artifact); elsewhere a new folder per run, yours alone, in the system temp folder.",
  'results-dir':
    'Fan-out across runners: where task mode writes its result file and merge mode reads them (default RUNNER_TEMP/parallel-worktree-results).',
  resume:
    'auto: a branch an earlier run of this tool made for a priority and left (killed, cancelled, failed; recorded under refs/parallel-worktree/made/) is continued in the new worktree (RESUMED_FROM names its tip), and merged at once when that run had already judged its agent successful; any other branch of that name is left untouched and the priority fails, naming it. never: such a priority is refused, naming the branch.',
  'skip-merged':
    'true: a priority whose merge an earlier run made into base-branch (a merge commit "Merge PRIORITY n from parallel execution" on its first-parent history) is not run again: it is reported skipped and merged, with that merge_commit, and counts as merged for success; false: it is run and merged again (e.g. after that merge was reverted).',
  'log-max-mb':
    "Cap of each agent's log file in MB; past it the head and the tail are kept, with a line saying how much was cut.",
  'agent-env-pass':
    "Names of credential variables (GITHUB_TOKEN, GH_TOKEN, …) that agents may see; withheld when not named here. The action's token, INPUT_* and ACTIONS_* are never passed."
}
