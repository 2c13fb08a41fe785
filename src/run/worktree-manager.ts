import { copyFile, mkdir, readdir, rm, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import picomatch from 'picomatch'
import type { GitCommandManager } from '../git/git-command-manager.js'
import type { Logger } from '../engine/logger.js'

export interface WorktreeEntry {
  path: string
  head: string | null
  /** Short branch name, or null when detached. */
  branch: string | null
  locked: boolean
  prunable: boolean
}

/** `git worktree list --porcelain -z`, parsed. */
export async function listWorktrees(git: GitCommandManager): Promise<WorktreeEntry[]> {
  const text = await git.run(['worktree', 'list', '--porcelain', '-z'])
  const entries: WorktreeEntry[] = []
  let current: WorktreeEntry | null = null
  for (const field of text.split('\0')) {
    if (field.startsWith('worktree ')) {
      current = { path: field.slice(9), head: null, branch: null, locked: false, prunable: false }
      entries.push(current)
    } else if (current && field.startsWith('HEAD ')) current.head = field.slice(5)
    else if (current && field.startsWith('branch ')) {
      current.branch = field.slice(7).replace(/^refs\/heads\//, '')
    } else if (current && (field === 'locked' || field.startsWith('locked '))) current.locked = true
    else if (current && (field === 'prunable' || field.startsWith('prunable ')))
      current.prunable = true
  }
  return entries
}

/** `<worktree-dir>/<repo>-wt<priority>`, absolute. */
export function worktreePath(repo: string, worktreeDir: string, priority: number): string {
  return resolve(repo, worktreeDir, `${basename(repo)}-wt${priority}`)
}

/** A worktree this run made: `await using` removes it, whatever happened in between. */
export interface Worktree extends AsyncDisposable {
  path: string
  branch: string
  git: GitCommandManager
}

export interface CreateWorktreeOptions {
  branch: string
  path: string
  /** Commit the branch starts from (the base tip at start time). */
  startPoint: string
  baseBranch: string
  /** When false, disposal keeps the worktree (cleanup: false). */
  removeOnDispose: boolean
  reason: string
}

export class WorktreeError extends Error {
  override name = 'WorktreeError'
}

/**
 * Creates worktrees and branches, recovering leftovers of an earlier run when that loses
 * nothing, and refusing with a message that says what to do otherwise.
 */
export class WorktreeManager {
  private readonly kept = new Set<string>()

  constructor(
    private readonly git: GitCommandManager,
    private readonly logger: Logger
  ) {}

  async create(options: CreateWorktreeOptions): Promise<Worktree> {
    const { branch, path, startPoint } = options
    await this.recoverLeftovers(options)
    await mkdir(dirname(path), { recursive: true })
    await this.git.run([
      'worktree',
      'add',
      '--lock',
      '--reason',
      options.reason,
      '-b',
      branch,
      path,
      startPoint
    ])
    return {
      path,
      branch,
      git: this.git.at(path),
      [Symbol.asyncDispose]: async () => {
        if (options.removeOnDispose && !this.kept.has(path)) await this.remove(path)
        else await this.git.exec(['worktree', 'unlock', path], { okExitCodes: [128] })
      }
    }
  }

  /** Disposal leaves this worktree in place (it holds something that is not committed). */
  keep(path: string): void {
    this.kept.add(path)
  }

  /** Removes a worktree folder and its registration; a problem is a warning, not a failure. */
  async remove(path: string): Promise<void> {
    await this.git.exec(['worktree', 'unlock', path], { okExitCodes: [128] })
    const removed = await this.git.exec(['worktree', 'remove', '--force', '--force', path], {
      okExitCodes: [128]
    })
    if (removed.exitCode !== 0) {
      await rm(path, { recursive: true, force: true }).catch(() => undefined)
      await this.git.exec(['worktree', 'prune'])
      this.logger.debug(`worktree remove said: ${removed.stderr.trim()}`)
    }
  }

  private async recoverLeftovers({ branch, path, baseBranch }: CreateWorktreeOptions) {
    await this.git.run(['worktree', 'prune']) // registered worktrees whose folder is gone
    const worktrees = await listWorktrees(this.git)
    const holder = worktrees.find((entry) => entry.branch === branch)
    const atPath = worktrees.find((entry) => samePath(entry.path, path))

    if (holder) {
      if (!samePath(holder.path, path)) {
        throw new WorktreeError(
          `branch ${branch} is checked out in ${holder.path}; remove that worktree (git worktree remove ${holder.path}) or choose another branch-template`
        )
      }
      // Our own leftover: keep its work by committing nothing here; it is removed only if clean.
      const status = await this.git.at(path).run(['status', '--porcelain'])
      if (status) {
        throw new WorktreeError(
          `a worktree of an earlier run at ${path} has uncommitted changes on ${branch}; commit or discard them, then remove it (git worktree remove ${path})`
        )
      }
      this.logger.info(`Removing the leftover worktree ${path} of an earlier run (clean)`)
      await this.remove(path)
    } else if (atPath) {
      throw new WorktreeError(
        `${path} is already a worktree (of ${atPath.branch ?? 'a detached HEAD'}); remove it (git worktree remove ${path}) or set worktree-dir`
      )
    } else if (await exists(path)) {
      if ((await readdir(path)).length > 0) {
        throw new WorktreeError(
          `the folder ${path} exists, is not empty and is not a worktree of this repository; move it away or set worktree-dir`
        )
      }
      await rm(path, { recursive: true, force: true })
    }

    const existing = await this.git.resolveCommit(`refs/heads/${branch}`)
    if (existing) {
      const ahead = await this.git.countCommits(`refs/heads/${baseBranch}`, existing)
      if (ahead > 0) {
        throw new WorktreeError(
          `branch ${branch} already exists with ${ahead} commit(s) not in ${baseBranch}; merge it or delete it (git branch -D ${branch}), or choose another branch-template`
        )
      }
      // Everything on it is already in base: deleting it loses nothing.
      this.logger.info(`Reusing the name of branch ${branch}: its commits are all in ${baseBranch}`)
      await this.git.run(['branch', '-D', branch])
    }
  }
}

/**
 * Copies untracked files matching the globs (`.env`, `config/*.local.json`) from the user's
 * checkout into a new worktree: a worktree holds tracked files only.
 */
export async function copyWorktreeFiles(
  git: GitCommandManager,
  from: string,
  to: string,
  globs: readonly string[]
): Promise<string[]> {
  if (globs.length === 0) return []
  const isMatch = picomatch(globs as string[], { dot: true })
  const listed = await git.run(['ls-files', '-z', '--others'], { cwd: from })
  const copied: string[] = []
  for (const file of listed.split('\0')) {
    if (!file || !isMatch(file)) continue
    await mkdir(dirname(join(to, file)), { recursive: true })
    await copyFile(join(from, file), join(to, file))
    copied.push(file)
  }
  return copied
}

function samePath(a: string, b: string): boolean {
  return resolve(a) === resolve(b)
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}
