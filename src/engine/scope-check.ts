import { existsSync } from 'node:fs'
import type { Logger } from '../core/logger.js'
import type { PlannedTask, Settings, TaskResult } from '../core/types.js'
import { changedInWorktree } from '../git/candidate-worktree.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { changedSince, lookCovers, type WorktreeLook } from '../git/worktree-status.js'
import { branchRef } from '../git/refs.js'
import { outOfScope, touchesScope } from '../plan/scope.js'
import { parsePattern, type PathPattern } from '../plan/path-pattern.js'
import type { EndedAgent } from '../run/run-stage.js'
import { someOf } from '../core/some-of.js'
import { copiedFiles } from './copied-files.js'

/**
 * Once an agent has ended (after its slot went to the next task; waitForEndedAgents covers
 * the starts in between): the files it changed that its spec did not name go in
 * `tasks[].out_of_scope`, and each priority not started yet whose spec names one of them now
 * waits for this merge (the plan learns while it runs: it starts from a base with these
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
  logger: Logger,
  look?: () => Promise<WorktreeLook>
): Promise<void> {
  const own = planned.find((p) => p.priority === task.priority)
  if (!own || !existsSync(task.worktree)) return
  task.out_of_scope = await changedOutOfScope(task, startPoint, own, git, settings, look)
  if (!task.out_of_scope.length) return
  logger.info(
    `PRIORITY ${task.priority} changed files its spec did not name: ${someOf(task.out_of_scope)}`
  )
  for (const other of planned) {
    const state = tasks.find((t) => t.priority === other.priority)
    if (state?.status !== 'pending' || other.after.includes(task.priority)) continue
    if (touchesScope(task.out_of_scope, other.paths)) waitForMerge(other, task, logger)
  }
}

/** `waiting` starts once `changer`'s merge is done (it changed files `waiting`'s spec names). */
function waitForMerge(waiting: PlannedTask, changer: TaskResult, logger: Logger): void {
  waiting.after.push(changer.priority)
  logger.info(
    `PRIORITY ${waiting.priority} now waits for PRIORITY ${changer.priority}: its spec names files ${changer.priority} changed outside its own`
  )
}

/**
 * Before `next` starts while the scope checks of agents that ended are still to come (they run
 * once the slot went on): `next` waits for such an agent's merge when the agent changed, outside
 * its own scope, a file `next`'s spec names (as checkScope would have it wait). Git is asked once
 * per ended agent, and only about the paths that the priorities not started yet name.
 */
export async function waitForEndedAgents(
  next: PlannedTask,
  ended: readonly EndedAgent[],
  planned: readonly PlannedTask[],
  tasks: readonly TaskResult[],
  git: GitCommandManager,
  settings: Settings,
  logger: Logger
): Promise<void> {
  if (next.paths.length === 0) return
  await Promise.all(
    ended.map(async (agent) => {
      const { task } = agent
      if (task.priority === next.priority || next.after.includes(task.priority)) return
      let outside = ASKED.get(agent)
      if (!outside) {
        outside = changedUnderPending(agent, planned, tasks, git, settings)
        ASKED.set(agent, outside)
      }
      if (!touchesScope(await outside, next.paths) || next.after.includes(task.priority)) return
      waitForMerge(next, task, logger)
    })
  ).catch((error: Error) => logger.debug(`scope check before ${next.priority}: ${error.message}`))
}

/** What each ended agent changed outside its scope under the pending priorities' paths. */
const ASKED = new WeakMap<EndedAgent, Promise<string[]>>()

async function changedUnderPending(
  { task, startPoint, look }: EndedAgent,
  planned: readonly PlannedTask[],
  tasks: readonly TaskResult[],
  git: GitCommandManager,
  settings: Settings
): Promise<string[]> {
  const own = planned.find((p) => p.priority === task.priority)
  if (!own || !existsSync(task.worktree)) return []
  const pending = new Set(tasks.filter((t) => t.status === 'pending').map((t) => t.priority))
  // Where git looks: the literal part of each path (every match of a glob lies under it).
  const patterns = planned
    .filter((p) => pending.has(p.priority))
    .flatMap((p) => p.paths)
    .map(parsePattern)
  if (patterns.length === 0) return []
  const under = patterns.some((pattern) => pattern.literalDepth === 0)
    ? undefined
    : [...new Set(patterns.map(literalPrefix))]
  // Only there: git scans those paths, not the whole worktree (this runs between an agent's
  // end and the next start). The whole worktree's look, which the task's end needs anyway,
  // serves when the paths are many or not all literal.
  const since = startPoint ?? branchRef(settings.baseBranch)
  const narrow =
    under && under.length <= MAX_NARROW_PATHS
      ? (): Promise<WorktreeLook> => git.at(task.worktree).worktreeLook(since, under)
      : look
  return changedOutOfScope(task, startPoint, own, git, settings, narrow, under)
}

/** Beyond this many paths, the check before a start looks at the whole worktree. */
const MAX_NARROW_PATHS = 200

/**
 * The files an agent changed (committed or not, since the commit its task started from)
 * that its spec did not name, leaving out the bookkeeping files (the ROADMAP, the specs) and
 * the copies worktree-files made (an `.env`: never committed either); with `under`, only
 * among the files at or under those paths.
 */
async function changedOutOfScope(
  task: TaskResult,
  startPoint: string | null,
  own: PlannedTask,
  git: GitCommandManager,
  settings: Settings,
  look?: () => Promise<WorktreeLook>,
  under?: readonly string[]
): Promise<string[]> {
  const since = startPoint ?? branchRef(settings.baseBranch)
  const looked = await look?.().catch(() => null)
  // The look read the commits since the task's start already: git need not be asked again.
  const [files, copied] = await Promise.all([
    looked?.since === since && lookCovers(looked, under)
      ? changedSince(looked, under)
      : changedInWorktree(
          git.at(task.worktree),
          since,
          under,
          looked ? Promise.resolve(looked.untracked) : undefined
        ),
    copiedFiles(git, settings)
  ])
  const specs = `${settings.specsDir.replace(/\/+$/, '')}/`
  const counted = files.filter(
    (file) => file !== settings.roadmapFile && !file.startsWith(specs) && !copied.includes(file)
  )
  return outOfScope(counted, own.paths)
}

/** The leading literal segments of a path pattern: every path it meets lies at or under them. */
function literalPrefix(pattern: PathPattern): string {
  return pattern.segments
    .slice(0, pattern.literalDepth)
    .map((segment) => (segment.kind === 'literal' ? segment.text : ''))
    .join('/')
}
