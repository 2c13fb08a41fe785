import { open, readFile, rm } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { InputError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'

interface LockOwner {
  pid: number
  host: string
  started: string
}

/**
 * One run at a time per repository: two runs merging into the same base would interleave.
 * The lock is a file in the repository's common git folder, created exclusively; a lock whose
 * process is gone (a killed run) is taken over, since its leftovers are recovered anyway.
 */
export async function acquireRunLock(
  git: GitCommandManager,
  logger: Logger
): Promise<AsyncDisposable> {
  const commonDir = resolve(git.cwd, await git.run(['rev-parse', '--git-common-dir']))
  const path = join(commonDir, 'parallel-worktree.lock')
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx')
      await file.writeFile(JSON.stringify(me))
      await file.close()
      return { [Symbol.asyncDispose]: () => rm(path, { force: true }) }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = await readOwner(path)
      if (owner && isAlive(owner)) {
        throw new InputError(
          `another parallel-worktree run (pid ${owner.pid}, started ${owner.started}) is working on this repository; wait for it to end, or remove ${path} if it is gone`
        )
      }
      logger.warning(
        `Taking over the lock of a run that is gone (${owner ? `pid ${owner.pid}` : 'unreadable lock'})`
      )
      await rm(path, { force: true })
    }
  }
  throw new InputError(`could not take the run lock ${path}`)
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner
  } catch {
    return null
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true // cannot tell: assume it is alive
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
