import { DEFAULT_SEPARATION_IGNORE } from '../core/separation-ignore-defaults.js'

/**
 * Every input of the action, with its default: the one list the action, the CLI and the
 * validation read (a test checks action.yml against it).
 */
export const INPUT_DEFAULTS = {
  mode: 'run',
  priorities: '',
  'base-branch': 'roadmap',
  'fetch-base': 'true',
  'agent-command': 'poetry run code-developer --priority={priority}',
  agent: '',
  'agent-args': '',
  'prompt-template': '',
  'max-cost-usd': '',
  'start-spacing-seconds': 'auto',
  'max-parallel': '2',
  separation: 'waves',
  'unknown-scope': 'wait',
  'specs-dir': 'docs/architecture/specs',
  'roadmap-file': 'docs/roadmap/ROADMAP.md',
  'separation-ignore': DEFAULT_SEPARATION_IGNORE.join('\n'),
  'branch-template': 'feature/us-{priority:03d}',
  'worktree-dir': '..',
  'worktree-files': '',
  'sparse-checkout': 'false',
  'setup-command': '',
  'task-timeout-minutes': '60',
  'verify-command': '',
  'verify-timeout-minutes': '30',
  'on-conflict': 'rerun',
  'resolve-command': '',
  'max-retries': '0',
  'max-cpu-percent': '80',
  'max-memory-percent': '80',
  'auto-commit': 'true',
  merge: 'true',
  push: 'false',
  cleanup: 'true',
  'pr-comment': 'true',
  'check-run': 'true',
  'pr-number': '',
  'github-token': '',
  'log-dir': '',
  'results-dir': '',
  resume: 'auto',
  'skip-merged': 'true',
  'log-max-mb': '64',
  'agent-env-pass': ''
} as const

export type InputName = keyof typeof INPUT_DEFAULTS
export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[]

/** Raw text of each input as the action or the CLI received it; missing means default. */
export type RawInputs = Partial<Record<InputName, string>>
