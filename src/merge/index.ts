// The merge engine's public surface: merges and pushes, for the run engine, the
// merge mode and the bench.
export {
  MergeEngine,
  mergeMessage,
  type MergeAttempt,
  type MergeEngineOptions,
  type MergeRequest
} from './merge-engine.js'
export { pushResults, type PushOptions, type PushOutcome, type RefPush } from './push.js'
export { mergeTrees, parseMergeTree, type ConflictNote, type TreeMerge } from './merge-tree.js'
export { advanceBranch, type AdvanceRequest, type AdvanceResult } from './advance-branch.js'
export { listWorktrees, findBranchUse, type WorktreeEntry } from './branch-use.js'
// The engine and pushResults take the one git wrapper; re-exported so this surface stands alone.
export { GitCommandManager } from '../git/git-command-manager.js'
export {
  VerifyQueue,
  reproduceCommand,
  type VerifyQueueOptions,
  type VerifyRun,
  type VerifyRunner
} from './verify-queue.js'
export { nextVerifyRound, simulateSearch, type Candidate } from './culprit-search.js'
