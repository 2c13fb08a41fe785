// The shapes every stage shares. Field names of the result JSON are binding (docs: contract).

export type Mode = 'run' | 'plan' | 'task' | 'merge'
export type SeparationMode = 'strict' | 'waves' | 'off'

/**
 * A priority whose scope is unknown (no usable spec): `wait` starts it once every other
 * priority is merged; `parallel` starts it like an independent one and merges it after the
 * others, a conflict going through on-conflict.
 */
export type UnknownScope = 'wait' | 'parallel'

/** Validated inputs: everything a stage needs, nothing raw. */
export interface Settings {
  mode: Mode
  /** Absolute path of the repository's top-level folder (the user's checkout). */
  repo: string
  priorities: number[]
  baseBranch: string
  /** Fetch base-branch from origin first and start from origin's tip when it is ahead. */
  fetchBase: boolean
  /** The command line the run starts: agent-command, or the `agent` preset's, with agent-args. */
  agentCommand: string
  /** The `agent` input: a preset name, or null when agent-command (or its default) runs. */
  agent: string | null
  /** `prompt-template`: a file of the repository (relative path), or '' for the built-in prompt. */
  promptTemplate: string
  /** `max-cost-usd`: no new agent starts once the cost spent reaches it; null: no budget. */
  maxCostUsd: number | null
  /** Least time between two agent starts (rate limits of the agents' APIs). */
  startSpacingMs: number
  /** A number from 1 to 32, or 'auto' (resolved by the run stage). */
  maxParallel: number | 'auto'
  separation: SeparationMode
  unknownScope: UnknownScope
  specsDir: string
  roadmapFile: string
  /** Globs of paths that never count as touched (`!glob` takes paths back). */
  separationIgnore: string[]
  branchTemplate: string
  /** Relative to the repository root, as given. */
  worktreeDir: string
  worktreeFiles: string[]
  /** Worktrees check out only the folders of their priority's paths and the root's files. */
  sparseCheckout: boolean
  setupCommand: string
  /** 0 means no timeout. */
  taskTimeoutMs: number
  maxCpuPercent: number
  maxMemoryPercent: number
  autoCommit: boolean
  merge: boolean
  push: boolean
  cleanup: boolean
  prComment: boolean
  /** A live check run on the commit the run started from (needs a token and a repository). */
  checkRun: boolean
  prNumber: number | null
  githubToken: string
  /** Where per-priority log files are written (outside any worktree). */
  logDir: string
  /** Fan-out: where `task` mode writes its result file and `merge` mode reads them. */
  resultsDir: string
  /** `auto`: a branch an earlier run left for a priority is continued; `never`: refused. */
  resume: ResumeMode
  /** A priority an earlier run already merged into base is reported merged, not run again. */
  skipMerged: boolean
  /** Cap of each agent's log file, in bytes. */
  logMaxBytes: number
  /** Credential variables (GITHUB_TOKEN, GH_TOKEN, …) the agents may see all the same. */
  agentEnvPass: string[]
  /** Run on each candidate before base moves (empty: no gate). */
  verifyCommand: string
  /** Per verify run; 0 means none. */
  verifyTimeoutMs: number
  onConflict: ConflictPolicy
  resolveCommand: string
  /** Times a failed or timed-out agent is started again. */
  maxRetries: number
}

export type ResumeMode = 'auto' | 'never'

export type ConflictPolicy = 'rerun' | 'resolve' | 'keep'

export type TaskStatus =
  | 'pending'
  | 'running'
  | 'completed'
  | 'failed'
  | 'timed-out'
  | 'cancelled'
  | 'no-changes'
  | 'skipped'

/**
 * What an agent's run cost, as its CLI or its USAGE_FILE reported it; a field no one reported
 * is null. Cache counts are kept apart as the CLI gives them: Claude Code's `input_tokens`
 * leave the cached ones out, Codex's include them.
 */
export interface Usage {
  cost_usd: number | null
  input_tokens: number | null
  output_tokens: number | null
  cache_read_input_tokens?: number | null
  cache_creation_input_tokens?: number | null
}

export type MergeOutcome = 'merged' | 'conflict' | 'not-merged' | 'failed' | 'verify-failed'

export interface TaskResult {
  priority: number
  spec_files: string[]
  branch: string
  worktree: string
  status: TaskStatus
  exit_code: number | null
  commits: number
  started_at: string | null
  ended_at: string | null
  duration_ms: number
  merge: MergeOutcome
  merge_commit: string | null
  conflict_files: string[]
  log_file: string | null
  /** Every run's log, oldest first (`log_file` is the last); none overwritten. */
  log_files: string[]
  error: string | null
  /** The branch tip this task continued from (a branch an earlier run left), or null. */
  resumed_from?: string | null
  /** What the agent reported it cost (all its attempts); null when it reported nothing. */
  usage?: Usage | null
  /** From the plan: why a spec was chosen, guessed, ambiguous or not found; fences left open. */
  notes?: string[]
  /**
   * How many times the agent was started (1 when it ran once, 0 when never): a restart after
   * a rate limit, a retry and a conflict re-run each count.
   */
  attempts: number
  /** Each start of the agent, oldest first: when it ran, its log, whether it hit a rate limit. */
  attempt_spans?: AttemptSpan[]
  /** Files the agent changed that its spec did not name. */
  out_of_scope: string[]
  /** Earlier branches of this priority kept by the run (a re-run after a conflict), by name. */
  kept_branches: string[]
}

/** One start of a priority's agent. */
export interface AttemptSpan {
  started_at: string
  ended_at: string
  log_file: string | null
  rate_limited: boolean
}

