import { spawn } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { commandShell } from './agent-command.js'
import { CappedLog } from './capped-log.js'
import { unwatchGroup, watchGroup } from './watchdog.js'
import { LineSplitter } from './line-splitter.js'
import { processesGiven, stopGroups } from './leftover-cleanup.js'
import { isAlive, signalGroup, signalTree, treeAlive, treeMembers } from './process-tree.js'

export interface ProcessOptions {
  command: string
  cwd: string
  env: Record<string, string>
  /** Every byte the process writes goes here (appended), between a header and a footer. */
  logFile: string
  /** Cap of the output written to the log (head and tail kept); none when absent. */
  logMaxBytes?: number
  /** What the log's header calls this command: `setup`, `agent`. */
  label?: string
  /** 0: no limit. */
  timeoutMs: number
  /** Cancels the run: the process tree is stopped and the outcome is `cancelled`. */
  signal?: AbortSignal
  /** Time between TERM and KILL when stopping the tree. */
  killGraceMs: number
  /** Each complete output line, for the live console. */
  onLine?: (line: string) => void
  /** Each chunk of stdout as it comes (a CLI's usage report is read from it). */
  onStdout?: (chunk: Buffer) => void
  onStart?: (pid: number) => void
  onExit?: (pid: number) => void
}

export interface ProcessOutcome {
  exitCode: number | null
  /** The signal that ended the shell, if one did. */
  signal: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  /** The last lines of output, for reports. */
  tail: string[]
  durationMs: number
  /**
   * What the command left running after it ended outside its process group (a daemon made
   * with `setsid`, `nohup … &`), found by the worktree in its environment: `pid 123 (sleep
   * 1000)` each. They were stopped: the worktree is about to be removed under them.
   */
  leftBehind?: string[]
}

export const TAIL_LINES = 40

/** The process groups of commands running now, in this process. */
const liveGroups = new Set<number>()
let exitHookInstalled = false

/**
 * KILLs every command tree still running. Called on this process's exit, so that a
 * coordinator that exits early (a second Ctrl-C, an uncaught error) leaves no agent behind.
 */
export function killLiveProcessTrees(): void {
  for (const pid of liveGroups) signalTree(pid, 'SIGKILL')
  liveGroups.clear()
}
/** How long output may keep flowing after the shell exited (from processes it left behind). */
const DRAIN_MS = 2000

/**
 * Runs a shell command in a process group of its own, so that a timeout or a cancellation
 * stops the whole tree it started: TERM, then KILL after the grace time. Completion is the
 * child's exit event; nothing polls. Whatever the command left running when it exited is
 * killed too: an agent's stray server must not outlive its task.
 */
