import { lstat } from 'node:fs/promises'
import { join } from 'node:path'
import type { GitCommandManager, GitOutput } from '../git/git-command-manager.js'
import { restoreCheckoutFiles, WRITE_FAILURE } from '../git/checkout-restore.js'
import { branchRef } from '../git/refs.js'
import { findBranchUse, type BranchUse, type WorktreeEntry } from './branch-use.js'
import { someOf } from '../core/some-of.js'

export interface AdvanceRequest {
  branch: string
  /** The tip the new commit was made on: the update is a compare-and-swap against it. */
  from: string
  /** A descendant of `from` (a merge commit with `from` as its first parent). */
  to: string
  /** For the reflog. */
  reason: string
  /** What the user can do when the update is refused, for the error. */
  remedy: string
}

export type AdvanceResult =
  | { ok: true; checkout: string | null }
  | {
      ok: false
      /** The branch was no longer at `from`: the caller may redo its work on the new tip. */
      raced: boolean
      error: string
      checkout: string | null
      /** Files in the checkout that the update would have overwritten. */
      blockingFiles: string[]
    }

const LOCK_RETRY_DELAYS_MS = [100, 300, 1000]

/**
 * Moves a branch forward from `from` to `to` and keeps every checkout of it true:
 * - not checked out anywhere: `update-ref <ref> <to> <from>`, a compare-and-swap;
 * - checked out in one worktree (the user's checkout included): in that worktree,
 *   `read-tree -m -u <from> <to>` (the two-way merge that checkout and fast-forward use: it
 *   checks every path before it writes one, and refuses when a file it must write has
 *   uncommitted changes or the index has conflicts), then the same compare-and-swap. Untracked
 *   and ignored files in the way are found first (read-tree would overwrite ignored ones).
 *   Uncommitted changes to files the update does not touch are kept, as `git pull --ff-only`
 *   keeps them: refusing them too would fail hours of agent work over an unrelated edit, and
 *   keeping them loses nothing. The checkout ends at `to`, its status showing only what the
 *   user had changed before. Plumbing rather than `git merge --ff-only`: that one writes
 *   ORIG_HEAD even when it refuses, runs the post-merge hook and follows merge.autoStash;
 * - checked out in several worktrees, or being rebased or bisected: refused, nothing changed.
 */
export async function advanceBranch(
  git: GitCommandManager,
  request: AdvanceRequest,
  /** Where the branch is in use, when the caller just listed it (read after `from` was). */
  knownUse?: BranchUse
): Promise<AdvanceResult> {
  const use = knownUse ?? (await findBranchUse(git, request.branch))
  if (use.busy.length) {
    const { path, operation } = use.busy[0]
    const checkout = use.checkouts.find((wt) => wt.path === path)
    const where = checkout ? describeCheckout(checkout) : `the worktree ${path}`
    const doing =
      operation === 'rebase' || operation === 'bisect'
        ? `is being ${operation === 'rebase' ? 'rebased' : 'bisected'} in ${where}`
        : `is checked out in ${where} with ${operation === 'am' ? 'an am' : `a ${operation}`} in progress`
    return refused(
      `${request.branch} ${doing}; moving it now could be undone or mixed into that ${operation}. ` +
        `Nothing was changed: finish or abort the ${operation} there, then ${request.remedy}`,
      path
    )
  }
  if (use.checkouts.length > 1) {
    return refused(
      `${request.branch} is checked out in ${use.checkouts.length} worktrees ` +
        `(${use.checkouts.map((wt) => wt.path).join(', ')}), which cannot all be updated at once. ` +
        `Nothing was changed: check out another branch in all but one of them, then ${request.remedy}`,
      use.checkouts[0].path
    )
  }
  if (use.checkouts.length === 1) return fastForwardCheckout(git, use.checkouts[0], request)
  return compareAndSwap(git, request)
}

