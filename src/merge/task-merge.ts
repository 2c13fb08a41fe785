import type { TaskResult } from '../core/types.js'
import type { MergeAttempt } from './merge-engine.js'

/**
 * Copies a merge attempt onto its task, the same in every mode: its outcome, commit and
 * conflicting files always; its error only when the merge failed or failed verify-command (a conflict is told by its
 * files, and a merged task keeps the notes of its run).
 */
export function recordMergeAttempt(task: TaskResult, attempt: MergeAttempt): void {
  task.merge = attempt.outcome
  task.merge_commit = attempt.commit
  task.conflict_files = attempt.conflictFiles
  if (attempt.outcome === 'failed' || attempt.outcome === 'verify-failed')
    task.error = attempt.error
}
