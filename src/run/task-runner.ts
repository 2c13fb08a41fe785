import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../engine/logger.js'
import type { PlannedTask, Settings, TaskResult, TaskStatus } from '../engine/types.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { renderBranchTemplate } from '../git/ref-names.js'
import { agentVariables, renderAgentCommand } from './agent-command.js'
import { agentEnvironment } from './agent-env.js'
import { runProcess, type ProcessOutcome } from './agent-process.js'
import { copyWorktreeFiles, worktreePath, type WorktreeManager } from './worktree-manager.js'

/** What the supervisor tells the shells, so that a post step can clean up after a kill. */
export interface RunEvents {
  worktreeCreated?(priority: number, path: string, branch: string): void
  processStarted?(priority: number, pid: number): void
  processEnded?(priority: number, pid: number): void
  taskEnded?(task: TaskResult): void
}

export interface TaskContext {
  settings: Settings
  git: GitCommandManager
  worktrees: WorktreeManager
  logger: Logger
  signal: AbortSignal
  killGraceMs: number
  events: RunEvents
  env: NodeJS.ProcessEnv
  /** Author/committer variables for commits the run makes (empty when configured). */
  identity: Record<string, string>
}

/** A task as the result JSON shows it before it runs. */
export function pendingTask(planned: PlannedTask, settings: Settings): TaskResult {
  return {
    priority: planned.priority,
    spec_files: planned.spec_files,
    branch: renderBranchTemplate(settings.branchTemplate, planned.priority),
    worktree: worktreePath(settings.repo, settings.worktreeDir, planned.priority),
    status: planned.skip_reason ? 'skipped' : 'pending',
    exit_code: null,
    commits: 0,
    started_at: null,
    ended_at: null,
    duration_ms: 0,
    merge: 'not-merged',
    merge_commit: null,
    conflict_files: [],
    log_file: null,
    error: planned.skip_reason
  }
}

/**
 * One priority from worktree to proof of work: a worktree and branch from the base's current
 * tip, the worktree files, the setup command, the agent (timed, cancellable), an auto-commit of
 * what it left, and the verdict. It never throws: every problem becomes the task's status.
 */
export async function runTask(task: TaskResult, ctx: TaskContext): Promise<TaskResult> {
  const { settings, logger } = ctx
  const started = Date.now()
  task.started_at = new Date(started).toISOString()
  task.status = 'running'
  await mkdir(settings.logDir, { recursive: true })
  task.log_file = join(settings.logDir, `priority-${task.priority}.log`)
  const prefix = `[${task.priority}]`
  try {
    const baseRef = `refs/heads/${settings.baseBranch}`
    const startPoint = await ctx.git.run(['rev-parse', '--verify', `${baseRef}^{commit}`])
    await using worktree = await ctx.worktrees.create({
      branch: task.branch,
      path: task.worktree,
      startPoint,
      baseBranch: settings.baseBranch,
      removeOnDispose: settings.cleanup,
      reason: `parallel-worktree: priority ${task.priority} in progress`
    })
    ctx.events.worktreeCreated?.(task.priority, worktree.path, worktree.branch)
    logger.info(
      `${prefix} worktree ${worktree.path} on ${worktree.branch} from ${settings.baseBranch} ${startPoint.slice(0, 12)}`
    )
    const copied = await copyWorktreeFiles(
      ctx.git,
      settings.repo,
      worktree.path,
      settings.worktreeFiles
    )
    if (copied.length) logger.info(`${prefix} copied ${copied.join(', ')}`)

    const values = {
      priority: task.priority,
      branch: task.branch,
      worktree: worktree.path,
      base: settings.baseBranch
    }
    const env = agentEnvironment(ctx.env, settings.githubToken, agentVariables(values))
    const run = (command: string, timeoutMs: number): Promise<ProcessOutcome> =>
      runProcess({
        command: renderAgentCommand(command, values),
        cwd: worktree.path,
        env,
        logFile: task.log_file!,
        timeoutMs,
        signal: ctx.signal,
        killGraceMs: ctx.killGraceMs,
        onLine: (line) => logger.info(`${prefix} ${line}`),
        onStart: (pid) => ctx.events.processStarted?.(task.priority, pid)
      })

    const deadline = settings.taskTimeoutMs > 0 ? started + settings.taskTimeoutMs : 0
    let outcome: ProcessOutcome | null = null
    if (settings.setupCommand) {
      logger.info(`${prefix} setup: ${settings.setupCommand}`)
      outcome = await run(settings.setupCommand, settings.taskTimeoutMs)
      if (outcome.exitCode !== 0 || outcome.timedOut || outcome.cancelled) {
        return finish(task, started, verdict(outcome, 'setup command'), outcome.exitCode)
      }
    }
    logger.info(`${prefix} agent: ${renderAgentCommand(settings.agentCommand, values)}`)
    outcome = await run(settings.agentCommand, deadline ? Math.max(1, deadline - Date.now()) : 0)

    const branchProblem = await checkBranch(worktree.git, task.branch)
    const saved = branchProblem ? 0 : await saveLeftovers(worktree.git, task, ctx, outcome)
    task.commits = await ctx.git.countCommits(startPoint, `refs/heads/${task.branch}`)
    if (branchProblem)
      return finish(task, started, { status: 'failed', error: branchProblem }, outcome.exitCode)
    let result = verdict(outcome, 'agent')
    if (result.status === 'completed' && task.commits === 0) {
      result = {
        status: 'no-changes',
        error: 'the agent exited 0 but made no commit and left no change'
      }
    }
    if (saved && result.status !== 'completed') {
      result.error = `${result.error}; its uncommitted changes were saved in a commit on ${task.branch}`
    }
    if (!settings.autoCommit && (await worktree.git.run(['status', '--porcelain']))) {
      // Removing the worktree would throw its changes away: keep it and say so.
      await ctx.worktrees.keep(worktree.path)
      result.error = [
        result.error,
        `uncommitted changes kept in ${worktree.path} (auto-commit is off)`
      ]
        .filter(Boolean)
        .join('; ')
    }
    return finish(task, started, result, outcome.exitCode)
  } catch (error) {
    return finish(task, started, { status: 'failed', error: (error as Error).message }, null)
  }
}