export async function runProcess(options: ProcessOptions): Promise<ProcessOutcome> {
  const began = Date.now()
  const log = createWriteStream(options.logFile, { flags: 'a' })
  await once(log, 'open')
  const label = options.label ?? 'command'
  log.write(`=== ${label} started ${new Date(began).toISOString()}: ${options.command}\n`)
  const tail: string[] = []
  const keep = (line: string): void => {
    tail.push(line)
    if (tail.length > TAIL_LINES) tail.shift()
    options.onLine?.(line)
  }

  if (options.signal?.aborted) {
    await endLog(log, `=== ${label} not started: the run was cancelled\n`)
    return { exitCode: null, signal: null, timedOut: false, cancelled: true, tail, durationMs: 0 }
  }

  const child = spawn(commandShell(), ['-c', options.command], {
    cwd: options.cwd,
    env: options.env,
    detached: true, // a process group of its own: our signals reach its whole tree
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let timedOut = false
  let cancelled = false
  let killTimer: NodeJS.Timeout | undefined
  let exited = false
  let leftBehind: string[] = []
  /** When TERM went out, and to whom: the KILL that follows reaches them even if they left. */
  const stopping: { at: number | null } = { at: null }
  const doomed = new Set<number>()

  const stopTree = (): void => {
    if (stopping.at !== null || child.pid === undefined || exited) return
    const pid = child.pid
    stopping.at = Date.now()
    for (const member of treeMembers(pid)) doomed.add(member)
    signalTree(pid, 'SIGTERM')
    killTimer = setTimeout(() => killRest(pid, doomed), options.killGraceMs)
  }
  const timeout =
    options.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true
          stopTree()
        }, options.timeoutMs)
      : undefined
  const onAbort = (): void => {
    if (timedOut) return
    cancelled = true
    stopTree()
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })

  const capped = new CappedLog(log, options.logMaxBytes ?? Number.MAX_SAFE_INTEGER)
  const splitters = [child.stdout, child.stderr].map((stream) => {
    const splitter = new LineSplitter(keep)
    const watch = stream === child.stdout ? options.onStdout : undefined
    stream.on('data', (chunk: Buffer) => {
      capped.write(chunk)
      splitter.push(chunk)
      watch?.(chunk)
    })
    return splitter
  })

  // Listened for from the start: 'close' may come in the same turn as 'exit'.
  const closed = once(child, 'close').catch(() => undefined)
  const spawnError = new Promise<never>((_resolve, reject) => child.once('error', reject))
  spawnError.catch(() => undefined)
  if (child.pid !== undefined) {
    liveGroups.add(child.pid)
    watchGroup(child.pid, options.env.WORKTREE_PATH)
    if (!exitHookInstalled) {
      exitHookInstalled = true
      process.once('exit', killLiveProcessTrees)
    }
    options.onStart?.(child.pid)
  }
  try {
    const [exitCode, signal] = (await Promise.race([once(child, 'exit'), spawnError])) as [
      number | null,
      NodeJS.Signals | null
    ]
    exited = true
    if (child.pid !== undefined) {
      const pid = child.pid
      if (stopping.at !== null) {
        // Stopping: the rest of the tree keeps the rest of its grace to shut down cleanly.
        const deadline = stopping.at + options.killGraceMs
        while (Date.now() < deadline && treeAliveOrAny(pid, doomed)) await delay(50)
      }
      // What the shell left behind has no owner any more.
      killRest(pid, doomed)
      leftBehind = await stopLeftBehind(options.env.WORKTREE_PATH, options.killGraceMs)
      liveGroups.delete(pid)
      unwatchGroup(pid, options.env.WORKTREE_PATH)
      options.onExit?.(pid)
    }
    await Promise.race([closed, delay(DRAIN_MS)])
    for (const splitter of splitters) splitter.flush()
    capped.finish(options.logFile)
    const durationMs = Date.now() - began
    const how = signal ? `killed by ${signal}` : `exit ${exitCode}`
    const why = timedOut ? ' (timed out)' : cancelled ? ' (cancelled)' : ''
    await endLog(
      log,
      `=== ${label} ended: ${how}${why} after ${(durationMs / 1000).toFixed(1)} s\n`
    )
    return {
      exitCode,
      signal,
      timedOut,
      cancelled,
      tail,
      durationMs,
      ...(leftBehind.length ? { leftBehind } : {})
    }
  } catch (error) {
    await endLog(log, `=== ${label} could not start: ${(error as Error).message}\n`)
    throw error
  } finally {
    clearTimeout(timeout)
    clearTimeout(killTimer)
    options.signal?.removeEventListener('abort', onAbort)
    child.stdout.destroy()
    child.stderr.destroy()
  }
}

/**
 * Processes given this worktree that outlived the command's group (the way the watchdog
 * finds them): stopped (TERM, then KILL after the grace) and named.
 */
async function stopLeftBehind(worktree: string | undefined, graceMs: number): Promise<string[]> {
  if (!worktree) return []
  const found = processesGiven(worktree)
  if (found.length === 0) return []
  await stopGroups(
    found.map((entry) => entry.pid),
    graceMs
  )
  return found.map((entry) => `pid ${entry.pid} (${entry.command})`)
}

function killRest(pgid: number, members: ReadonlySet<number>): void {
  signalGroup(pgid, 'SIGKILL')
  for (const pid of members) if (isAlive(pid)) signalTree(pid, 'SIGKILL')
}

function treeAliveOrAny(pgid: number, members: ReadonlySet<number>): boolean {
  return treeAlive(pgid) || [...members].some(isAlive)
}

async function endLog(log: WriteStream, footer: string): Promise<void> {
  if (log.writableEnded) return
  await new Promise<void>((resolve) => log.end(footer, () => resolve()))
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