async function compareAndSwap(
  git: GitCommandManager,
  request: AdvanceRequest
): Promise<AdvanceResult> {
  const ref = branchRef(request.branch)
  const update = await git.swapRef(ref, request.to, request.from, { reason: request.reason })
  if (update.exitCode === 0) return { ok: true, checkout: null }
  const now = await git.resolveCommit(ref)
  if (now !== request.from) {
    return { ...refused(`${request.branch} moved while we updated it`, null), raced: true }
  }
  return refused(`git update-ref ${ref} failed: ${gitMessage(update)}`, null)
}

async function fastForwardCheckout(
  git: GitCommandManager,
  checkout: WorktreeEntry,
  request: AdvanceRequest
): Promise<AdvanceResult> {
  const where = describeCheckout(checkout)
  const ref = branchRef(request.branch)
  const cwd = checkout.path
  if (checkout.head !== request.from) {
    return { ...refused(`${request.branch} moved in ${where}`, cwd), raced: true }
  }
  const refuse = (what: string, files: string[], detail = ''): AdvanceResult => ({
    ...refused(
      `${request.branch} is checked out in ${where} and ${what}` +
        (files.length ? `: ${someOf(files)}` : '') +
        `. Nothing was changed there. Commit, stash or move them in ${cwd}, then ${request.remedy}` +
        (detail ? ` (git said: ${detail})` : ''),
      cwd
    ),
    blockingFiles: files
  })

  const inTheWay = await untrackedInTheWay(git, cwd, request.from, request.to)
  if (inTheWay.length) return refuse('untracked or ignored files are in the way', inTheWay)

  const read = await withIndexLock(() => git.moveCheckout(request.from, request.to, cwd))
  if (read.exitCode !== 0) {
    const lock = /Unable to create '([^']*index\.lock)'/.exec(read.stderr)?.[1]
    if (lock) {
      // Not the user's changes: another git holds the index, or one that crashed left its lock.
      return refused(
        `${request.branch} is checked out in ${where}, whose index is locked by another git process (${lock} exists). ` +
          `Nothing was changed there. Once no git is running there (remove ${lock} if one crashed), ${request.remedy}`,
        cwd
      )
    }
    if (WRITE_FAILURE.test(read.stderr))
      return failedHalfway(git, checkout, request, gitMessage(read))
    const what = /resolve your current index/.test(read.stderr)
      ? 'its index has unresolved conflicts'
      : /untracked/i.test(read.stderr)
        ? 'untracked files are in the way'
        : 'uncommitted changes would be overwritten'
    return refuse(what, quotedPaths(read.stderr), gitMessage(read))
  }

  const update = await git.swapRef(ref, request.to, request.from, {
    reason: request.reason,
    cwd
  })
  if (update.exitCode === 0) return { ok: true, checkout: cwd }

  // The branch moved between the two steps (milliseconds): put the files back where they were.
  const back = await withIndexLock(() => git.moveCheckout(request.to, request.from, cwd))
  const now = await git.resolveCommit(ref)
  if (back.exitCode === 0 && now !== request.from) {
    return { ...refused(`${request.branch} moved in ${where}`, cwd), raced: true }
  }
  return refused(
    `updating ${ref} in ${where} failed after its files were updated (${gitMessage(update)})` +
      (back.exitCode === 0
        ? '; the files were put back'
        : `; putting the files back failed too (${gitMessage(back)}): run git status there`),
    cwd
  )
}

/**
 * The checkout's files were being written when git could not write one (a full disk, a folder
 * it may not write): some are at `to`, the rest at `from`, the index and the branch at `from`.
 * They are put back to `from`; the message quotes git and says where things stand, exactly.
 */
