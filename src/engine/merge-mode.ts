import { readFile } from 'node:fs/promises'
import { buildPlan } from '../plan/plan.js'
import { MergeEngine } from '../merge/merge-engine.js'
import { pendingTask } from '../run/task-runner.js'
import { buildResult } from '../report/result.js'
import { WITHOUT_HOOKS, type GitCommandManager } from '../git/git-command-manager.js'
import type { Logger } from '../core/logger.js'
import type { EngineOptions } from './run-mode.js'
import { openForChanges } from './preflight.js'
import { deleteMergedRemoteBranches, pushAfterMerges } from './publish-branches.js'
import { taskResultPath, type TaskResultFile } from './task-mode.js'
import type { RunResult, Settings, TaskResult } from '../core/types.js'

/**
 * `merge` mode, the last job of a fan-out: fetches the pushed branches of the priorities,
 * merges them into the base in the order given with the same engine and promises as `run`
 * mode, and reports every task with the status and timing its job recorded.
 */
export async function mergePushed(settings: Settings, options: EngineOptions): Promise<RunResult> {
  const began = Date.now()
  const { logger } = options
  await using repository = await openForChanges(settings, { env: options.env, logger })
  const { git } = repository
  const plan = await buildPlan({ ...settings, repo: git.cwd }, git)
  const tasks = plan.tasks.map((planned) =>
    pendingTask({ ...planned, skip_reason: null }, settings)
  )
  await fetchFromOrigin(git, settings.baseBranch, tasks, logger)

  const merger = new MergeEngine(git, settings.baseBranch, logger)
  for (const task of tasks) await recordTaskOutcome(git, task, settings, logger)
  const ready = tasks.filter((task) => task.status === 'completed' && settings.merge)
  const requests = ready.map((task) => ({ branch: task.branch, priority: task.priority }))
  if (requests.length > 1) await merger.predict(requests)
  const attempts = await merger.mergeAll(requests)
  ready.forEach((task, index) => {
    const attempt = attempts[index]
    task.merge = attempt.outcome
    task.merge_commit = attempt.commit
    task.conflict_files = attempt.conflictFiles
    if (attempt.error) task.error = attempt.error
  })
  const warnings: string[] = []
  await pushAfterMerges(git, settings, tasks, logger, warnings)
  if (settings.cleanup) {
    for (const task of tasks) {
      if (task.merge === 'merged') await merger.deleteMergedBranch(task.branch)
    }
    if (settings.push && warnings.length === 0) await deleteMergedRemoteBranches(git, tasks, logger)
  }
  const result = buildResult(settings, plan.separation, tasks, began, warnings)
  // The run's length is the fan-out's, from the first task's start to now.
  const starts = tasks.map((task) => Date.parse(task.started_at ?? '')).filter(Number.isFinite)
  if (starts.length) {
    result.timings.total_ms = Date.now() - Math.min(...starts)
    result.timings.speedup =
      Math.round((result.timings.sum_of_tasks_ms / result.timings.total_ms) * 100) / 100
  }
  return result
}

/** Local branches of base and of each priority, brought up to origin's where origin is ahead. */
async function fetchFromOrigin(
  git: GitCommandManager,
  baseBranch: string,
  tasks: TaskResult[],
  logger: Logger
): Promise<void> {
  const origin = await git.exec(['remote', 'get-url', 'origin'], { okExitCodes: [2, 128] })
  if (origin.exitCode !== 0) {
    logger.info('No origin remote: merging the local branches')
    return
  }
  const remote = await git.run(['ls-remote', '--heads', 'origin'])
  const onOrigin = new Set(
    remote.split('\n').map((line) => line.split('\t')[1]?.replace('refs/heads/', ''))
  )
  const wanted = [baseBranch, ...tasks.map((task) => task.branch)].filter((b) => onOrigin.has(b))
  if (wanted.length === 0) return
  await git.run([
    'fetch',
    '--no-tags',
    'origin',
    ...wanted.map((branch) => `+refs/heads/${branch}:refs/remotes/origin/${branch}`)
  ])
  for (const branch of wanted) {
    const theirs = await git.resolveCommit(`refs/remotes/origin/${branch}`)
    const ours = await git.resolveCommit(`refs/heads/${branch}`)
    if (!theirs || theirs === ours) continue
    if (ours && !(await git.isAncestor(ours, theirs))) {
      logger.warning(`${branch} differs here and on origin; using this repository's ${branch}`)
      continue
    }
    // Fast-forward (or create) the local branch; compare-and-swap against what we saw.
    await git.run([...WITHOUT_HOOKS, 'update-ref', `refs/heads/${branch}`, theirs, ours ?? ''])
  }
}

/** The task as its job recorded it, or as its branch shows when no result reached us. */
async function recordTaskOutcome(
  git: GitCommandManager,
  task: TaskResult,
  settings: Settings,
  logger: Logger
): Promise<void> {
  const file = await readTaskResult(settings.resultsDir, task.priority)
  const tip = await git.resolveCommit(`refs/heads/${task.branch}`)
  if (file) {
    Object.assign(task, file.task, { merge: 'not-merged', merge_commit: null, conflict_files: [] })
    if (task.status === 'completed' && !tip) {
      task.status = 'failed'
      task.error = `its job reported it completed, but the branch ${task.branch} is neither here nor on origin`
    }
    return
  }
  logger.warning(
    `No task result for priority ${task.priority} in ${settings.resultsDir}: judging from its branch`
  )
  if (!tip) {
    task.status = 'failed'
    task.error = 'no result from its task job and no pushed branch'
    return
  }
  task.commits = await git.countCommits(`refs/heads/${settings.baseBranch}`, tip)
  const merged = await git.isAncestor(tip, `refs/heads/${settings.baseBranch}`)
  task.status = task.commits > 0 || merged ? 'completed' : 'no-changes'
  task.error = 'no task result found (artifact missing); status judged from its pushed branch'
}

async function readTaskResult(dir: string, priority: number): Promise<TaskResultFile | null> {
  try {
    const parsed = JSON.parse(
      await readFile(taskResultPath(dir, priority), 'utf8')
    ) as TaskResultFile
    return parsed.format === 'parallel-worktree-task/1' && parsed.task?.priority === priority
      ? parsed
      : null
  } catch {
    return null
  }
}
