import { existsSync } from 'node:fs'
import { GitCommandManager } from '../git/git-command-manager.js'
import type { Logger } from '../engine/logger.js'
import { WorktreeManager } from './worktree-manager.js'

export interface Leftovers {
  repo: string
  worktrees: { path: string; branch: string; priority: number }[]
  pids: number[]
}

/**
 * After a run that did not finish (cancelled job, killed coordinator): stop every agent tree
 * it recorded, save what each worktree holds uncommitted in a commit on its branch, remove the
 * worktrees. Branches are kept. Problems are warnings: cleanup must not fail a job.
 */
export async function cleanupLeftovers(
  leftovers: Leftovers,
  logger: Logger,
  graceMs = 5000
): Promise<void> {
  await stopGroups(leftovers.pids, graceMs)
  const git = new GitCommandManager(leftovers.repo)
  const manager = new WorktreeManager(git, logger)
  const identity = await git.identityEnv().catch(() => ({}))
  for (const worktree of leftovers.worktrees) {
    try {
      if (existsSync(worktree.path)) {
        const here = git.at(worktree.path)
        if (await here.run(['status', '--porcelain'])) {
          await here.run(['add', '-A'])
          await here.run(
            [
              'commit',
              '--no-verify',
              '-q',
              '-m',
              `WIP PRIORITY ${worktree.priority}: uncommitted changes saved after the run was stopped`
            ],
            { env: identity }
          )
          logger.info(
            `Saved uncommitted work of priority ${worktree.priority} on ${worktree.branch}`
          )
        }
      }
      await manager.remove(worktree.path)
      logger.info(`Removed worktree ${worktree.path} (branch ${worktree.branch} kept)`)
    } catch (error) {
      logger.warning(`Could not clean up ${worktree.path}: ${(error as Error).message}`)
    }
  }
  await git.exec(['worktree', 'prune'], { okExitCodes: [128] }).catch(() => undefined)
}

/** TERM to each process group, KILL to those still there after the grace time. */
export async function stopGroups(pids: readonly number[], graceMs: number): Promise<void> {
  const alive = (pid: number): boolean => {
    try {
      process.kill(-pid, 0)
      return true
    } catch {
      return false
    }
  }
  const living = pids.filter(alive)
  for (const pid of living) signal(pid, 'SIGTERM')
  const until = Date.now() + graceMs
  while (living.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 100))
  for (const pid of living.filter(alive)) signal(pid, 'SIGKILL')
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name)
  } catch {
    // already gone
  }
}
