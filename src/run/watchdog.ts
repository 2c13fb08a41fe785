import { spawn, type ChildProcess } from 'node:child_process'

/**
 * The dead-coordinator promise: whatever kills the coordinator (SIGKILL, the OOM killer, a
 * lost runner step), every agent tree is stopped within 15 s. Signals cannot be caught for a
 * SIGKILL, so the coordinator keeps a small supervisor beside it: a separate node process
 * (the same executable, its code inline, so that it runs from the ncc bundle as from the
 * sources), detached into a session of its own, whose stdin is a pipe the coordinator holds.
 * The coordinator writes on it which process groups and worktrees its agents have; the kernel
 * closes the pipe when the coordinator dies, however it dies, and the supervisor then stops
 * those trees: TERM, then KILL after WATCHDOG_GRACE_MS to what the TERM reached and its
 * descendants (not to a next run's agents, which may use the same worktrees by then). It ends then, having nothing to
 * watch, and it holds no secret: its environment is empty.
 */
export const WATCHDOG_GRACE_MS = 5000

/**
 * The supervisor. It finds, in /proc, every member of the groups it was told of, every
 * descendant of one (also in a session of its own), and every process whose WORKTREE_PATH is
 * one of the run's worktrees (also one that daemonised); elsewhere it signals the groups only.
 */
const SUPERVISOR = `
const fs = require('fs')
const groups = new Set()
const worktrees = new Set()
let pending = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (text) => {
  pending += text
  let end
  while ((end = pending.indexOf('\\n')) >= 0) {
    const line = pending.slice(0, end)
    pending = pending.slice(end + 1)
    const value = line.slice(1)
    if (line[0] === '+') groups.add(Number(value))
    else if (line[0] === '-') groups.delete(Number(value))
    else if (line[0] === 'w') worktrees.add(value)
    else if (line[0] === 'x') worktrees.delete(value)
  }
})
function table() {
  const rows = []
  let names = []
  try { names = fs.readdirSync('/proc') } catch {}
  for (const name of names) {
    if (!/^[0-9]+$/.test(name)) continue
    try {
      const text = fs.readFileSync('/proc/' + name + '/stat', 'utf8')
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
      rows.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]) })
    } catch {}
  }
  return rows
}
function inWorktree(pid) {
  if (worktrees.size === 0) return false
  try {
    const entry = fs.readFileSync('/proc/' + pid + '/environ', 'utf8').split('\\0')
      .find((item) => item.startsWith('WORKTREE_PATH='))
    return entry !== undefined && worktrees.has(entry.slice('WORKTREE_PATH='.length))
  } catch { return false }
}
function members(known) {
  const rows = table()
  const children = new Map()
  for (const row of rows) {
    if (!children.has(row.ppid)) children.set(row.ppid, [])
    children.get(row.ppid).push(row.pid)
  }
  const seed = (row) => (known ? known.has(row.pid) : groups.has(row.pgid) || inWorktree(row.pid))
  const stack = rows.filter((row) => groups.has(row.pgid) || seed(row)).map((row) => row.pid)
  const found = new Set()
  while (stack.length > 0) {
    const pid = stack.pop()
    if (found.has(pid) || pid <= 1 || pid === process.pid) continue
    found.add(pid)
    stack.push(...(children.get(pid) || []))
  }
  return found
}
function signal(name, known) {
  for (const group of groups) { try { process.kill(-group, name) } catch {} }
  const found = members(known)
  for (const pid of found) { try { process.kill(pid, name) } catch {} }
  return found
}
let stopping = false
function stop() {
  if (stopping) return
  stopping = true
  if (groups.size === 0 && worktrees.size === 0) process.exit(0)
  // The KILL goes to what the TERM found and its descendants only: by then a next run may
  // have started agents in the same worktrees.
  const found = signal('SIGTERM')
  setTimeout(() => { signal('SIGKILL', found); process.exit(0) }, Number(process.argv[1]))
}
process.stdin.on('end', stop)
process.stdin.on('error', stop)
process.stdin.on('close', stop)
`

let supervisor: ChildProcess | null = null
let broken = false

function send(line: string): void {
  if (broken || process.platform === 'win32') return
  try {
    supervisor ??= startSupervisor()
    supervisor.stdin?.write(`${line}\n`)
  } catch {
    // No supervisor (no process could be started): the exit hook and the next run remain.
    broken = true
  }
}

function startSupervisor(): ChildProcess {
  const child = spawn(process.execPath, ['-e', SUPERVISOR, String(WATCHDOG_GRACE_MS)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: {}
  })
  child.on('error', () => {
    broken = true
  })
  child.stdin?.on('error', () => {
    broken = true
  })
  // Neither the supervisor nor its pipe keeps the coordinator alive.
  child.unref()
  ;(child.stdin as unknown as { unref?: () => void } | null)?.unref?.()
  return child
}

/**
 * Starts the supervisor now, before any agent (a mode that runs agents calls it during its
 * preflight): its node process then starts beside the run's first git calls, not between two
 * agents' starts. Idempotent; a supervisor that cannot start is left to the first agent.
 */
export function startWatchdog(): void {
  if (broken || process.platform === 'win32' || supervisor) return
  try {
    supervisor = startSupervisor()
  } catch {
    broken = true
  }
}

/** An agent's process group started (its leader's pid), in the worktree it was given. */
export function watchGroup(pgid: number, worktree: string | undefined): void {
  send(`+${pgid}`)
  if (worktree && !/[\r\n]/.test(worktree)) send(`w${worktree}`)
}

/** The group ended and what it left was stopped: nothing more to watch there. */
export function unwatchGroup(pgid: number, worktree: string | undefined): void {
  send(`-${pgid}`)
  if (worktree && !/[\r\n]/.test(worktree)) send(`x${worktree}`)
}

/** The supervisor's pid, when one runs (for tests). */
export function watchdogPid(): number | undefined {
  return supervisor?.pid
}
