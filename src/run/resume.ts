import type { GitCommandManager } from '../git/git-command-manager.js'
import { forgetJudgement, wasJudgedSuccessful } from '../git/kept-refs.js'
import type { ProcessOutcome } from './agent-process.js'
import type { Worktree } from './worktree-manager.js'

/** What a worktree made on a branch an earlier run left means for its task. */
export interface Resumption {
  /** The tip the task continues from; null on a fresh start. */
  from: string | null
  /** The earlier run had judged the agent successful at that very tip: merge, do not rerun. */
  judged: boolean
}

/**
 * Reads (and spends) the earlier run's judgement of a resumed branch. The note is dropped
 * either way: the merge or the new agent's work makes it stale.
 */
export async function resumption(git: GitCommandManager, worktree: Worktree): Promise<Resumption> {
  if (!worktree.resumedFrom) return { from: null, judged: false }
  const judged = await wasJudgedSuccessful(git, worktree.branch, worktree.resumedFrom)
  await forgetJudgement(git, worktree.branch)
  return { from: worktree.resumedFrom, judged }
}

/** The outcome of an agent that an earlier run already ran to success: nothing to start. */
export function judgedBefore(): ProcessOutcome {
  return {
    exitCode: 0,
    signal: null,
    timedOut: false,
    cancelled: false,
    tail: [],
    durationMs: 0
  }
}
