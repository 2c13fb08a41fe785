import { existsSync } from 'node:fs'
import type { Logger } from '../core/logger.js'
import type { PlannedTask, Settings, TaskResult } from '../core/types.js'
import { changedInWorktree } from '../git/candidate-worktree.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { branchRef } from '../git/refs.js'
import { outOfScope, touchesScope } from '../plan/scope.js'
import { someOf } from '../core/some-of.js'
import { copiedFiles } from './copied-files.js'

/**
 * Once an agent has ended (before its slot goes to the next task): the files it changed that
 * its spec did not name go in `tasks[].out_of_scope`, and each priority not started yet whose
 * spec names one of them now waits for this merge (the plan learns while it runs: it starts from a base with these
 * changes, instead of conflicting with them). Bookkeeping files (the ROADMAP, the specs)
 * never count, nor the files worktree-files copied in. Changes are counted from the commit the task started from (tasks of later waves
 * start from a newer base; a base behind that start would count others' files as its own).
 */
export async function checkScope(
  task: TaskResult,
  startPoint: string | null,
  planned: readonly PlannedTask[],
  tasks: readonly TaskResult[],
  git: GitCommandManager,
  settings: Settings,
  logger: Logger
): Promise<void> {
  const own = planned.find((p) => p.priority === task.priority)
  if (!own || !existsSync(task.worktree)) return
  const since = startPoint ?? branchRef(settings.baseBranch)
  const [files, copied] = await Promise.all([
    changedInWorktree(git.at(task.worktree), since),
    copiedFiles(git, settings)
  ])
  const specs = `${settings.specsDir.replace(/\/+$/, '')}/`
  // Copies worktree-files made (an `.env`) are not the agent's changes: never committed either.
  const counted = files.filter(
    (file) => file !== settings.roadmapFile && !file.startsWith(specs) && !copied.includes(file)
  )
  task.out_of_scope = outOfScope(counted, own.paths)
  if (!task.out_of_scope.length) return
  logger.info(
    `PRIORITY ${task.priority} changed files its spec did not name: ${someOf(task.out_of_scope)}`
  )
  for (const other of planned) {
    const state = tasks.find((t) => t.priority === other.priority)
    if (state?.status !== 'pending' || other.after.includes(task.priority)) continue
    if (!touchesScope(task.out_of_scope, other.paths)) continue
    other.after.push(task.priority)
    logger.info(
      `PRIORITY ${other.priority} now waits for PRIORITY ${task.priority}: its spec names files ${task.priority} changed outside its own`
    )
  }
}
