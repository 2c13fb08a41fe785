import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { commandShell } from './agent-command.js'

export interface ProcessOptions {
  command: string
  cwd: string
  env: Record<string, string>
  /** Every byte the process writes goes here (appended). */
  logFile: string
  /** 0: no limit. */
  timeoutMs: number
  /** Cancels the run: the process tree is stopped and the outcome is `cancelled`. */
  signal?: AbortSignal
  /** Time between TERM and KILL when stopping the tree. */
  killGraceMs: number
  /** Each complete output line, for the live console. */
  onLine?: (line: string) => void
  onStart?: (pid: number) => void
}

export interface ProcessOutcome {
  exitCode: number | null
  /** The signal that ended the shell, if one did. */
  signal: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  /** The last lines of output, for reports. */
  tail: string[]
}

const TAIL_LINES = 40

/**
 * Runs a shell command in its own process group, so that a timeout or a cancellation can stop
 * the whole tree the agent started (TERM, then KILL after the grace time). Completion is the
 * child's exit event: nothing polls.
 */
export async function runProcess(options: ProcessOptions): Promise<ProcessOutcome> {
  const log = createWriteStream(options.logFile, { flags: 'a' })
  await once(log, 'open')
  const child = spawn(commandShell(), ['-c', options.command], {
    cwd: options.cwd,
    env: options.env,
    detached: true, // a process group of its own
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const tail: string[] = []
  let timedOut = false
  let cancelled = false
  let killTimer: NodeJS.Timeout | undefined

  const stopTree = (): void => {
    if (killTimer || child.pid === undefined) return
    signalGroup(child.pid, 'SIGTERM')
    killTimer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), options.killGraceMs)
  }
  const timeout =
    options.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true
          stopTree()
        }, options.timeoutMs)
      : undefined
  const onAbort = (): void => {
    cancelled = true
    stopTree()
  }
  if (options.signal?.aborted) onAbort()
  else options.signal?.addEventListener('abort', onAbort, { once: true })

  const lines = new LineSplitter((line) => {
    tail.push(line)
    if (tail.length > TAIL_LINES) tail.shift()
    options.onLine?.(line)
  })
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      log.write(chunk)
      lines.push(chunk.toString('utf8'))
    })
  }

  const spawnError = new Promise<never>((_resolve, reject) => child.once('error', reject))
  if (child.pid !== undefined) options.onStart?.(child.pid)
  try {
    const [exitCode, signal] = (await Promise.race([once(child, 'exit'), spawnError])) as [
      number | null,
      NodeJS.Signals | null
    ]
    // The shell is gone; stop what it left behind in its group, then let the output drain.
    if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL')
    await Promise.race([once(child, 'close'), delay(2000)])
    lines.flush()
    return { exitCode, signal, timedOut, cancelled, tail }
  } finally {
    clearTimeout(timeout)
    clearTimeout(killTimer)
    options.signal?.removeEventListener('abort', onAbort)
    await new Promise<void>((resolve) => log.end(resolve))
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // The group is already gone.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

class LineSplitter {
  private rest = ''
  constructor(private readonly emit: (line: string) => void) {}
  push(text: string): void {
    const parts = (this.rest + text).split(/\r?\n/)
    this.rest = parts.pop() ?? ''
    for (const part of parts) this.emit(part)
  }
  flush(): void {
    if (this.rest) this.emit(this.rest)
    this.rest = ''
  }
}