/** What the separation analysis found, in the contract's vocabulary. */
export interface Separation {
  valid: boolean
  independent_pairs: [number, number][]
  /** Key "a,b" (a before b in input order) to the paths both touch. */
  conflicts: Record<string, string[]>
  task_file_map: Record<string, string[]>
  /** Priorities whose scope is unknown (no spec, or a spec naming no path): they overlap everything. */
  unresolved: number[]
  /** Waves: every priority of a wave may start once the earlier waves it overlaps are merged. */
  schedule: number[][]
  /**
   * Per priority, the paths of the tree its specs name without changing them, each with why:
   * `"<spec file>:<line> (<kind>)"`, kind one of exists, reuse, example, see, not, done.
   */
  not_counted?: Record<string, Record<string, string[]>>
  /** Priorities merged only after every other one of the run (`unknown-scope: parallel`). */
  merge_last?: number[]
  /**
   * Import hubs: files the named files of several priorities import (one level, read from
   * base), with how many priorities reach each. A weight for the merge order (a branch
   * changing one merges later), never a conflict. Present only when some are.
   */
  hub_files?: Record<string, number>
  /** Per priority, per path: the spec lines that name it (`"<spec file>:<line>"`). (The
   * plan always fills these three; they are optional for results made by other means.) */
  evidence?: Record<string, Record<string, string[]>>
  /** The order in which priorities free to start are started: the longest estimate first. */
  start_order?: number[]
  /** The expected length of the run, against one priority at a time. */
  expected_length?: ExpectedLength
}

/**
 * From the ROADMAP's estimates (`Estimated effort: 3 days`), in hours; when it gives none,
 * every priority counts as 1 and the unit is `priorities`. A priority without an estimate
 * among others with one counts as their mean.
 */
export interface ExpectedLength {
  unit: 'hours' | 'priorities'
  /** With the schedule's waits and `max_parallel` agents at once. */
  parallel: number
  /** One priority at a time. */
  serial: number
  max_parallel: number
  /** Priorities whose estimate the ROADMAP gives. */
  estimated: number[]
}

/** One priority as the plan sees it. */
export interface PlannedTask {
  priority: number
  /**
   * The ROADMAP heading of the priority (`PRIORITY 5: Recipes`), when the ROADMAP has one;
   * else its spec's first heading (spec-kit: `spec.md`'s).
   */
  title?: string | null
  spec_files: string[]
  paths: string[]
  /** Earlier priorities (input order) this one overlaps: it starts after they are merged. */
  after: number[]
  /** Set when the plan decided not to run it (strict separation, merged by an earlier run). */
  skip_reason: string | null
  /** skip-merged: the merge commit an earlier run made of it on base's first-parent history. */
  merge_commit?: string | null
  /** Human-readable notes: several specs found, where it looked, ... */
  notes: string[]
  /** The ROADMAP's estimate for it, in hours, when it gives one. */
  estimate_hours?: number | null
  /**
   * The ROADMAP sections it was planned from (the ROADMAP fallback: no spec file, or specs
   * naming no usable path), with the story sections they link: the agent's prompt holds them,
   * since no spec file does. Absent when its specs served.
   */
  roadmap_sections?: RoadmapSectionText[]
}

/** A ROADMAP section as read for a priority: where it starts, and its text. */
export interface RoadmapSectionText {
  file: string
  /** 1-based line of its heading. */
  line: number
  text: string
}

export interface Plan {
  separation: Separation
  tasks: PlannedTask[]
  /** The commit of base-branch whose ROADMAP and specs were read. */
  base_commit?: string
  /** How that commit was chosen when it was not simply base's tip (fetch-base). */
  base_warnings?: string[]
}

export interface Timings {
  total_ms: number
  sum_of_tasks_ms: number
  speedup: number
}

export interface RunResult {
  success: boolean
  mode: Mode
  base_branch: string
  priorities_requested: number[]
  priorities_executed: number[]
  separation: Separation
  tasks: TaskResult[]
  merge_results: Record<string, string>
  timings: Timings
  /** Problems that did not fail the run (cleanup, comment, dirty checkout), for the report. */
  warnings: string[]
  /** The commit of base-branch the plan read and the first worktrees started from (merge mode: the one the merges start on). */
  base_commit?: string
  /** The sum of the tasks' usage (null fields when no task reported them). */
  usage?: Usage
  /** The `max-cost-usd` budget of the run, or null. */
  max_cost_usd?: number | null
  /** How many times verify-command ran. */
  verify_runs: number
  /** The verify gate's rounds and verdicts, or null when verify-command is empty. */
  verify: VerifyReport | null
  /**
   * Each change of how many agents may run at once (run mode): lowered when an agent hits
   * its API's rate limit, raised again as agents run without one. Empty when none happened.
   */
  start_limit_changes?: StartLimitChange[]
}

/** One change of the start limit (see StartLimit in src/run/start-limit.ts). */
export interface StartLimitChange {
  /** When (ISO 8601). */
  at: string
  from: number
  to: number
  /** `rate-limit`: halved after one; `recovered`: raised by one after an agent ran without one. */
  reason: 'rate-limit' | 'recovered'
  /** The priority whose agent hit the rate limit, or ran without one. */
  priority: number
  /** `recovered`: how long that agent had run. */
  ran_ms?: number
}

/** What the verify gate did, for the summary. */
export interface VerifyReport {
  /** Rounds of verify runs (runs of one round go at once). */
  rounds: number
  runs: number
  /** Branches whose candidate failed verify-command (each confirmed by a second run). */
  culprits: {
    priority: number
    branch: string
    reproduce: string
    /** The log of the verify-command run that failed with it (its output), when one did. */
    log?: string | null
    /** The ref that keeps the failed candidate (`refs/parallel-worktree/verify-failed/<p>`). */
    ref?: string
  }[]
  /** Candidates that failed once and then passed: nobody was blamed for them. */
  flaky: number
}
