import '../core/dispose-polyfill.js'
import { link, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { InputError } from '../core/errors.js'
import type { Logger } from '../core/logger.js'

interface LockOwner {
  pid: number
  host: string
  started: string
}

/** Attempts before giving up: each one either wins, or finds a living owner, or clears a dead one. */
const ATTEMPTS = 50
const RETRY_MS = 20

/**
 * One run at a time per repository: two runs merging into the same base would interleave.
 * The lock is a file in the repository's common git folder. It appears whole or not at all:
 * its content is written to a file of our own first, then hard-linked to the lock's name,
 * which fails if the name exists (an exclusive create that is never seen empty). A lock whose
 * process is gone (a killed run) is taken over, since its leftovers are recovered anyway; the
 * taking over is itself guarded by a second lock, so that of several runs finding the same
 * dead lock, one removes it and one wins.
 */
export async function acquireRunLock(
  git: GitCommandManager,
  logger: Logger
): Promise<AsyncDisposable> {
  const commonDir = await git.commonDir()
  const path = join(commonDir, 'parallel-worktree.lock')
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() }
  const mine = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}`
  await writeFile(mine, JSON.stringify(me))
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (await createWith(mine, path)) {
        return { [Symbol.asyncDispose]: () => rm(path, { force: true }) }
      }
      const owner = await readOwner(path)
      if (owner === 'gone') continue
      if (owner && isAlive(owner)) {
        throw new InputError(
          `another parallel-worktree run (pid ${owner.pid}, started ${owner.started}) is working on this repository; wait for it to end, or remove ${path} if it is gone`
        )
      }
      await takeOver(path, mine, owner, logger)
    }
    throw new InputError(`could not take the run lock ${path}; remove it if no run is working`)
  } finally {
    await rm(mine, { force: true })
  }
}

/**
 * Removes the dead run's lock, holding the takeover guard, and only if it is still the one
 * judged dead (another run may have taken it over and made its own in the meantime).
 */
async function takeOver(
  path: string,
  mine: string,
  dead: LockOwner | null,
  logger: Logger
): Promise<void> {
  const guard = `${path}.takeover`
  if (!(await createWith(mine, guard))) {
    const taker = await readOwner(guard)
    // A taker that died in those few milliseconds leaves its guard: it is as dead as the lock.
    if (taker !== 'gone' && taker && !isAlive(taker)) await rm(guard, { force: true })
    else await delay(RETRY_MS)
    return
  }
  try {
    const now = await readOwner(path)
    if (now !== 'gone' && JSON.stringify(now) === JSON.stringify(dead)) {
      logger.warning(
        `Taking over the lock of a run that is gone (${dead ? `pid ${dead.pid}` : 'unreadable lock'})`
      )
      await rm(path, { force: true })
    }
  } finally {
    await rm(guard, { force: true })
  }
}

/** Creates `path` holding what `source` holds, unless `path` exists. */
async function createWith(source: string, path: string): Promise<boolean> {
  try {
    await link(source, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

/** The lock's owner; null when unreadable; 'gone' when the file no longer exists. */
async function readOwner(path: string): Promise<LockOwner | null | 'gone'> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : null
  }
  try {
    return JSON.parse(text) as LockOwner
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

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms))
}
