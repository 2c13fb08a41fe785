import '../core/dispose-polyfill.js'
import { join } from 'node:path'
import type { Logger } from '../core/logger.js'
import type { Settings, TaskResult } from '../core/types.js'
import { addCandidateWorktree } from '../git/candidate-worktree.js'
import { createBranchAt, mergeStoppedOnConflict, moveBranch } from '../git/conflict-merge.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { branchRef } from '../git/refs.js'
import { listWorktrees } from '../git/worktree-list.js'
import { describeWorktreeState, readWorktreeState } from '../git/worktree-state.js'
import type { MergeEngine } from '../merge/merge-engine.js'
import { agentVariables, renderAgentCommand, shellQuote } from '../run/agent-command.js'
import { agentEnvironment } from '../run/agent-env.js'
import { runProcess } from '../run/agent-process.js'
import { createTaskContext, runTask, type TaskContextOptions } from '../run/task-runner.js'
import { progressIntervalMs, startProgress } from '../run/progress.js'
import type { ScheduleState } from '../run/task-queue.js'
import { someOf } from '../core/some-of.js'

export interface ConflictPolicyOptions extends TaskContextOptions {
  settings: Settings
  git: GitCommandManager
  merger: MergeEngine
  logger: Logger
  env: NodeJS.ProcessEnv
  /** Records a merge attempt on its task (the engine's own bookkeeping). */
  recordMerge: (task: TaskResult) => Promise<void>
  /** Time between two progress lines (default: progressIntervalMs(env); 0: none). */
  progressIntervalMs?: number
  /** When the run began (ms): the progress line's elapsed time counts from it. */
  began?: number
}

/**
 * on-conflict, once every agent has ended (base then holds all that merged, so a second
 * attempt starts from the most it can): `rerun` runs each conflicted priority once more from
 * the updated base, its first branch kept under a new name; `resolve` runs resolve-command on
 * the branch with base merged into it and stopped on the conflict; `keep` leaves the branch.
 * At most max-parallel at once, like the agents.
 */
export async function settleConflicts(
  tasks: readonly TaskResult[],
  options: ConflictPolicyOptions
): Promise<void> {
  const { settings } = options
  if (settings.onConflict === 'keep' || !settings.merge) return
  const conflicted = tasks.filter((task) => task.merge === 'conflict')
  if (!conflicted.length) return
  const settle = settings.onConflict === 'rerun' ? rerun : resolve
  const limit = settings.maxParallel === 'auto' ? 2 : settings.maxParallel
  const queue = [...conflicted]
  // The heartbeat goes on through the re-runs: an agent (or resolve-command) runs again.
  const started = new Map<number, number>()
  const state: ScheduleState = {
    running: [],
    finishing: [],
    waiting: queue.map((task) => task.priority),
    done: [],
    held: null
  }
  const progress = startProgress(
    state,
    conflicted.length,
    options.logger,
    options.progressIntervalMs ?? progressIntervalMs(options.env),
    options.began,
    {
      startedAt: (priority) => started.get(priority) ?? null,
      after: () => [],
      phase: `on-conflict ${settings.onConflict}`,
      startLimit: () => options.startLimit?.lowered() ?? null
    }
  )
  const move = (priority: number, from: number[], to: number[]): void => {
    from.splice(from.indexOf(priority), 1)
    to.push(priority)
  }
  try {
    await Promise.all(
      Array.from({ length: Math.min(limit, queue.length) }, async () => {
        for (let task = queue.shift(); task; task = queue.shift()) {
          started.set(task.priority, Date.now())
          move(task.priority, state.waiting, state.running)
          try {
            await settle(task, options)
          } catch (error) {
            options.logger.error(
              `PRIORITY ${task.priority}: on-conflict ${settings.onConflict} failed: ${(error as Error).message}`
            )
          } finally {
            move(task.priority, state.running, state.done)
          }
        }
      })
    )
  } finally {
    progress.stop()
  }
}

