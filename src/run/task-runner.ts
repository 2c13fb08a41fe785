import { existsSync, statSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../core/logger.js'
import { gitSaid } from '../core/errors.js'
import { SerialQueue } from '../core/serial-queue.js'
import { secondsVariable } from '../core/seconds-variable.js'
import type { PlannedTask, Settings, TaskResult, TaskStatus } from '../core/types.js'
import { type BranchSweep, deleteBranchIfSafe } from '../git/branch-deletion.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { renderBranchTemplate } from '../git/ref-names.js'
import { branchRef } from '../git/refs.js'
import { saveUnfinishedWork, saveWork } from '../git/save-work.js'
import { describeWorktreeState, readWorktreeState } from '../git/worktree-state.js'
import type { WorktreeLook, WorktreeStatus } from '../git/worktree-status.js'
import { agentVariables, renderAgentCommand, type AgentValues } from './agent-command.js'
import { agentEnvironment } from './agent-env.js'
import { copiedFilesExclusion } from './copied-exclusion.js'
import { promptFilePath, writePromptFile } from './agent-prompt.js'
import { runProcess, type ProcessOutcome } from './agent-process.js'
import { BaseTip, type HeldBase } from './base-tip.js'
import { someOf } from '../core/some-of.js'
import { consoleShare } from './console-share.js'
import { judgeProcess, judgeTask, type Verdict, type WorkFinding } from './verdict.js'
import { looksRateLimited } from './rate-limit.js'
import { addUsage } from '../core/usage.js'
import { UsageReader, attemptUsage, readUsageFile } from './usage-report.js'
import { judgedBefore, resumption } from './resume.js'
import {
  judgedRef,
  keepReflogOnlyCommits,
  madeBranchRef,
  recordMadeBranch
} from '../git/kept-refs.js'
import { isRetryable, retryDelayMs, waitOrAbort } from './retry-policy.js'
import { sparseCone } from './sparse-cone.js'
import type { StartLimit } from './start-limit.js'
import { WorktreeManager, worktreePath, type Worktree } from './worktree-manager.js'

/**
 * What the supervisor tells the shells, so that a post step can clean up after a kill, and a
 * live report (the check run) can follow each task's start and end.
 */
export interface RunEvents {
  /** A task's agent is starting (its status is `running`): what a live report follows. */
  taskStarted?(task: TaskResult): void
  worktreeCreated?(priority: number, path: string, branch: string): void
  processStarted?(priority: number, pid: number): void
  processEnded?(priority: number, pid: number): void
  taskEnded?(task: TaskResult): void
}

export interface TaskContext {
  settings: Settings
  git: GitCommandManager
  worktrees: WorktreeManager
  logger: Logger
  signal: AbortSignal
  killGraceMs: number
  events: RunEvents
  env: NodeJS.ProcessEnv
  /** The wait before a failed agent's next attempt (default: retry-policy's back-off). */
  retryDelay?: (failedAttempts: number, rateLimited: boolean) => number
  /** Where worktrees start (origin-aware); the local base branch when absent. */
  baseTip?: BaseTip
  heldBase?: HeldBase
  warnings?: string[]
  /**
   * Called when a task starts; the function it returns when its first process has started.
   * In between, work done ahead for later tasks waits: it must never slow a start down.
   */
  starting?: () => () => void
  /** The first wait before an agent that hit its API's rate limit starts again; it doubles. */
  rateLimitWaitMs: number
  /** How many agents may run at once after rate limits; each start of an agent asks it. */
  startLimit?: StartLimit
}

/** What a task context is built from: the same in `run` (the run stage) and `task` mode. */
export interface TaskContextOptions {
  logger: Logger
  signal?: AbortSignal
  killGraceMs?: number
  events?: RunEvents
  env?: NodeJS.ProcessEnv
  /** The first wait before a rate-limited agent starts again (default 30 s). */
  rateLimitWaitMs?: number
  retryDelay?: TaskContext['retryDelay']
  /** Where tasks start once an agent moved base (the run's base guard); see BaseTip. */
  heldBase?: HeldBase
  /** The run's `warnings`: what a task finds that the user must hear of is added here. */
  warnings?: string[]
  startLimit?: StartLimit
}

/** How many times an agent that hit its API's rate limit is started again. */
export const RATE_LIMIT_RETRIES = 3
const DEFAULT_RATE_LIMIT_WAIT_MS = 30_000
/** Seconds of that first wait, to override the default (tests: a stand-in's 429). */
export const RATE_LIMIT_WAIT_VARIABLE = 'PARALLEL_WORKTREE_RATE_LIMIT_WAIT_SECONDS'

/** TERM, then KILL this long after (the contract: 10 s). */
const DEFAULT_KILL_GRACE_MS = 10_000

export function createTaskContext(
  settings: Settings,
  git: GitCommandManager,
  options: TaskContextOptions,
  extra: Pick<TaskContext, 'baseTip' | 'starting'> = {}
): TaskContext {
  return {
    settings,
    git,
    worktrees: new WorktreeManager(git, options.logger),
    logger: options.logger,
    signal: options.signal ?? new AbortController().signal,
    killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    events: options.events ?? {},
    env: options.env ?? process.env,
    rateLimitWaitMs:
      options.rateLimitWaitMs ??
      secondsVariable(options.env ?? process.env, RATE_LIMIT_WAIT_VARIABLE) ??
      DEFAULT_RATE_LIMIT_WAIT_MS,
    retryDelay: options.retryDelay,
    heldBase: options.heldBase,
    warnings: options.warnings,
    startLimit: options.startLimit,
    ...extra
  }
}

/** A task as the result JSON shows it before it runs. */
export function pendingTask(planned: PlannedTask, settings: Settings): TaskResult {
  return {
    priority: planned.priority,
    spec_files: planned.spec_files,
    branch: renderBranchTemplate(settings.branchTemplate, planned.priority),
    worktree: worktreePath(settings.repo, settings.worktreeDir, planned.priority),
    status: planned.skip_reason ? 'skipped' : 'pending',
    exit_code: null,
    commits: 0,
    started_at: null,
    ended_at: null,
    duration_ms: 0,
    // skip-merged: an earlier run's merge of it, which this run reports rather than redoes.
    merge: planned.merge_commit ? 'merged' : 'not-merged',
    merge_commit: planned.merge_commit ?? null,
    conflict_files: [],
    log_file: null,
    log_files: [],
    error: planned.skip_reason,
    resumed_from: null,
    usage: null,
    notes: planned.notes,
    attempts: 0,
    attempt_spans: [],
    out_of_scope: [],
    kept_branches: []
  }
}

/**
 * One priority from worktree to proof of work, in three phases so that the scheduler can
 * overlap them: prepare (the worktree, ahead of the start), execute (setup command and agent:
 * the part that holds a slot) and finish (auto-commit, verdict, worktree removal). No phase
 * throws: every problem becomes the task's status and error.
 */
export class TaskRun {
  private worktree: Promise<Worktree> | null = null
  /** Worktree operations of this task, one at a time (a refresh and the start may meet). */
  private readonly ops = new SerialQueue()
  private outcome: ProcessOutcome | null = null
  /** How the task stopped before its agent could run or end (setup failed, an error). */
  private problem: Verdict | null = null
  private started = 0
  /** Set when an earlier run already judged this branch's agent successful. */
  private judgedBefore = false
  /** The files worktree-files copied into the worktree: never committed (see saveWork). */
  private copied: string[] = []
  private readonly baseTip: BaseTip
  private readonly prefix: string
  private startedFrom: string | null = null
  /** When the slot's part ended: the task's end (its bookkeeping after it is the run's). */
  private agentEnded: number | null = null
  /** What only the worktree's HEAD reflog reached is kept already (see keepDropped). */
  private headReflogKept = false
  /** The look at the worktree, while nothing changed it since (see secureWork). */
  private lookAtRelease: WorktreeStatus | null = null
  /** The worktree as finish() saw it, once, after the agent (see unfinishedState). */
  private look: WorktreeLook | null = null
  /** The branch's tip as the one look saw it, when finish() committed nothing on it. */
  private tipSeen: string | null = null
  /** The one look at the worktree after the agent, shared by the scope check and finish(). */
  private looking: Promise<WorktreeLook> | null = null
  /** The worktree of a task judged by finish(), until releaseWorktree. */
  private finished: Worktree | null = null

  constructor(
    readonly task: TaskResult,
    private readonly ctx: TaskContext,
    /** What the plan knows of it beyond the result: its title and the files its spec names. */
    private readonly planned: Pick<PlannedTask, 'title' | 'paths'> &
      Partial<Pick<PlannedTask, 'after' | 'roadmap_sections'>> = { title: null, paths: [] }
  ) {
    this.baseTip = ctx.baseTip ?? BaseTip.local(ctx.git, ctx.settings.baseBranch, ctx.heldBase)
    this.prefix = `[${task.priority}]`
  }

  /** Creates the worktree (once), from base's tip now. */
  prepare(): Promise<Worktree> {
    if (!this.worktree) {
      this.worktree = this.makeWorktree()
      this.worktree.catch(() => undefined)
    }
    return this.worktree
  }

  /** The slot's part: a current worktree, the setup command, the agent. */
  async execute(): Promise<void> {
    const { settings } = this.ctx
    const task = this.task
    this.started = Date.now()
    task.status = 'running'
    task.started_at = new Date(this.started).toISOString()
    // Each attempt of the agent gets the whole time limit (a retry after a time-out too).
    let deadline = settings.taskTimeoutMs > 0 ? this.started + settings.taskTimeoutMs : 0
    const remaining = (): number => (deadline ? Math.max(1, deadline - Date.now()) : 0)
    // Before any await: work done ahead for other tasks must wait from now on.
    const releaseHold = once(this.ctx.starting?.() ?? (() => {}))
    try {
      // Each start of the agent after the first of this run writes a log of its own.
      let logFile = ''
      let show: (line: string) => void = () => {}
      const newLog = async (): Promise<void> => {
        logFile = attemptLogFile(settings.logDir, task.priority, task.log_files.length + 1)
        task.log_file = logFile
        task.log_files.push(logFile)
        show = consoleShare((line) => this.ctx.logger.info(`${this.prefix} ${line}`), logFile)
        await mkdir(settings.logDir, { recursive: true })
        await writeFile(logFile, '')
      }
      let startsInThisLog = 0
      // Both on the way to the agent's start: side by side.
      const [worktree] = await Promise.all([
        this.ops.run(async () => this.current(await this.prepare())),
        newLog()
      ])
      this.startedFrom = worktree.startPoint
      const values: AgentValues = {
        priority: task.priority,
        branch: task.branch,
        worktree: worktree.path,
        base: settings.baseBranch,
        promptFile: promptFilePath(settings.logDir, task.priority),
        usageFile: usageFilePath(settings.logDir, task.priority)
      }
      await Promise.all([this.writePrompt(values), rm(values.usageFile!, { force: true })])
      const exclusion = await copiedFilesExclusion(
        this.ctx.git,
        this.ctx.env,
        join(settings.logDir, `priority-${task.priority}.exclude`),
        this.copied
      )
      const env = agentEnvironment(
        this.ctx.env,
        settings.githubToken,
        { ...agentVariables(values), RESUMED_FROM: task.resumed_from ?? '', ...exclusion },
        settings.agentEnvPass,
        await this.ctx.git.identityEnv()
      )
      const run = (label: string, command: string, usage?: UsageReader): Promise<ProcessOutcome> =>
        this.namingLeftBehind(
          label,
          runProcess({
            command: renderAgentCommand(command, values),
            label,
            cwd: worktree.path,
            env,
            logFile,
            logMaxBytes: logRoom(logFile, settings.logMaxBytes),
            timeoutMs: remaining(),
            signal: this.ctx.signal,
            killGraceMs: this.ctx.killGraceMs,
            onLine: (line) => show(line),
            onStdout: usage ? (chunk) => usage.push(chunk) : undefined,
            onStart: (pid) => {
              releaseHold()
              this.ctx.events.processStarted?.(task.priority, pid)
            },
            onExit: (pid) => this.ctx.events.processEnded?.(task.priority, pid)
          })
        )

      if (this.judgedBefore) {
        this.say(
          `an earlier run judged the agent successful with ${task.branch} at ${task.resumed_from}: straight to the merge`
        )
        this.outcome = judgedBefore()
        return
      }
      if (settings.setupCommand) {
        this.say(`setup: ${renderAgentCommand(settings.setupCommand, values)}`)
        const setup = await run('setup', settings.setupCommand)
        const verdict = judgeProcess(setup, 'setup command', settings.taskTimeoutMs)
        if (verdict.status !== 'completed') {
          this.outcome = setup
          this.problem = verdict
          return
        }
      }
      this.say(`agent: ${renderAgentCommand(settings.agentCommand, values)}`)
      for (let retries = 0; ; retries += 1) {
        this.outcome = await this.runAgent(
          async (reader) => {
            if (startsInThisLog++ > 0) await newLog()
            const label = task.attempts === 1 ? 'agent' : `agent (attempt ${task.attempts})`
            return run(label, settings.agentCommand, reader)
          },
          values.usageFile!,
          deadline
        )
        const status = judgeProcess(this.outcome, 'agent', settings.taskTimeoutMs).status
        if (!isRetryable(status) || retries >= settings.maxRetries) break
        if (this.ctx.signal.aborted) break
        const rateLimited = looksRateLimited(this.outcome.tail.join('\n'))
        const wait = (this.ctx.retryDelay ?? retryDelayMs)(retries + 1, rateLimited)
        this.say(
          `the agent ${status === 'timed-out' ? 'timed out' : 'failed'}${rateLimited ? ' (it looks rate-limited)' : ''}: starting it again in ${(wait / 1000).toFixed(1)} s (retry ${retries + 1} of ${settings.maxRetries}), in the same worktree`
        )
        await waitOrAbort(wait, this.ctx.signal)
        if (settings.taskTimeoutMs > 0) deadline = Date.now() + settings.taskTimeoutMs
      }
    } catch (error) {
      this.problem = { status: 'failed', error: (error as Error).message }
    } finally {
      releaseHold()
      this.agentEnded = Date.now()
    }
  }

  /** Processes a command left running after it ended are named in the run's warnings. */
  private async namingLeftBehind(
    label: string,
    ran: Promise<ProcessOutcome>
  ): Promise<ProcessOutcome> {
    const outcome = await ran
    if (outcome.leftBehind?.length) {
      const warning = `PRIORITY ${this.task.priority}: its ${label} left processes running after it ended, given its worktree ${this.task.worktree}; they were stopped: ${someOf(outcome.leftBehind, 10)}`
      this.ctx.logger.warning(warning)
      this.ctx.warnings?.push(warning)
    }
    return outcome
  }

  /**
   * The agent, started again (after a wait that doubles, within the task's time) while it
   * fails the way a rate limit does. Its usage is read from its stdout and its USAGE_FILE and
   * summed over the attempts; a failure its CLI reported despite exit 0 becomes the verdict.
   */
  private async runAgent(
    start: (reader: UsageReader) => Promise<ProcessOutcome>,
    usageFile: string,
    deadline: number
  ): Promise<ProcessOutcome> {
    const task = this.task
    for (let attempt = 1; ; attempt += 1) {
      const reader = new UsageReader()
      // Agents that waited out a rate limit together start again as the start limit allows.
      const ended = await this.ctx.startLimit?.turn(task.priority, this.ctx.signal)
      // A run cancelled while this agent waited for its turn starts nothing (runProcess).
      const starts = !this.ctx.signal.aborted
      if (starts) task.attempts += 1
      const began = new Date()
      const outcome = await start(reader).catch((error: unknown) => {
        ended?.(false)
        throw error
      })
      reader.end()
      const file = await readUsageFile(usageFile)
      if (file.problem) this.say(`ignored: ${file.problem}`)
      task.usage = addUsage(task.usage ?? null, attemptUsage(reader.usage, file.usage))
      const reported = reader.reportedError
      const failed = outcome.exitCode !== 0 || reported !== null
      const stopped = outcome.cancelled || outcome.timedOut
      const why = [reported ?? '', ...outcome.tail].join('\n')
      const rateLimited = failed && !stopped && looksRateLimited(why)
      ended?.(rateLimited)
      if (starts) {
        task.attempt_spans = [
          ...(task.attempt_spans ?? []),
          {
            started_at: began.toISOString(),
            ended_at: new Date().toISOString(),
            log_file: task.log_file,
            rate_limited: rateLimited
          }
        ]
      }
      const waitMs = this.ctx.rateLimitWaitMs * 2 ** (attempt - 1)
      const roomLeft = !deadline || deadline - Date.now() > waitMs
      if (rateLimited && attempt <= RATE_LIMIT_RETRIES && roomLeft) {
        this.say(
          `the agent hit its API's rate limit (attempt ${attempt}); starting it again in ${(waitMs / 1000).toFixed(1)} s`
        )
        await rm(usageFile, { force: true })
        if (await waitUnlessCancelled(waitMs, this.ctx.signal)) continue
        this.problem = {
          status: 'cancelled',
          error: 'the run was cancelled while the agent waited out its rate limit'
        }
        return outcome
      }
      if (outcome.exitCode === 0 && reported !== null) {
        this.problem = {
          status: 'failed',
          error: `the agent exited 0 but reported a failure: ${reported.trim().slice(0, 200)}`
        }
      }
      return outcome
    }
  }

  /** The priority's prompt file, from the repository's template or the built-in one. */
  private async writePrompt(values: AgentValues): Promise<void> {
    const { settings } = this.ctx
    const template = settings.promptTemplate
      ? await readFile(join(settings.repo, settings.promptTemplate), 'utf8')
      : null
    await writePromptFile(
      values.promptFile!,
      {
        priority: this.task.priority,
        title: this.planned.title ?? null,
        branch: values.branch,
        worktree: values.worktree,
        base: values.base,
        specFiles: this.task.spec_files,
        files: this.planned.paths,
        roadmapSections: this.planned.roadmap_sections ?? [],
        autoCommit: settings.autoCommit
      },
      template
    )
  }

  /**
   * A worktree made ahead whose task has not started yet follows base as it moves (merges of
   * other tasks), in the background, so that its start finds it current.
   */
  refreshAhead(): Promise<void> {
    return this.ops.run(async () => {
      if (this.started || !this.worktree) return
      const worktree = await this.worktree.catch(() => null)
      if (!worktree || this.started) return
      const tip = await this.baseTip.current()
      if (tip !== worktree.startPoint) await this.ctx.worktrees.advance(worktree, tip)
    })
  }

  /**
   * The worktree as its agent left it, from one `git status` and one tree-to-tree diff of its
   * commits (side by side): asked once after the agent has ended (nothing changes it before
   * finish() commits) by the check before the next start, the scope check and finish(). A
   * failure is not kept: the next asker asks git again (and finish() reports what git said).
   */
  async lookAtWorktree(known?: Worktree): Promise<WorktreeLook> {
    if (!this.looking) {
      const worktree = known ?? (this.worktree ? await this.worktree : null)
      if (!worktree) throw new Error('no worktree to look at')
      if (!this.looking) {
        this.looking = worktree.git.worktreeLook(worktree.startPoint)
        this.looking.catch(() => (this.looking = null))
      }
    }
    return this.looking
  }

  /** The commit of base its agent started from (null before it started). */
  get startPoint(): string | null {
    return this.startedFrom
  }

  /** Its worktree is made, or being made (ahead or at its start). */
  get hasWorktree(): boolean {
    return this.worktree !== null
  }

  /** Made ahead and not started yet. */
  get waitingAhead(): boolean {
    return this.worktree !== null && this.started === 0
  }

  /**
   * After the agent: what it left uncommitted is committed (auto-commit, whatever its
   * outcome: nothing is lost), the commits it added are counted, and the verdict is given;
   * the worktree is marked to be kept when it still holds something uncommitted. Its removal
   * is releaseWorktree's, after the merge.
   */
  async finish(): Promise<void> {
    const task = this.task
    let worktree: Worktree | null = null
    try {
      worktree = this.worktree ? await this.worktree.catch(() => null) : null
      const halfDone = worktree ? await this.unfinishedState(worktree) : null
      if (halfDone) {
        this.end('failed', halfDone)
        this.finished = worktree
        this.report()
        return
      }
      const stopped = this.problem ?? this.agentVerdict()
      const findings = worktree ? await this.secureWork(worktree, stopped) : []
      const dropped = worktree ? await this.keepDropped(worktree) : []
      const verdict = judgeTask(stopped, findings, task.commits)
      if (worktree) await this.recordTip(verdict.status === 'completed')
      this.end(verdict.status, [verdict.error, ...dropped].filter(Boolean).join('; ') || null)
    } catch (error) {
      this.end(
        'failed',
        worktree ? await this.unreadable(worktree, error as Error) : (error as Error).message
      )
    }
    this.finished = worktree
    this.report()
  }

  /**
   * The end of the task failed (git could not read the worktree: a corrupt index, a full
   * disk): what the worktree holds is unknown, so it stays with every file in it, and so does
   * its branch; its commits are counted from the repository (its refs are readable). Returns
   * the task's error.
   */
  private async unreadable(worktree: Worktree, error: Error): Promise<string> {
    const task = this.task
    const cause = gitSaid(error)
    if (!existsSync(worktree.path)) return cause
    this.ctx.worktrees.keep(worktree.path)
    task.commits = await this.countCommits(worktree).catch(() => task.commits)
    return `git failed on the worktree ${worktree.path} (${cause}); it is kept with every file in it, and so is branch ${task.branch} (${task.commits} commit(s) of its own); nothing of it was committed or merged`
  }

  /**
   * What the agent left half-done (a merge or rebase stopped, unmerged paths, conflict
   * markers): the task fails with it, nothing is committed, and the worktree and branch are
   * kept as they are for a person to look at. Null when the worktree is fit to judge.
   */
  private async unfinishedState(worktree: Worktree): Promise<string | null> {
    if (!existsSync(worktree.path)) return null
    // The worktree looked at once: its state here, what secureWork saves after.
    this.look = await this.lookAtWorktree(worktree)
    const problem = describeWorktreeState(
      await readWorktreeState(worktree.git, worktree.startPoint, this.look)
    )
    if (!problem) return null
    const task = this.task
    task.commits = await this.countCommits(worktree)
    const said = `the agent left its worktree unfinished (${problem}); nothing of it was committed to ${task.branch} or merged`
    if (this.ctx.settings.cleanup) {
      // Saved as it is under a ref of ours, so the worktree can go like any other.
      const saved = await saveUnfinishedWork(
        worktree.git,
        task.branch,
        `parallel-worktree: priority ${task.priority} as its agent left it (${problem})`,
        this.copied
      ).catch((error: Error) => {
        this.ctx.logger.warning(
          `${this.prefix} could not save the unfinished worktree: ${error.message.split('\n')[0]}`
        )
        return null
      })
      if (saved) {
        return `${said}; the worktree as the agent left it is saved as ${saved} (git checkout ${saved} to look at it)`
      }
    }
    this.ctx.worktrees.keep(worktree.path)
    return `${said}, and the worktree ${worktree.path} and branch ${task.branch} are kept`
  }

  /** A task that never started: its prepared worktree and its empty branch go. */
  async discard(): Promise<void> {
    if (!this.worktree) return
    const worktree = await this.worktree.catch(() => null)
    if (!worktree) return
    try {
      await this.ctx.worktrees.remove(worktree.path)
      await this.deleteBranchIfEmpty(worktree)
    } catch (error) {
      this.ctx.logger.warning(
        `Could not remove the unused worktree ${worktree.path}: ${(error as Error).message}`
      )
    }
  }

  private async makeWorktree(): Promise<Worktree> {
    const { settings, worktrees, events } = this.ctx
    const startPoint = await this.baseTip.current()
    const worktree = await worktrees.create({
      branch: this.task.branch,
      path: this.task.worktree,
      startPoint,
      baseBranch: settings.baseBranch,
      removeOnDispose: settings.cleanup,
      reason: `priority ${this.task.priority} in progress`,
      resume: settings.resume === 'auto',
      sparse: settings.sparseCheckout
        ? sparseCone(this.planned.paths, [...this.task.spec_files, settings.roadmapFile])
        : undefined
    })
    this.task.worktree = worktree.path
    // Before any agent runs: a later run resumes this branch only with this record (a branch
    // made anew got its record with it, see makeBranch).
    if (worktree.resumedFrom) {
      await recordMadeBranch(this.ctx.git, worktree.branch, worktree.resumedFrom)
    }
    const resumed = await resumption(this.ctx.git, worktree)
    this.task.resumed_from = resumed.from
    this.judgedBefore = resumed.judged
    events.worktreeCreated?.(this.task.priority, worktree.path, worktree.branch)
    const copied = await worktrees.copyFiles(settings.repo, worktree.path, settings.worktreeFiles)
    this.copied = copied
    if (copied.length) this.say(`copied ${copied.join(', ')}`)
    return worktree
  }

  /**
   * The prepared worktree moved to base's current tip, or made anew when it cannot be. A task
   * of known scope that waits on no other starts where its worktree was made (a tip of base
   * the run had; the background refresh keeps it close): nothing it needs came since, its
   * merge brings the rest, and its start asks git nothing.
   */
  private async current(worktree: Worktree): Promise<Worktree> {
    const independent = this.planned.after?.length === 0 && this.planned.paths.length > 0
    const tip = independent ? worktree.startPoint : await this.baseTip.current()
    const from = worktree.startPoint
    if (tip !== from && !(await this.ctx.worktrees.advance(worktree, tip))) {
      await this.ctx.worktrees.remove(worktree.path)
      this.worktree = this.makeWorktree()
      worktree = await this.worktree
    }
    this.say(
      `worktree ${worktree.path} on ${worktree.branch} from ${this.ctx.settings.baseBranch} ${worktree.startPoint.slice(0, 12)}`
    )
    return worktree
  }

  /** How the agent's process ended. */
  private agentVerdict(): Verdict {
    return judgeProcess(this.outcome!, 'agent', this.ctx.settings.taskTimeoutMs)
  }

  /**
   * Saves what the agent left uncommitted (auto-commit) and counts its commits; returns what
   * was found about its work, for the verdict. A worktree still holding work is kept.
   */
  private async secureWork(worktree: Worktree, stopped: Verdict): Promise<WorkFinding[]> {
    const { settings, worktrees } = this.ctx
    const task = this.task
    if (!existsSync(worktree.path)) {
      // Its commits are on its branch all the same (refs live in the repository).
      task.commits = await this.countCommits(worktree)
      return [
        {
          kind: 'worktree-deleted',
          path: worktree.path,
          commits: task.commits,
          expected: task.branch
        }
      ]
    }
    const clean = stopped.status === 'completed'
    const saved = await saveWork(worktree.git, {
      autoCommit: settings.autoCommit,
      leaveOut: this.copied,
      status: this.look ?? undefined,
      message: clean
        ? `PRIORITY ${task.priority}: changes the agent left uncommitted`
        : `WIP PRIORITY ${task.priority}: uncommitted changes saved after the agent stopped (${stopped.status})`
    })
    const findings: WorkFinding[] = []
    // Nothing committed on the branch checked out: its tip is the HEAD the one look read.
    if (saved.state === 'clean' && saved.branch === task.branch && this.look?.branch) {
      this.tipSeen = this.look.head
    }
    // Nothing was committed or left: the look stays true until the worktree is parked.
    this.lookAtRelease = saved.state === 'clean' ? this.look : null
    if (saved.state === 'committed') {
      this.say('auto-committed the changes the agent left')
      if (!clean) findings.push({ kind: 'saved', branch: saved.branch })
    } else if (saved.state === 'kept') {
      // Removing the worktree would throw its changes away: keep it and say so.
      worktrees.keep(worktree.path)
      const path = worktree.path
      if (saved.because === 'commit-failed') {
        findings.push({ kind: 'commit-failed', path, error: saved.error ?? 'unknown error' })
      } else if (saved.because === 'detached') findings.push({ kind: 'kept-detached', path })
      else findings.push({ kind: 'kept-uncommitted', path })
    }
    if (saved.branch !== task.branch) {
      // Commits on a detached HEAD are reachable only through the worktree: keep it.
      if (!saved.branch) worktrees.keep(worktree.path)
      findings.push({
        kind: 'wrong-branch',
        branch: saved.branch,
        expected: task.branch,
        path: worktree.path
      })
    }
    task.commits = await this.countCommits(worktree)
    return findings
  }

  /**
   * Commits the agent made and then dropped (a reset, a rewritten branch, a detached HEAD
   * left), which only the reflogs of its branch and its worktree's HEAD still reach: they go
   * with the branch and the worktree, so they are kept under refs/parallel-worktree/ first.
   */
  private async keepDropped(worktree: Worktree): Promise<string[]> {
    const inWorktree = existsSync(worktree.path)
    const kept = await keepReflogOnlyCommits(
      inWorktree ? worktree.git : this.ctx.git,
      inWorktree ? ['HEAD', branchRef(worktree.branch)] : [branchRef(worktree.branch)],
      worktree.branch,
      new Set([
        ...this.onBranch,
        ...(worktree.headReflogChecked ?? []),
        ...(worktree.earlierStarts ?? [])
      ])
    )
      .then((refs) => {
        // Nothing moves its HEAD from now on: its removal need not read that reflog again.
        this.headReflogKept = inWorktree
        return refs
      })
      .catch((error: Error) => {
        this.ctx.logger.warning(`${this.prefix} could not read the reflogs: ${error.message}`)
        return []
      })
    return kept.length
      ? [`commit(s) the agent made and then dropped are kept at ${kept.join(', ')}`]
      : []
  }

  /**
   * The branch's tip once the agent is done: a later run resumes the branch only while its
   * history holds this (a branch recreated or reset by someone else since is not ours). With
   * `judged`, also that the agent was judged successful there: a crash between this verdict
   * and the merge must not cost the agent's run again. One ref transaction, and no read when
   * the one look at the worktree saw the tip (nothing was committed after it).
   */
  private async recordTip(judged: boolean): Promise<void> {
    const tip = this.tipSeen ?? (await this.ctx.git.branchTip(this.task.branch))
    if (!tip) return
    await this.ctx.git.updateRefs([
      { ref: madeBranchRef(this.task.branch), to: tip },
      ...(judged ? [{ ref: judgedRef(this.task.branch), to: tip }] : [])
    ])
  }

  /**
   * Commits on the task's branch that are neither in base nor in its start point. Kept with
   * the branch's tip and start point as what the branch holds: keepDropped need not ask git
   * about them.
   */
  private async countCommits(worktree: Worktree): Promise<number> {
    const own = await this.ctx.git.commitsNotIn(branchRef(this.task.branch), [
      branchRef(this.ctx.settings.baseBranch),
      worktree.startPoint
    ])
    this.onBranch = new Set([...own, worktree.startPoint, ...(this.tipSeen ? [this.tipSeen] : [])])
    return own.length
  }

  /** What countCommits found the branch to hold (see keepDropped). */
  private onBranch: ReadonlySet<string> = new Set()

  /**
   * After finish() (and the merge, in a run): the worktree is removed, or unlocked when kept.
   * Its branch, when it holds nothing of its own, goes too: at once, or with the others of the
   * run in `sweep`'s next transaction.
   */
  async releaseWorktree(sweep?: BranchSweep): Promise<void> {
    const worktree = this.finished
    this.finished = null
    if (worktree) await this.release(worktree, sweep)
  }

  private async release(worktree: Worktree, sweep?: BranchSweep): Promise<void> {
    const { settings, worktrees, logger } = this.ctx
    try {
      await worktrees.release(worktree.path, settings.cleanup, {
        headReflogKept: this.headReflogKept,
        look: this.lookAtRelease ?? undefined
      })
      if (settings.cleanup && !worktrees.isKept(worktree.path) && this.task.commits === 0) {
        if (sweep) {
          const request = { branch: worktree.branch, startPoint: worktree.startPoint }
          sweep.add(request).catch((error: Error) => {
            logger.debug(`${this.prefix} could not delete ${worktree.branch}: ${error.message}`)
          })
        } else await this.deleteBranchIfEmpty(worktree)
      }
    } catch (error) {
      logger.warning(
        `${this.prefix} could not remove the worktree ${worktree.path}: ${(error as Error).message}`
      )
    }
  }

  /** The branch this run made, when it holds nothing beyond where it started: it goes too. */
  private async deleteBranchIfEmpty(worktree: Worktree): Promise<void> {
    await deleteBranchIfSafe(this.ctx.git, worktree.branch, { startPoint: worktree.startPoint })
  }

  private end(status: TaskStatus, error: string | null): void {
    const ended = this.agentEnded ?? Date.now()
    const task = this.task
    task.status = status
    task.error = error
    task.exit_code = this.outcome?.exitCode ?? null
    task.ended_at = new Date(ended).toISOString()
    task.duration_ms = this.started ? ended - this.started : 0
  }

  /** One log group per task when it ends: its verdict in the title, its output's tail inside. */
  private report(): void {
    const task = this.task
    const seconds = (task.duration_ms / 1000).toFixed(1)
    const commits = `${task.commits} commit${task.commits === 1 ? '' : 's'}`
    const title = `Priority ${task.priority}: ${task.status}, ${commits}, ${seconds} s`
    const body = [
      ...(this.outcome?.tail ?? []).map((line) => `${this.prefix} ${line}`),
      ...(task.error ? [`${this.prefix} ${task.status}: ${task.error}`] : []),
      ...(task.log_file ? [`${this.prefix} full log: ${task.log_file}`] : [])
    ]
    this.ctx.logger.group(title, body.join('\n'))
  }

  private say(message: string): void {
    this.ctx.logger.info(`${this.prefix} ${message}`)
  }
}

/**
 * One priority on its own, all phases in a row (the scheduler of the run stage overlaps them
 * across tasks instead).
 */
export async function runTask(
  task: TaskResult,
  ctx: TaskContext,
  planned?: Pick<PlannedTask, 'title' | 'paths' | 'roadmap_sections'>
): Promise<TaskResult> {
  const run = new TaskRun(task, ctx, planned)
  await run.execute()
  await run.finish()
  await run.releaseWorktree()
  return task
}

/** What is left of a log's cap (the setup command and the agent share one file). */
/**
 * Each run of a priority's agent writes its own log (a re-run after a conflict is a second
 * run): the first `priority-<p>.log`, then `priority-<p>.attempt-<n>.log`, none overwritten.
 */
export function attemptLogFile(logDir: string, priority: number, run: number): string {
  return join(
    logDir,
    run <= 1 ? `priority-${priority}.log` : `priority-${priority}.attempt-${run}.log`
  )
}

function logRoom(logFile: string, cap: number): number {
  const used = existsSync(logFile) ? statSync(logFile).size : 0
  return Math.max(0, cap - used)
}

/** Where an agent may write its usage: beside its log, outside every worktree. */
export function usageFilePath(logDir: string, priority: number): string {
  return join(logDir, `priority-${priority}.usage.json`)
}

/** Waits; false when the run was cancelled first. */
function waitUnlessCancelled(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve(false)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** A function that does its work on the first call only. */
function once(work: () => void): () => void {
  let done = false
  return () => {
    if (done) return
    done = true
    work()
  }
}
