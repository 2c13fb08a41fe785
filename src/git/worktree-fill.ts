import { existsSync } from 'node:fs'
import { open, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { GitCommandManager } from './git-command-manager.js'

/**
 * Worktrees are registered (`--no-checkout`) before they are filled: a run killed in between
 * leaves one with no index, which git reads as "every file deleted". This file, in the
 * worktree's own git folder (it goes with the worktree), is written once the fill is complete;
 * only then is the worktree's state the work of an agent.
 */
const FILLED_MARKER = 'parallel-worktree-filled'

/**
 * A finished worktree reused for the next task (`git checkout` of the next branch in it) is
 * filled anew: while this file is in its git folder, what it holds is a checkout under way,
 * not an agent's work (its HEAD may still name the previous branch while its files are
 * already half the next one's). Written before the switch, removed once it is marked filled.
 */
const SWITCHING_MARKER = 'parallel-worktree-switching'

/** The fill mark's path: in the worktree's own git folder, when known, or as git says. */
function markerPath(worktree: GitCommandManager, gitDir?: string): Promise<string> {
  // gitDir() reads the worktree's `.git` file: no git process.
  return gitDir
    ? Promise.resolve(join(gitDir, FILLED_MARKER))
    : worktree.gitDir().then((dir) => join(dir, FILLED_MARKER))
}

/** Records that the worktree here holds its branch's files: its checkout is complete. */
export async function markFilled(worktree: GitCommandManager, gitDir?: string): Promise<void> {
  const filled = await markerPath(worktree, gitDir)
  await writeFile(filled, `${new Date().toISOString()}\n`)
  await rm(join(dirname(filled), SWITCHING_MARKER), { force: true })
}

/**
 * Records that the worktree here is being switched to another branch (see SWITCHING_MARKER):
 * from now until markFilled, a run killed leaves nothing in it to save.
 */
export async function markSwitching(
  worktree: GitCommandManager,
  to: string,
  gitDir?: string
): Promise<void> {
  const filled = await markerPath(worktree, gitDir)
  await writeFile(join(dirname(filled), SWITCHING_MARKER), `${new Date().toISOString()} ${to}\n`)
  await rm(filled, { force: true })
}

/**
 * The worktree whose git folder is `gitDir` is about to be emptied (what it held is saved): its mark and its index go
 * first, so that a run killed while its files are deleted leaves a worktree read as never
 * filled (`unfilled`), which the next run removes without reading its missing files as the
 * deletions of an agent.
 */
export async function unmarkFilled(gitDir: string): Promise<void> {
  // Both live in the worktree's own git folder (`.git/worktrees/<name>/`): no git process.
  await rm(join(gitDir, FILLED_MARKER), { force: true })
  await rm(join(gitDir, 'index'), { force: true })
}

/**
 * How complete the checkout of the worktree here is:
 * - `switching`: a finished worktree being moved to the next task's branch (see markSwitching)
 *   when the run stopped: its files may be half one branch's, half the other's;
 * - `marked`: the run that made it marked its fill complete (see markFilled);
 * - `indexed`: no mark (made before the mark existed, or killed right after the fill), but its
 *   index holds entries, or is empty on an empty tree: git wrote it, so the fill completed;
 * - `unfilled`: registered and never checked out (no index), or killed in the middle of the
 *   checkout (git writes the index last): what it lacks was never deleted by anyone;
 * - `unreadable`: its index is there but is no index git wrote.
 */
export type CheckoutState = 'switching' | 'marked' | 'indexed' | 'unfilled' | 'unreadable'

export async function checkoutState(
  worktree: GitCommandManager,
  gitDir?: string
): Promise<CheckoutState> {
  const filled = await markerPath(worktree, gitDir)
  if (existsSync(join(dirname(filled), SWITCHING_MARKER))) return 'switching'
  if (existsSync(filled)) return 'marked'
  const index = await worktree.gitPath('index')
  if (!existsSync(index)) return 'unfilled'
  const entries = await indexEntries(index).catch(() => null)
  if (entries === null) return 'unreadable'
  return entries > 0 || !(await worktree.headTreeHasEntries()) ? 'indexed' : 'unfilled'
}

/**
 * The number of entries an index file says it holds (its header: "DIRC", version, count; see
 * gitformat-index(5)), or null when it is no index.
 */
async function indexEntries(path: string): Promise<number | null> {
  const file = await open(path, 'r')
  try {
    const header = Buffer.alloc(12)
    const { bytesRead } = await file.read(header, 0, 12, 0)
    if (bytesRead < 12 || header.toString('latin1', 0, 4) !== 'DIRC') return null
    return header.readUInt32BE(8)
  } finally {
    await file.close()
  }
}

/**
 * Whether what the worktree here holds can be nobody's work: registered and never filled, or
 * killed while being switched to the next task's branch. Such a worktree is removed unsaved.
 */
export function holdsNoWork(state: CheckoutState): boolean {
  return state === 'unfilled' || state === 'switching'
}

/** The index lock of the worktree here when one exists (a git process holds it, or died). */
export async function indexLock(worktree: GitCommandManager): Promise<string | null> {
  const lock = await worktree.gitPath('index.lock')
  return existsSync(lock) ? lock : null
}

/** What to do about a stale index lock, for messages. */
export function clearLockAdvice(lock: string, worktree: string): string {
  return `its index is locked: ${lock} exists (a git process killed in the middle of a commit leaves it); if no git process is running in ${worktree}, delete it (rm ${lock})`
}
