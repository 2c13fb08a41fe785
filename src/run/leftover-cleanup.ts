import { readFileSync, readlinkSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { deleteBranchIfSafe } from '../git/branch-deletion.js'
import { GitCommandManager } from '../git/git-command-manager.js'
import { saveWork } from '../git/save-work.js'
import { checkoutState, holdsNoWork } from '../git/worktree-fill.js'
import type { Logger } from '../core/logger.js'
import { gitSaid } from '../core/errors.js'
import {
  isAlive,
  isSignallablePid,
  processTable,
  signalGroup,
  signalTree,
  treeMembers
} from './process-tree.js'
import { realPath, WorktreeManager } from './worktree-manager.js'
import { listWorktrees } from '../git/worktree-list.js'

/** What a run records as it goes, so that a post step can clean up after it was killed. */
export interface Leftovers {
  repo: string
  worktrees: { path: string; branch: string; priority: number }[]
  /** The process groups of the agents and setup commands it started. */
  pids: number[]
  /** When given, a branch of the run holding no commit beyond it is deleted too. */
  baseBranch?: string
  /** false: a worktree with uncommitted changes is kept rather than committed. Default true. */
  autoCommit?: boolean
  /** The worktree-files globs: what they match, untracked, was copied in and is never saved. */
  worktreeFiles?: string[]
}

/**
 * After a run that did not finish (cancelled job, killed coordinator): stop every agent tree
 * it recorded, save what each worktree holds uncommitted in a commit on its branch, remove
 * the worktrees. Branches with commits are kept. Problems are warnings: cleanup must not fail
 * a job, and it never touches what it cannot tell is the run's own.
 */
export async function cleanupLeftovers(
  leftovers: Leftovers,
  logger: Logger,
  graceMs = 5000
): Promise<void> {
  const paths = leftovers.worktrees.map((worktree) => realPath(worktree.path))
  const groups = leftovers.pids.filter((pid) => ownedGroup(pid, paths))
  if (groups.length) logger.info(`Stopping ${groups.length} agent process tree(s) of the run`)
  await stopGroups(groups, graceMs)

  const git = new GitCommandManager(leftovers.repo)
  const manager = new WorktreeManager(git, logger)
  const [main, ...others] = await listWorktrees(git)
  const registered = new Set(others.map((entry) => realPath(entry.path)))
  for (const worktree of leftovers.worktrees) {
    const path = realPath(worktree.path)
    try {
      if (path === realPath(main.path)) continue
      if (!registered.has(path)) {
        // Already gone, or never a worktree of this repository: nothing of ours to save there.
        await dropEmptyBranch(git, worktree.branch, leftovers.baseBranch, logger)
        continue
      }
      if (await isDirectory(path)) {
        const here = git.at(path)
        const checkout = await checkoutState(here)
        if (holdsNoWork(checkout)) {
          // Killed between registering it and filling it, or while a finished worktree was
          // switched to the next task's branch: every file it lacks (or holds of the other
          // branch) would read as a change. Nothing of an agent is in it; its branch stays
          // exactly as it is.
          await manager.remove(path)
          logger.info(
            checkout === 'switching'
              ? `Removed the worktree ${path}: the run stopped while reusing it for the next priority (its checkout did not complete); branch ${worktree.branch || '(none)'} is left as it was`
              : `Removed the worktree ${path}: it was never filled (the run stopped before its checkout completed); branch ${worktree.branch} is left as it was`
          )
          continue
        }
        const saved = await saveWork(here, {
          autoCommit: leftovers.autoCommit !== false,
          // What worktree-files copied in (untracked, matching its globs) is not the agent's work.
          leaveOut: await here.untrackedMatching(leftovers.worktreeFiles ?? []),
          message: `WIP PRIORITY ${worktree.priority}: uncommitted changes saved after the run was stopped`,
          unconfirmedCheckout: checkout !== 'marked',
          // The worktree is removed next: a lock a killed git left must not keep it forever.
          whenIndexLocked: 'snapshot'
        })
        if (saved.state === 'kept') {
          const why =
            saved.because === 'detached'
              ? ' on a detached HEAD'
              : saved.because === 'auto-commit-off'
                ? ' and auto-commit is off'
                : saved.because === 'unconfirmed-deletions'
                  ? ` that were not saved: ${saved.error}; look at it, commit what is meant (git -C ${path} add -A && git -C ${path} commit), then remove it (git worktree remove --force ${path})`
                  : ` that could not be committed (${saved.error})`
          logger.warning(`Kept the worktree ${path}: it holds uncommitted changes${why}`)
          continue
        }
        if (saved.state === 'committed') {
          const lock = saved.lockLeft
            ? ` (through a scratch index: ${saved.lockLeft} was in the way)`
            : ''
          logger.info(
            `Saved the uncommitted work of priority ${worktree.priority} on ${saved.branch}${lock}`
          )
        }
        if (!saved.branch && (await here.commitsOnNoBranch())) {
          logger.warning(`Kept the worktree ${path}: its detached HEAD holds commits no branch has`)
          continue
        }
      }
      await manager.remove(path)
      logger.info(`Removed the worktree ${path}`)
      await dropEmptyBranch(git, worktree.branch, leftovers.baseBranch, logger)
    } catch (error) {
      logger.warning(
        `Could not clean up ${path} (${gitSaid(error as Error)}): it is left in place with its files, and branch ${worktree.branch} is kept`
      )
    }
  }
  await git.pruneWorktrees().catch(() => undefined)
}

/** Deletes the run's branch when every commit on it is in base; says so when it is kept. */
async function dropEmptyBranch(
  git: GitCommandManager,
  branch: string,
  baseBranch: string | undefined,
  logger: Logger
): Promise<void> {
  const deletion = await deleteBranchIfSafe(git, branch, { base: baseBranch })
  if (deletion.deleted) {
    logger.info(`Deleted the branch ${branch}: it held nothing new`)
    if (deletion.kept.length) {
      logger.warning(
        `Commits that only the reflog of ${branch} still reached are kept at ${deletion.kept.join(', ')}`
      )
    }
  } else if (deletion.because === 'unique-commits') {
    logger.info(`Kept the branch ${branch}: ${deletion.commits} commit(s) not in ${baseBranch}`)
  } else if (deletion.because !== 'missing') logger.info(`Kept the branch ${branch}`)
}

/**
 * True when the group `pgid` is alive and belongs to the run: one of its processes was given
 * one of the run's worktrees (WORKTREE_PATH) or works in one. A pid recorded long ago may
 * have been reused by a stranger; that one is left alone. Where processes cannot be
 * inspected (no /proc), a living group is trusted.
 */
export function ownedGroup(pgid: number, worktreePaths: readonly string[]): boolean {
  if (!isSignallablePid(pgid)) return false
  const members = treeMembers(pgid)
  if (members.length === 0) return false
  if (process.platform !== 'linux') return true
  return members.some((pid) => worksIn(pid, worktreePaths))
}

function worksIn(pid: number, worktreePaths: readonly string[]): boolean {
  const inside = (path: string): boolean =>
    worktreePaths.some((root) => path === root || path.startsWith(`${root}/`))
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`).replace(/ \(deleted\)$/, '')
    if (inside(cwd)) return true
  } catch {
    // Not ours to read.
  }
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
    const given = environ.find((entry) => entry.startsWith('WORKTREE_PATH='))
    return given !== undefined && inside(realPath(given.slice('WORKTREE_PATH='.length)))
  } catch {
    return false
  }
}

/**
 * The process groups of living agents that were given one of these worktrees (WORKTREE_PATH
 * in their environment, which their children inherit): the agents of a run that died. A
 * process that merely works there (a user's shell) is not one of them. Linux only (/proc);
 * elsewhere none are found.
 */
export function agentGroupsIn(worktreePaths: readonly string[]): number[] {
  if (process.platform !== 'linux' || worktreePaths.length === 0) return []
  const groups = new Set<number>()
  for (const row of processTable()) {
    if (row.zombie || !isSignallablePid(row.pgid)) continue
    const given = givenWorktree(row.pid)
    if (given && worktreePaths.some((root) => given === root || given.startsWith(`${root}/`))) {
      groups.add(row.pgid)
    }
  }
  return [...groups]
}

/**
 * The living processes that were given this worktree (WORKTREE_PATH in their environment),
 * whatever their group or session: what an agent left running after it ended, a daemon
 * started with `setsid` or `nohup … &` included. Each with its command line, for a warning.
 * Linux only (/proc); elsewhere none are found.
 */
export function processesGiven(worktree: string): { pid: number; command: string }[] {
  if (process.platform !== 'linux') return []
  const root = realPath(worktree)
  return processTable()
    .filter((row) => !row.zombie && row.pid !== process.pid && isSignallablePid(row.pid))
    .filter((row) => {
      const given = givenWorktree(row.pid)
      return given !== null && (given === root || given.startsWith(`${root}/`))
    })
    .map((row) => ({ pid: row.pid, command: commandLine(row.pid) }))
}

function commandLine(pid: number): string {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()
    return text.length > 100 ? `${text.slice(0, 100)}…` : text
  } catch {
    return '?'
  }
}

function givenWorktree(pid: number): string | null {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
    const given = environ.find((entry) => entry.startsWith('WORKTREE_PATH='))
    return given ? realPath(given.slice('WORKTREE_PATH='.length)) : null
  } catch {
    return null
  }
}

/** TERM to each process tree, KILL to what is left of them after the grace time. */
export async function stopGroups(pids: readonly number[], graceMs: number): Promise<void> {
  const living = pids.filter(isSignallablePid)
  const members = new Set(living.flatMap((pid) => treeMembers(pid)))
  if (members.size === 0) return
  for (const pid of living) signalTree(pid, 'SIGTERM')
  const until = Date.now() + graceMs
  const anyAlive = (): boolean =>
    [...members].some(isAlive) || living.some((pid) => treeMembers(pid).length > 0)
  while (anyAlive() && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
  for (const pid of living) {
    signalGroup(pid, 'SIGKILL')
    signalTree(pid, 'SIGKILL')
  }
  for (const pid of members) if (isAlive(pid)) signalTree(pid, 'SIGKILL')
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false
  )
}
