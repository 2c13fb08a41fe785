import { existsSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { tmpdir, userInfo } from 'node:os'
import { InputError } from '../core/errors.js'
import type {
  ConflictPolicy,
  Mode,
  ResumeMode,
  SeparationMode,
  Settings,
  UnknownScope
} from '../core/types.js'
import { assertPlainBranchName, validateBranchTemplate } from '../git/ref-names.js'
import { INPUT_DEFAULTS, type InputName, type RawInputs } from './input-definitions.js'
import { shorten } from '../core/shorten.js'
import { parsePriorities } from './priorities.js'
import {
  AGENT_PRESETS,
  AGENT_PRESET_NAMES,
  resolveAgentCommand,
  type AgentPreset
} from './agent-presets.js'

const MODES: readonly Mode[] = ['run', 'plan', 'task', 'merge']
const SEPARATIONS: readonly SeparationMode[] = ['strict', 'waves', 'off']
const UNKNOWN_SCOPES: readonly UnknownScope[] = ['wait', 'parallel']
const CONFLICT_POLICIES: readonly ConflictPolicy[] = ['rerun', 'resolve', 'keep']
export const MAX_RETRIES = 10
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
  assertPlainBranchName(baseBranch, 'base-branch')
  const branchTemplate = get('branch-template')
  validateBranchTemplate(branchTemplate, priorities)

  const agent = parseAgent(get('agent'))
  const agentArgs = singleLine(raw['agent-args'] ?? '', 'agent-args')
  const onConflict = oneOf(get('on-conflict'), CONFLICT_POLICIES, 'on-conflict')
  const resolveCommand = (raw['resolve-command'] ?? '').trim()
  if (onConflict === 'resolve' && !resolveCommand) {
    throw new InputError(
      'on-conflict: resolve needs resolve-command (the command that settles a conflicted merge); set it, or choose rerun or keep'
    )
  }

  return {
    mode,
    repo,
    priorities,
    baseBranch,
    fetchBase: parseBoolean(get('fetch-base'), 'fetch-base'),
    agentCommand: resolveAgentCommand({
      // The runner passes the default when the input is not set: the default is "not set".
      agentCommand:
        get('agent-command') === INPUT_DEFAULTS['agent-command'] ? '' : get('agent-command'),
      preset: agent,
      agentArgs,
      defaultCommand: INPUT_DEFAULTS['agent-command']
    }),
    agent,
    promptTemplate: parsePromptTemplate(raw['prompt-template'] ?? '', repo),
    maxCostUsd: get('max-cost-usd')
      ? parseNumber(get('max-cost-usd'), 'max-cost-usd', 0, MAX_COST_USD)
      : null,
    startSpacingMs: startSpacingMs(get('start-spacing-seconds'), agent),
    maxParallel: parseMaxParallel(get('max-parallel')),
    separation: oneOf(get('separation'), SEPARATIONS, 'separation'),
    unknownScope: oneOf(get('unknown-scope'), UNKNOWN_SCOPES, 'unknown-scope'),
    specsDir: repoPath(get('specs-dir'), 'specs-dir'),
    roadmapFile: repoPath(get('roadmap-file'), 'roadmap-file'),
    separationIgnore: parseSeparationIgnore(get('separation-ignore')),
    branchTemplate,
    worktreeDir: plainPath(get('worktree-dir'), 'worktree-dir'),
    worktreeFiles: parseWorktreeFiles(raw['worktree-files'] ?? ''),
    sparseCheckout: parseBoolean(get('sparse-checkout'), 'sparse-checkout'),
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
    checkRun: parseBoolean(get('check-run'), 'check-run'),
    prNumber: parsePrNumber(raw['pr-number'] ?? ''),
    githubToken: (raw['github-token'] ?? '').trim(),
    logDir: (raw['log-dir'] ?? '').trim()
      ? plainPath((raw['log-dir'] ?? '').trim(), 'log-dir')
      : defaultLogDir(env),
    resultsDir: (raw['results-dir'] ?? '').trim()
      ? plainPath((raw['results-dir'] ?? '').trim(), 'results-dir')
      : join(env.RUNNER_TEMP || tmpdir(), 'parallel-worktree-results'),
    resume: oneOf(get('resume'), RESUME_MODES, 'resume'),
    skipMerged: parseBoolean(get('skip-merged'), 'skip-merged'),
    logMaxBytes: Math.round(
      parseNumber(get('log-max-mb'), 'log-max-mb', MIN_LOG_MB, MAX_LOG_MB) * 1024 * 1024
    ),
    agentEnvPass: parseVariableNames(raw['agent-env-pass'] ?? '', 'agent-env-pass'),
    verifyCommand: (raw['verify-command'] ?? '').trim(),
    verifyTimeoutMs: timeoutMs(
      parseNumber(get('verify-timeout-minutes'), 'verify-timeout-minutes', 0, MAX_TIMEOUT_MINUTES)
    ),
    onConflict,
    resolveCommand,
    maxRetries: parseWholeNumber(get('max-retries'), 'max-retries', MAX_RETRIES)
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

/** A budget beyond this is a typo, not a budget. */
const MAX_COST_USD = 1_000_000
/** Seconds between starts for the presets of agents that call a rate-limited API (`auto`). */
export const PRESET_START_SPACING_SECONDS = 2

function parseAgent(text: string): AgentPreset | null {
  if (!text) return null
  return oneOf(text, AGENT_PRESET_NAMES, 'agent')
}

function singleLine(text: string, name: string): string {
  const value = text.trim()
  if (/[\r\n]/.test(value)) {
    throw new InputError(
      `${name}: "${shorten(value)}" spans several lines; give one line of arguments`
    )
  }
  return value
}

/**
 * `auto`: a small spacing for the presets whose CLI calls a rate-limited API, none for other
 * commands (the seed's code-developer, anything custom: set it when they call an API).
 */
function startSpacingMs(text: string, agent: AgentPreset | null): number {
  if (text === 'auto') {
    return agent && AGENT_PRESETS[agent].rateLimited ? PRESET_START_SPACING_SECONDS * 1000 : 0
  }
  return Math.round(parseNumber(text, 'start-spacing-seconds', 0, 600) * 1000)
}

/** A file of the repository that exists, for the prompt of every priority. */
function parsePromptTemplate(text: string, repo: string): string {
  const value = text.trim()
  if (!value) return ''
  const path = repoPath(value, 'prompt-template')
  const full = join(repo, path)
  if (!existsSync(full) || !statSync(full).isFile()) {
    throw new InputError(
      `prompt-template: "${shorten(value)}" is not a file of the repository (looked for ${full}); give a path relative to the repository root`
    )
  }
  // A link may lead out of the repository: what is read must be inside it.
  const inside = relative(realpathSync(repo), realpathSync(full))
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new InputError(
      `prompt-template: "${shorten(value)}" leads outside the repository (a symbolic link); give a file inside it`
    )
  }
  return path
}

/** Minutes to ms; a timeout too small to count in ms is 1 ms, never 0 (which means none). */
function timeoutMs(minutes: number): number {
  return minutes > 0 ? Math.max(1, Math.round(minutes * 60_000)) : 0
}

/**
 * On a runner, RUNNER_TEMP/parallel-worktree-logs/<run>-<attempt> (the log-dir output names it
 * for an upload step). Elsewhere a folder per user and per run in the system temp folder
 * (made mode 700 by the engine): a temp folder shared by the machine's users must not hold
 * one user's folder that everyone else then fails to write.
 */
export function defaultLogDir(env: NodeJS.ProcessEnv, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  if (env.RUNNER_TEMP) {
    const runId = env.GITHUB_RUN_ID
      ? `${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`
      : `${stamp}-${process.pid}`
    return join(env.RUNNER_TEMP, 'parallel-worktree-logs', runId)
  }
  const user = process.getuid?.() ?? userInfo().username
  return join(tmpdir(), `parallel-worktree-${user}`, 'logs', `${stamp}-${process.pid}`)
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

function parseWholeNumber(text: string, name: string, max: number): number {
  if (!/^[0-9]+$/.test(text) || Number(text) > max) {
    throw new InputError(`${name}: "${shorten(text)}" is not a whole number from 0 to ${max}`)
  }
  return Number(text)
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

/**
 * Globs inside the repository, one a line; `!glob` takes paths back; `#` starts a comment (so
 * `# none` ignores nothing, while a blank value is the default list).
 */
function parseSeparationIgnore(text: string): string[] {
  const globs = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
  for (const glob of globs) repoPath(glob.replace(/^!/, ''), 'separation-ignore')
  return globs
}

function parseWorktreeFiles(text: string): string[] {
  const globs = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
  for (const glob of globs) repoPath(glob, 'worktree-files')
  return globs
}