interface Verdict {
  status: TaskStatus
  error: string | null
}

function verdict(outcome: ProcessOutcome, what: string): Verdict {
  if (outcome.cancelled)
    return { status: 'cancelled', error: `the run was cancelled; the ${what} was stopped` }
  if (outcome.timedOut)
    return {
      status: 'timed-out',
      error: `the ${what} ran past task-timeout-minutes and was stopped`
    }
  if (outcome.exitCode !== 0) {
    const how = outcome.signal
      ? `was killed by ${outcome.signal}`
      : `exited with status ${outcome.exitCode}`
    const last = outcome.tail.filter((line) => line.trim()).at(-1)
    return {
      status: 'failed',
      error: `the ${what} ${how}${last ? `: ${last.trim().slice(0, 200)}` : ''}`
    }
  }
  return { status: 'completed', error: null }
}

/** The agent must leave its worktree on its own branch, or its commits are not where we look. */
async function checkBranch(git: GitCommandManager, branch: string): Promise<string | null> {
  const head = await git.exec(['symbolic-ref', '-q', 'HEAD'], { okExitCodes: [1] })
  const current = head.stdout.trim()
  if (current === `refs/heads/${branch}`) return null
  return `the agent left its worktree on ${current ? current.replace('refs/heads/', 'branch ') : 'a detached HEAD'} instead of ${branch}`
}

/** Commits what the agent left uncommitted (auto-commit), so that nothing is lost. */
async function saveLeftovers(
  git: GitCommandManager,
  task: TaskResult,
  ctx: TaskContext,
  outcome: ProcessOutcome
): Promise<number> {
  if (!ctx.settings.autoCommit) return 0
  if (!(await git.run(['status', '--porcelain']))) return 0
  await git.run(['add', '-A'])
  const clean = outcome.exitCode === 0 && !outcome.timedOut && !outcome.cancelled
  const message = clean
    ? `PRIORITY ${task.priority}: changes the agent left uncommitted`
    : `WIP PRIORITY ${task.priority}: uncommitted changes saved after the agent stopped`
  await git.run(['commit', '--no-verify', '-q', '-m', message], { env: ctx.identity })
  ctx.logger.info(`[${task.priority}] auto-committed the changes the agent left`)
  return 1
}

function finish(
  task: TaskResult,
  started: number,
  result: Verdict,
  exitCode: number | null
): TaskResult {
  const ended = Date.now()
  task.status = result.status
  task.error = result.error
  task.exit_code = exitCode
  task.ended_at = new Date(ended).toISOString()
  task.duration_ms = ended - started
  return task
}