async function failedHalfway(
  git: GitCommandManager,
  checkout: WorktreeEntry,
  request: AdvanceRequest,
  said: string
): Promise<AdvanceResult> {
  const where = describeCheckout(checkout)
  const cwd = checkout.path
  const back = await restoreCheckoutFiles(git, cwd, request.from, request.to)
  const start = `${request.branch} is checked out in ${where}, and updating its files to ${request.to.slice(0, 12)} failed halfway (git said: ${said})`
  // What was put back, as it is: a file the update added is removed (none of it was the user's).
  const removed = back.removed.length
    ? `; the ${back.removed.length} file(s) it had added were removed first (${someOf(back.removed, 5)})`
    : ''
  if (back.restored) {
    return refused(
      `${start}. The files it had written were put back as they were (${back.paths.length} file(s) checked${removed}), and ${request.branch} did not move: the checkout is as it was. Free some space or fix the permissions in ${cwd}, then ${request.remedy}`,
      cwd
    )
  }
  return refused(
    `${start}, and putting its files back failed too (${back.error})${removed}. ${request.branch} did not move: it, its index and HEAD in ${cwd} are at ${request.from.slice(0, 12)}, while these files there are not as they were at ${request.from.slice(0, 12)}: ${someOf(back.left)}. Once there is room, run git -C ${cwd} checkout ${request.from.slice(0, 12)} -- <those files> (none of them had changes of yours), then ${request.remedy}`,
    cwd
  )
}

/**
 * Paths the update would write over that git does not track there: untracked files, and
 * ignored ones, which read-tree would overwrite silently (it treats ignored files as
 * expendable). Only paths `to` adds need a look: for the paths `from` has, read-tree's two-way
 * merge itself refuses when the index or the file differs from `from`. A file where a new
 * folder goes counts; so does a folder where a new file goes, unless git tracked all of it.
 * In the common case (the merge only modifies files) this costs no call beyond the diff.
 */
async function untrackedInTheWay(
  git: GitCommandManager,
  cwd: string,
  from: string,
  to: string
): Promise<string[]> {
  const { added, deleted } = await git.addedAndDeleted(from, to, cwd)
  const blocking = new Set<string>()
  const folders = new Set<string>()
  for (const path of added) {
    for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
      folders.add(path.slice(0, slash))
    }
    const stat = await lstat(join(cwd, path)).catch(() => null)
    if (!stat) continue
    const below = `${path}/`
    if (stat.isDirectory() && deleted.some((gone) => gone.startsWith(below))) {
      // A tracked folder becomes a file: only what git does not track in it is in the way.
      if ((await git.listFiles(['--others'], [below], { cwd, literal: true })).length === 0)
        continue
    }
    blocking.add(path)
  }
  const deletedFiles = new Set(deleted)
  for (const folder of folders) {
    if (deletedFiles.has(folder)) continue // a tracked file that becomes a folder
    const stat = await lstat(join(cwd, folder)).catch(() => null)
    if (stat && !stat.isDirectory()) blocking.add(folder)
  }
  return [...blocking].sort()
}

/** Runs a git call again while another git (an editor, the user) holds the index lock. */
async function withIndexLock(call: () => Promise<GitOutput>): Promise<GitOutput> {
  let result = await call()
  for (const delay of LOCK_RETRY_DELAYS_MS) {
    if (result.exitCode === 0 || !/index\.lock/.test(result.stderr)) break
    await new Promise((resolve) => setTimeout(resolve, delay))
    result = await call()
  }
  return result
}

export function describeCheckout(checkout: WorktreeEntry): string {
  return checkout.main ? `your checkout ${checkout.path}` : `the worktree ${checkout.path}`
}

function refused(error: string, checkout: string | null): AdvanceResult & { ok: false } {
  return { ok: false, raced: false, error, checkout, blockingFiles: [] }
}

/** Paths git names in its refusals: `error: Entry 'src/a.ts' not uptodate. Cannot merge.` */
function quotedPaths(stderr: string): string[] {
  const paths: string[] = []
  for (const line of stderr.split('\n')) {
    const match = /^error: [^']*'(.+)'/.exec(line)
    if (match) paths.push(match[1])
  }
  return [...new Set(paths)]
}

function gitMessage(output: GitOutput): string {
  const text = (output.stderr || output.stdout).trim().replace(/\s*\n\s*/g, ' ')
  return text.length > 500 ? `${text.slice(0, 500)}…` : text || `exit ${output.exitCode}`
}
