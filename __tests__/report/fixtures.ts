import type { RunResult, TaskResult } from '../../src/core/types.js'

const T0 = Date.parse('2026-11-27T10:00:00.000Z')

/** A task as the engine reports it, with the fields a test cares about overridden. */
export function task(priority: number, fields: Partial<TaskResult> = {}): TaskResult {
  const startOffset = fields.started_at === null ? null : (priority % 10) * 1000
  const duration = fields.duration_ms ?? 60_000
  return {
    priority,
    spec_files: [`docs/architecture/specs/SPEC-${priority}-feature.md`],
    branch: `feature/us-${String(priority).padStart(3, '0')}`,
    worktree: `../repo-wt${priority}`,
    status: 'completed',
    exit_code: 0,
    commits: 1,
    started_at: startOffset === null ? null : new Date(T0 + startOffset).toISOString(),
    ended_at: startOffset === null ? null : new Date(T0 + startOffset + duration).toISOString(),
    duration_ms: duration,
    merge: 'merged',
    merge_commit: `4f2c${priority}aa0000000000000000000000000000000`,
    conflict_files: [],
    log_file: `/tmp/logs/priority-${priority}.log`,
    log_files: [`/tmp/logs/priority-${priority}.log`],
    error: null,
    attempts: 1,
    out_of_scope: [],
    kept_branches: [],
    ...fields
  }
}

export function result(tasks: TaskResult[], fields: Partial<RunResult> = {}): RunResult {
  const sum = tasks.reduce((acc, t) => acc + t.duration_ms, 0)
  return {
    success: tasks.every((t) => t.merge === 'merged'),
    mode: 'run',
    base_branch: 'roadmap',
    priorities_requested: tasks.map((t) => t.priority),
    priorities_executed: tasks.filter((t) => t.started_at).map((t) => t.priority),
    separation: {
      valid: true,
      independent_pairs: [],
      conflicts: {},
      task_file_map: {},
      unresolved: [],
      schedule: [tasks.map((t) => t.priority)]
    },
    tasks,
    merge_results: {},
    timings: {
      total_ms: 90_000,
      sum_of_tasks_ms: sum,
      speedup: Math.round((sum / 90_000) * 100) / 100
    },
    warnings: [],
    verify_runs: 0,
    verify: null,
    ...fields
  }
}

/** One priority of every outcome: merged, conflict, failed, timed-out, skipped, no-changes, cancelled. */
export function mixedResult(): RunResult {
  return result(
    [
      task(65),
      task(66, {
        merge: 'conflict',
        merge_commit: null,
        conflict_files: ['src/recipes.ts', 'docs/roadmap/ROADMAP.md']
      }),
      task(67, {
        status: 'failed',
        exit_code: 3,
        commits: 0,
        merge: 'not-merged',
        merge_commit: null,
        error: 'agent exited with code 3\nTraceback: boom'
      }),
      task(68, {
        status: 'timed-out',
        exit_code: null,
        commits: 2,
        merge: 'not-merged',
        merge_commit: null,
        duration_ms: 1_800_000,
        error: 'timed out after 30m (task-timeout-minutes)'
      }),
      task(69, {
        status: 'skipped',
        exit_code: null,
        commits: 0,
        started_at: null,
        ended_at: null,
        duration_ms: 0,
        merge: 'not-merged',
        merge_commit: null,
        log_file: null,
        error: 'overlaps 65 in src/recipes.ts (strict separation)'
      }),
      task(70, {
        status: 'no-changes',
        commits: 0,
        merge: 'not-merged',
        merge_commit: null
      }),
      task(71, {
        status: 'cancelled',
        exit_code: null,
        commits: 0,
        merge: 'not-merged',
        merge_commit: null,
        error: 'the run was cancelled'
      })
    ],
    {
      success: false,
      separation: {
        valid: true,
        independent_pairs: [[65, 67]],
        conflicts: { '65,66': ['src/recipes.ts'] },
        task_file_map: { '65': ['src/recipes.ts'], '66': ['src/recipes.ts'], '67': ['src/cli.ts'] },
        unresolved: [70],
        schedule: [[65, 67, 68], [66, 70, 71], [69]]
      },
      warnings: ['could not remove worktree ../repo-wt67: busy']
    }
  )
}
