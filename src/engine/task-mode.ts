import '../core/dispose-polyfill.js'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { buildPlan } from '../plan/plan.js'
import { createTaskContext, pendingTask, runTask } from '../run/task-runner.js'
import { buildResult } from '../report/result.js'
import { pushResults } from '../merge/push.js'
import { InputError } from '../core/errors.js'
import { taskJobSucceeded } from '../run/verdict.js'
import type { EngineOptions } from './run-mode.js'
import { sharedConfigWarnings } from './config-watch.js'
import { copiedFilesError, copiedFilesOn } from './copied-files.js'
import { openForChanges } from './preflight.js'
import { chooseCheckedStart, startFromBase, type CheckedStart } from './base-start.js'

type BaseStart = Awaited<ReturnType<typeof startFromBase>>
import type { Plan, RunResult, Settings, TaskResult } from '../core/types.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { checkConclusion, LiveReports } from '../report/live-reports.js'
import { mergesToSkip } from '../merge/earlier-merges.js'

/** What a matrix job leaves for the merge job (uploaded as an artifact). */
export interface TaskResultFile {
  format: 'parallel-worktree-task/1'
  task: TaskResult
  /** The base commit the branch started from. */
  base_commit: string
  /** Whether the branch reached origin. */
  pushed: boolean
}

export function taskResultPath(resultsDir: string, priority: number): string {
  return join(resultsDir, `task-${priority}.json`)
}

/**
 * `task` mode, one priority per matrix job: its branch from the base, the agent with the same
 * proof of work, time limit and environment rules as `run` mode, then the branch pushed (also
 * when the agent failed but left commits: a runner's disk does not outlive the job).
 */
export async function runOneTask(
  settings: Settings,
  options: EngineOptions
): Promise<{ result: RunResult; resultFile: string }> {
  if (settings.priorities.length !== 1) {
    throw new InputError(
      `priorities: task mode runs one priority per job, got ${settings.priorities.length} (${settings.priorities.join(', ')}); use a matrix with one priority each`
    )
  }
  const began = Date.now()
  const { logger } = options
  let checked: CheckedStart | undefined
  await using repository = await openForChanges(settings, {
    env: options.env,
    logger,
    agentsRun: true,
    beforeChanges: async (git) => {
      checked = await chooseCheckedStart(git, settings, logger, {
        env: options.env,
        agentsRun: true
      })
    }
  })
  const { git } = repository
  // A matrix job checks the repository out itself: like run mode, it starts where it reports.
  const start = await startFromBase(git, checked!.choice, logger, { moveLocal: true })
  const plan = await buildPlan(
    { ...settings, repo: git.cwd, separation: 'off', baseCommit: start.commit },
    git,
    await mergesToSkip(git, settings, start.commit),
    checked!.tree
  )
  const planned = plan.tasks[0]
  // An earlier run merged it (skip-merged): there is nothing to do, and nothing to push.
  const task = pendingTask(
    planned.merge_commit ? planned : { ...planned, skip_reason: null },
    settings
  )
  const baseCommit = start.commit
  const warnings: string[] = []
  // The job's own check run, `parallel-worktree (priority n)`: the merge job's is the fan-out's.
  const live = LiveReports.open(
    {
      baseBranch: settings.baseBranch,
      baseCommit,
      tasks: [task],
      waves: [],
      job: { role: 'task', priority: task.priority }
    },
    settings,
    { env: options.env ?? process.env, logger, onCheckRunCreated: options.checkRunCreated }
  )
  let result: RunResult | undefined
  try {
    result = await runAndPush(settings, options, { git, plan, task, start, warnings, live, began })
    return { result, resultFile: taskResultPath(settings.resultsDir, task.priority) }
  } finally {
    await live.finish(checkConclusion(result, options.signal), result)
  }
}

interface TaskParts {
  git: GitCommandManager
  plan: Plan
  task: TaskResult
  start: BaseStart
  /** The run's `warnings`, as the task adds to them. */
  warnings: string[]
  live: LiveReports
  began: number
}

/** The agent, its branch pushed, the task's result file: the job once its task is made. */
async function runAndPush(
  settings: Settings,
  options: EngineOptions,
  { git, plan, task, start, warnings, live, began }: TaskParts
): Promise<RunResult> {
  const { logger } = options
  const planned = plan.tasks[0]
  const baseCommit = start.commit
  if (!planned.merge_commit) {
    await runTask(
      task,
      createTaskContext(
        settings,
        git,
        { ...options, warnings },
        {
          baseTip: start.tip,
          starting: () => {
            live.changed()
            return () => {}
          }
        }
      ),
      planned
    )
    // The agent ended (its verdict made): one update of its own; the push follows.
    live.taskEnded()
  }

  let pushed = false
  const copied = task.commits > 0 ? await copiedFilesOn(git, settings, task.branch) : []
  if (copied.length) {
    task.error = [task.error, copiedFilesError(task.branch, copied, 'pushed')]
      .filter(Boolean)
      .join('; ')
  } else if (task.commits > 0) {
    // Never forced: a branch of that name with other work on origin stays, and ours is
    // pushed under a new name so that it outlives the runner. pushResults says what it pushed.
    const outcome = await pushResults(git, {
      baseBranch: settings.baseBranch,
      keptBranches: [task.branch],
      logger,
      withBase: false
    })
    const ref = outcome.branches[0]
    pushed = ref.pushed
    if (!pushed) {
      const rescued = ref.rescuedAs ? `; its commits are on origin as ${ref.rescuedAs}` : ''
      task.error = [task.error, `pushing ${task.branch} failed: ${ref.error}${rescued}`]
        .filter(Boolean)
        .join('; ')
    }
  }
  const resultFile = taskResultPath(settings.resultsDir, task.priority)
  const file: TaskResultFile = {
    format: 'parallel-worktree-task/1',
    task,
    base_commit: baseCommit,
    pushed
  }
  await mkdir(settings.resultsDir, { recursive: true })
  await writeFile(resultFile, `${JSON.stringify(file, null, 2)}\n`)

  // The task's own warnings were said as they happened: into the result only.
  const said = [...start.warnings, ...(await sharedConfigWarnings(git))]
  for (const warning of said) logger.warning(warning)
  const result = buildResult(settings, plan.separation, [task], began, [...said, ...warnings])
  result.base_commit = baseCommit
  // Nothing is merged in a task job: it succeeds when its work is done and on origin.
  result.success = taskJobSucceeded(task, pushed)
  return result
}