/** The priority once more, in a fresh worktree from the updated base; its first branch kept. */
async function rerun(task: TaskResult, options: ConflictPolicyOptions): Promise<void> {
  const { git, logger, settings } = options
  const ref = branchRef(task.branch)
  const tip = await git.branchTip(task.branch)
  if (!tip) return
  const holder = (await listWorktrees(git)).find((wt) => wt.ref === ref)
  if (holder) {
    task.error = `on-conflict rerun skipped: ${task.branch} is checked out in ${holder.path}; the branch is kept`
    return
  }
  const kept = await keepUnderNewName(git, task.branch, tip)
  if (!kept) return
  task.kept_branches.push(kept)
  logger.info(
    `PRIORITY ${task.priority}: its merge conflicted in ${someOf(task.conflict_files)}; running it once more from the updated ${settings.baseBranch} (the first branch is kept as ${kept})`
  )
  Object.assign(task, {
    status: 'pending',
    merge: 'not-merged',
    merge_commit: null,
    conflict_files: [],
    error: null,
    commits: 0
  })
  // attempts, log_files and attempt_spans go on counting: the re-run is one more attempt.
  await runTask(task, createTaskContext(settings, git, options))
  if (task.status === 'completed') await options.recordMerge(task)
}

/** `<branch>-conflicted`, or `-2`, `-3`… when taken: the first branch's tip under it. */
async function keepUnderNewName(
  git: GitCommandManager,
  branch: string,
  tip: string
): Promise<string | null> {
  for (let n = 1; n < 100; n++) {
    const name = n === 1 ? `${branch}-conflicted` : `${branch}-conflicted-${n}`
    if (await createBranchAt(git, name, tip)) {
      await git.deleteRef(branchRef(branch), tip)
      return name
    }
  }
  return null
}

/**
 * resolve-command in a detached worktree of the branch where base was merged in and stopped
 * on the conflict. It settled the conflict when it exited 0, nothing is left conflicted (no
 * merge in progress, no unmerged path, no marker) and the merge commit was made; the branch
 * then moves to that commit and is merged. Otherwise the branch stays exactly as it was.
 */
async function resolve(task: TaskResult, options: ConflictPolicyOptions): Promise<void> {
  const { git, logger, settings } = options
  const tip = await git.branchTip(task.branch)
  if (!tip) return
  const path = `${task.worktree}-resolve`
  let settled: string | null = null
  let why = ''
  {
    await using candidate = await addCandidateWorktree(git, path, tip)
    const worktree = candidate.git
    const files = await mergeStoppedOnConflict(
      worktree,
      branchRef(settings.baseBranch),
      `Merge ${settings.baseBranch} into ${task.branch} (conflict resolved by resolve-command)`
    )
    const values = {
      priority: task.priority,
      branch: task.branch,
      worktree: path,
      base: settings.baseBranch
    }
    const template = settings.resolveCommand.replace(
      /\{conflict-files\}/g,
      files.map(shellQuote).join(' ')
    )
    const command = renderAgentCommand(template, values)
    logger.info(`[${task.priority}] resolve: ${command}`)
    const outcome = await runProcess({
      command,
      label: 'resolve',
      cwd: path,
      env: agentEnvironment(
        options.env,
        settings.githubToken,
        { ...agentVariables(values), CONFLICT_FILES: files.join('\n') },
        [],
        await git.identityEnv()
      ),
      logFile: task.log_file ?? join(settings.logDir, `priority-${task.priority}.log`),
      timeoutMs: settings.taskTimeoutMs,
      signal: options.signal,
      killGraceMs: options.killGraceMs ?? 10_000,
      onLine: (line) => logger.info(`[${task.priority}] ${line}`)
    })
    const left = describeWorktreeState(await readWorktreeState(worktree, tip))
    const head = await worktree.head()
    const base = await git.requireBranchTip(settings.baseBranch)
    if (outcome.exitCode !== 0)
      why = `it exited with ${outcome.timedOut ? 'a time-out' : `status ${outcome.exitCode}`}`
    else if (left) why = `it left ${left}`
    else if (head === tip || !(await git.isAncestor(files.length ? base : tip, head)))
      why = 'it made no merge commit'
    else settled = head
  }
  if (
    !settled ||
    !(await moveBranch(git, task.branch, tip, settled, 'resolve-command settled the conflict'))
  ) {
    task.error = `resolve-command did not settle the conflict (${why || `${task.branch} moved meanwhile`}); ${task.branch} is unchanged and kept`
    logger.warning(`PRIORITY ${task.priority}: ${task.error}`)
    return
  }
  logger.info(
    `PRIORITY ${task.priority}: resolve-command settled the conflict; merging ${task.branch} again`
  )
  await options.recordMerge(task)
}
