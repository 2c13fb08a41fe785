import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { RunEvents } from '../../src/run/task-runner.js'
import type { Settings, TaskResult } from '../../src/core/types.js'
import type { RawInputs } from '../../src/inputs/input-definitions.js'
import { parseSettings } from '../../src/inputs/settings.js'
import { preflight } from '../../src/engine/preflight.js'
import { buildPlan } from '../../src/plan/plan.js'
import { MergeEngine } from '../../src/merge/merge-engine.js'
import { BranchSweep } from '../../src/git/branch-deletion.js'
import { pendingTask } from '../../src/run/task-runner.js'
import { runAgents, type RunStageOptions } from '../../src/run/run-stage.js'
import { isAlive } from '../../src/run/process-tree.js'
import { LOCK_REASON_PREFIX } from '../../src/run/worktree-manager.js'
import { git } from '../helpers/temp-repo.js'

export const AGENT = resolve('examples/agent/example-agent.mjs')

/** `node example-agent.mjs --priority={priority} <flags>` */
export function agentCommand(flags = ''): string {
  return `node ${AGENT} --priority={priority} ${flags}`.trim()
}

import { memoryLogger, type MemoryLogger } from '../helpers/logger.js'
export { memoryLogger, type MemoryLogger }
export { pidsIn, script, until } from '../helpers/processes.js'

/** Validated settings as the action would make them, logs in `<dir>/logs`. */
export function settingsFor(repo: string, inputs: RawInputs): Settings {
  return parseSettings({ 'log-dir': join(repo, '..', 'logs'), ...inputs }, repo, {})
}

export interface StageRun {
  tasks: TaskResult[]
  logger: MemoryLogger
  byPriority: (priority: number) => TaskResult
}

/**
 * The run stage as the engine drives it: preflight, plan, pending tasks, runAgents, and a
 * merge of each completed task (branch deleted once merged when cleanup is on).
 */
export async function runStage(
  settings: Settings,
  options: Partial<Omit<RunStageOptions, 'settings' | 'git' | 'logger'>> & {
    logger?: MemoryLogger
    events?: RunEvents
  } = {}
): Promise<StageRun> {
  const logger = options.logger ?? memoryLogger()
  const { git } = await preflight(settings.repo, settings.baseBranch, { createBase: false })
  const plan = await buildPlan({ ...settings, repo: git.cwd }, git)
  const tasks = plan.tasks.map((planned) => pendingTask(planned, settings))
  const merger = new MergeEngine(git, settings.baseBranch, logger)
  const sweep = new BranchSweep(git)
  await runAgents(plan.tasks, tasks, {
    branchSweep: sweep,
    killGraceMs: 300,
    progressIntervalMs: 0,
    // The machine is shared with other test files: its real load must not hold starts here.
    resourceSampler: () => Promise.resolve({ cpuPercent: 1, memoryPercent: 1 }),
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ...options,
    settings,
    git,
    logger,
    onTaskDone: async (task) => {
      if (task.status === 'completed' && settings.merge) {
        const attempt = await merger.merge(task.branch, task.priority)
        task.merge = attempt.outcome
        task.merge_commit = attempt.commit
        // As the engine does: the branch goes once its worktree is removed, after this merge.
        if (attempt.outcome === 'merged' && settings.cleanup) {
          void sweep.add({ branch: task.branch, base: settings.baseBranch })
        }
      }
      await options.onTaskDone?.(task)
    }
  })
  return {
    tasks,
    logger,
    byPriority: (priority) => tasks.find((task) => task.priority === priority)!
  }
}

export interface RecordLine {
  event: 'start' | 'end'
  priority: number
  time: number
  pid: number
}

/** The lines example-agent --record=FILE wrote. */
export function readRecord(file: string): RecordLine[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [event, priority, time, pid] = line.split(' ')
      return {
        event: event as 'start' | 'end',
        priority: Number(priority),
        time: Number(time),
        pid: Number(pid)
      }
    })
}

/** The most agents that were between their start and end at one moment (an end comes first). */
export function maxOverlap(records: RecordLine[]): number {
  const sorted = [...records].sort(
    (a, b) => a.time - b.time || (a.event === b.event ? 0 : a.event === 'end' ? -1 : 1)
  )
  let current = 0
  let most = 0
  for (const record of sorted) {
    current += record.event === 'start' ? 1 : -1
    most = Math.max(most, current)
  }
  return most
}

export { isAlive }

/** Engine options for a whole run in a test: short kill grace, no progress, no real load. */
export function testEngineOptions(logger: MemoryLogger = memoryLogger()) {
  return {
    logger,
    killGraceMs: 300,
    progressIntervalMs: 0,
    resourceSampler: () => Promise.resolve({ cpuPercent: 1, memoryPercent: 1 }),
    env: { PATH: process.env.PATH, HOME: process.env.HOME }
  }
}

/**
 * A worktree as a run that did not finish leaves it: made by git directly, on a new branch from
 * roadmap, locked with the run's reason for `doing`.
 */
export function leftRunWorktree(repo: string, path: string, branch: string, doing: string): void {
  git(
    repo,
    'worktree',
    'add',
    '-q',
    '--lock',
    '--reason',
    `${LOCK_REASON_PREFIX}: ${doing}`,
    '-b',
    branch,
    path,
    'roadmap'
  )
}
