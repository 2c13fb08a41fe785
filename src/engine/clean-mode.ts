import type { Logger } from '../core/logger.js'
import { deleteBranchIfSafe } from '../git/branch-deletion.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { forgetJudgement, forgetMadeBranch, judgedRef, madeBranchRef } from '../git/kept-refs.js'
import { commitsNotIn, type NamedCommit } from '../git/leftover-commits.js'
import { EVERY_REF, branchRef } from '../git/refs.js'
import { listWorktrees } from '../git/worktree-list.js'
import { WorktreeManager } from '../run/worktree-manager.js'
import { findLeftovers, type Leftover, type LeftoverSettings } from './leftovers-report.js'

export interface CleanOptions {
  /** Say what would go; change nothing. */
  dryRun: boolean
  /** Also remove branches and refs holding commits base does not (each commit printed). */
  discardUnmerged: boolean
}

/** What `clean` removed (or would), with the commits that went with it, and what it kept. */
export interface CleanOutcome {
  removed: { kind: Leftover['kind']; name: string; dropped: NamedCommit[] }[]
  kept: { kind: Leftover['kind']; name: string; because: string }[]
}

/** The full ref a leftover branch or ref is. */
function fullRef(item: Leftover): string {
  return item.kind === 'branch' ? branchRef(item.name) : item.name
}

/**
 * Removes what `status` lists that loses nothing: worktrees with nothing uncommitted (their
 * reflog-only commits kept, as a run's removal does), then branches and refs whose every
 * commit is in base. Those holding commits base does not are kept, unless `discardUnmerged`:
 * then each commit that goes with them (reachable from nothing else) is reported. A worktree
 * with uncommitted work is never touched.
 */
export async function cleanLeftovers(
  git: GitCommandManager,
  settings: LeftoverSettings,
  options: CleanOptions,
  logger: Logger
): Promise<CleanOutcome> {
  const outcome: CleanOutcome = { removed: [], kept: [] }
  const before = await findLeftovers(git, settings)
  const worktrees = new WorktreeManager(git, logger)
  /** Branches checked out in a worktree that stays: they cannot go. */
  const held = new Set<string>()
  for (const item of before.filter((leftover) => leftover.kind === 'worktree')) {
    const keep = item.uncommitted
      ? 'it holds uncommitted work: commit or discard it first'
      : item.lockedByOther
        ? `someone else locked it (${item.lockedByOther}): git worktree unlock ${item.name} first`
        : null
    if (keep) {
      if (item.branch) held.add(item.branch)
      outcome.kept.push({ kind: 'worktree', name: item.name, because: keep })
      continue
    }
    if (!options.dryRun) await worktrees.remove(item.name)
    outcome.removed.push({ kind: 'worktree', name: item.name, dropped: [] })
  }

  // Removing a worktree may have kept commits only its HEAD reached: listed afresh.
  const after = options.dryRun ? before : await findLeftovers(git, settings)
  const candidates = after.filter((item) => item.kind !== 'worktree')
  const going = new Set(
    candidates.filter((item) => item.merged || options.discardUnmerged).map(fullRef)
  )
  // Commits, not ref names: a ref named here may be gone by the time a later item is looked at.
  const everyRef = await git.refsUnder(EVERY_REF)
  const keptHeads = options.dryRun
    ? []
    : (await listWorktrees(git)).flatMap((entry) => (entry.head ? [entry.head] : []))
  for (const item of candidates) {
    if (item.kind === 'branch' && held.has(item.name)) {
      outcome.kept.push({
        kind: 'branch',
        name: item.name,
        because: 'a worktree that stays has it checked out'
      })
      going.delete(fullRef(item))
      continue
    }
    if (!item.merged && !options.discardUnmerged) {
      outcome.kept.push({
        kind: item.kind,
        name: item.name,
        because: `${item.ahead} commit(s) not in base (--discard-unmerged drops them)`
      })
      continue
    }
    const ref = fullRef(item)
    // What goes with it: the commits no ref that stays still reaches.
    const records = item.kind === 'branch' ? [madeBranchRef(item.name), judgedRef(item.name)] : []
    const others = [
      ...everyRef
        .filter(
          (other) => other.ref !== ref && !going.has(other.ref) && !records.includes(other.ref)
        )
        .map((other) => other.commit),
      ...keptHeads
    ]
    const dropped = item.merged ? [] : await commitsNotIn(git, item.commit!, others)
    if (!options.dryRun) {
      const because = await removeRef(git, item, settings.baseBranch)
      if (because) {
        outcome.kept.push({ kind: item.kind, name: item.name, because })
        going.delete(ref)
        continue
      }
    }
    outcome.removed.push({ kind: item.kind, name: item.name, dropped })
  }
  return outcome
}

/** Deletes a leftover branch or ref where it was seen; why not, or null when it went. */
async function removeRef(
  git: GitCommandManager,
  item: Leftover,
  baseBranch: string
): Promise<string | null> {
  if (item.kind === 'branch') {
    if (item.merged) {
      const deletion = await deleteBranchIfSafe(git, item.name, { base: baseBranch })
      if (!deletion.deleted) return `not deleted: ${deletion.because}`
    } else {
      const holder = (await listWorktrees(git)).find((entry) => entry.branch === item.name)
      if (holder) return `checked out in ${holder.path}`
      if (!(await git.deleteRef(branchRef(item.name), item.commit!))) return 'it moved meanwhile'
      await forgetMadeBranch(git, item.name)
    }
    await forgetJudgement(git, item.name)
    return null
  }
  return (await git.deleteRef(item.name, item.commit!)) ? null : 'it moved meanwhile'
}

/** One line per thing removed (and per commit dropped with it), one per thing kept. */
export function formatClean(outcome: CleanOutcome, dryRun: boolean): string {
  const lines: string[] = []
  const verb = dryRun ? 'would remove' : 'removed'
  for (const item of outcome.removed) {
    lines.push(`${verb} ${item.kind} ${item.name}`)
    for (const commit of item.dropped) {
      lines.push(`  ${dryRun ? 'would drop' : 'dropped'} commit ${commit.sha} ${commit.subject}`)
    }
  }
  for (const item of outcome.kept) lines.push(`kept ${item.kind} ${item.name}: ${item.because}`)
  if (lines.length === 0) lines.push('Nothing left by parallel-worktree to clean.')
  return `${lines.join('\n')}\n`
}
