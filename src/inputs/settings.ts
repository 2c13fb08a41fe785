import { isAbsolute, join } from 'node:path'
import { tmpdir } from 'node:os'
import { InputError } from '../core/errors.js'
import type { Mode, ResumeMode, SeparationMode, Settings } from '../core/types.js'
import { assertBranchName, validateBranchTemplate } from '../git/ref-names.js'
import { INPUT_DEFAULTS, type InputName, type RawInputs } from './input-definitions.js'
import { parsePriorities, shorten } from './priorities.js'

const MODES: readonly Mode[] = ['run', 'plan', 'task', 'merge']
const SEPARATIONS: readonly SeparationMode[] = ['strict', 'waves', 'off']
export const MAX_PARALLEL = 32
/** setTimeout overflows past 24.8 days; a week is already far beyond any agent run. */
const MAX_TIMEOUT_MINUTES = 7 * 24 * 60
const RESUME_MODES: readonly ResumeMode[] = ['auto', 'never']
/** A log smaller than this could not hold its own head and tail. */
const MIN_LOG_MB = 0.01
const MAX_LOG_MB = 100_000

/**
 * Validates every input at once, before anything is touched: the first problem found is
 * thrown as an InputError naming the input and the bad value.
 */
export function parseSettings(raw: RawInputs, repo: string, env = process.env): Settings {
  const get = (name: InputName): string => {
    const value = raw[name]
    return value === undefined || value.trim() === '' ? INPUT_DEFAULTS[name] : value.trim()
  }
  for (const [name, value] of Object.entries(raw)) {
    if (value?.includes('\0')) throw new InputError(`${name}: contains a NUL character`)
  }

  const mode = oneOf(get('mode'), MODES, 'mode')
  const priorities = parsePriorities(raw.priorities ?? '')
  const baseBranch = get('base-branch')
  assertBranchName(baseBranch, 'base-branch')
  const branchTemplate = get('branch-template')
  validateBranchTemplate(branchTemplate, priorities)

  const agentCommand = get('agent-command')

  return {
    mode,
    repo,
    priorities,
    baseBranch,
    agentCommand,
    maxParallel: parseMaxParallel(get('max-parallel')),
    separation: oneOf(get('separation'), SEPARATIONS, 'separation'),
    specsDir: repoPath(get('specs-dir'), 'specs-dir'),
    roadmapFile: repoPath(get('roadmap-file'), 'roadmap-file'),
    branchTemplate,
    worktreeDir: plainPath(get('worktree-dir'), 'worktree-dir'),
    worktreeFiles: parseWorktreeFiles(raw['worktree-files'] ?? ''),
    setupCommand: (raw['setup-command'] ?? '').trim(),
    taskTimeoutMs: timeoutMs(
      parseNumber(get('task-timeout-minutes'), 'task-timeout-minutes', 0, MAX_TIMEOUT_MINUTES)
    ),
    maxCpuPercent: parseNumber(get('max-cpu-percent'), 'max-cpu-percent', 1, 100),
    maxMemoryPercent: parseNumber(get('max-memory-percent'), 'max-memory-percent', 1, 100),
    autoCommit: parseBoolean(get('auto-commit'), 'auto-commit'),
    merge: parseBoolean(get('merge'), 'merge'),
    push: parseBoolean(get('push'), 'push'),
    cleanup: parseBoolean(get('cleanup'), 'cleanup'),
    prComment: parseBoolean(get('pr-comment'), 'pr-comment'),
    prNumber: parsePrNumber(raw['pr-number'] ?? ''),
    githubToken: (raw['github-token'] ?? '').trim(),
    logDir: (raw['log-dir'] ?? '').trim()
      ? plainPath((raw['log-dir'] ?? '').trim(), 'log-dir')
      : defaultLogDir(env),
    resultsDir: (raw['results-dir'] ?? '').trim()
      ? plainPath((raw['results-dir'] ?? '').trim(), 'results-dir')
      : join(env.RUNNER_TEMP || tmpdir(), 'parallel-worktree-results'),
    resume: oneOf(get('resume'), RESUME_MODES, 'resume'),
    logMaxBytes: Math.round(
      parseNumber(get('log-max-mb'), 'log-max-mb', MIN_LOG_MB, MAX_LOG_MB) * 1024 * 1024
    ),
    agentEnvPass: parseVariableNames(raw['agent-env-pass'] ?? '', 'agent-env-pass')
  }
}

/** Environment variable names, separated by commas, spaces or newlines. */
function parseVariableNames(text: string, name: string): string[] {
  const names = text.split(/[\s,]+/).filter(Boolean)
  for (const variable of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
      throw new InputError(
        `${name}: "${shorten(variable)}" is not an environment variable name (letters, digits and _)`
      )
    }
  }
  return names
}

/** Minutes to ms; a timeout too small to count in ms is 1 ms, never 0 (which means none). */
function timeoutMs(minutes: number): number {
  return minutes > 0 ? Math.max(1, Math.round(minutes * 60_000)) : 0
}

function defaultLogDir(env: NodeJS.ProcessEnv): string {
  const runId = env.GITHUB_RUN_ID
    ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`
    : new Date().toISOString().replace(/[:.]/g, '-')
  return join(env.RUNNER_TEMP || tmpdir(), 'parallel-worktree-logs', runId)
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new InputError(`${name}: "${shorten(value)}" is not one of ${allowed.join(', ')}`)
}

function parseNumber(text: string, name: string, min: number, max: number): number {
  const value = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InputError(`${name}: "${shorten(text)}" is not a number from ${min} to ${max}`)
  }
  return value
}

function parseMaxParallel(text: string): number | 'auto' {
  if (text === 'auto') return 'auto'
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > MAX_PARALLEL) {
    throw new InputError(
      `max-parallel: "${shorten(text)}" is not a whole number from 1 to ${MAX_PARALLEL}, or auto`
    )
  }
  return Number(text)
}

/** The YAML 1.2 core schema's booleans, as @actions/core's getBooleanInput accepts them. */
function parseBoolean(text: string, name: string): boolean {
  if (['true', 'True', 'TRUE'].includes(text)) return true
  if (['false', 'False', 'FALSE'].includes(text)) return false
  throw new InputError(`${name}: "${shorten(text)}" is not true or false`)
}

function parsePrNumber(text: string): number | null {
  const value = text.trim()
  if (!value) return null
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InputError(`pr-number: "${shorten(value)}" is not a pull request or issue number`)
  }
  return Number(value)
}

function plainPath(text: string, name: string): string {
  if (/[\r\n]/.test(text)) throw new InputError(`${name}: "${shorten(text)}" spans several lines`)
  return text
}

/** A path inside the repository: relative, without `..` escapes. */
function repoPath(text: string, name: string): string {
  plainPath(text, name)
  const normalised = text.replace(/\\/g, '/').replace(/\/+$/, '')
  // Judged after backslashes became slashes: `\etc\passwd` is `/etc/passwd`.
  if (
    isAbsolute(text) ||
    normalised.startsWith('/') ||
    /^[A-Za-z]:/.test(text) ||
    normalised.split('/').includes('..')
  ) {
    throw new InputError(`${name}: "${shorten(text)}" must be a path inside the repository`)
  }
  return normalised.replace(/^\.\//, '')
}

function parseWorktreeFiles(text: string): string[] {
  const globs = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
  for (const glob of globs) repoPath(glob, 'worktree-files')
  return globs
}
