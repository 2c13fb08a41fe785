import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** One row of the process table. */
export interface ProcessInfo {
  pid: number
  ppid: number
  pgid: number
  /** Exited but not reaped: counts as gone (some container inits never reap orphans). */
  zombie: boolean
}

/**
 * The machine's processes: /proc on Linux (no child process), `ps` elsewhere. Read when a
 * tree must be stopped; the resource gate reads /proc's (a few hundred small files) once per
 * sample, see treeCpuMs.
 */
export function processTable(): ProcessInfo[] {
  if (process.platform === 'linux') {
    const rows: ProcessInfo[] = []
    for (const name of safeReaddir('/proc')) {
      if (!/^\d+$/.test(name)) continue
      const row = procStat(Number(name))
      if (row) rows.push(row)
    }
    return rows
  }
  try {
    const text = execFileSync(
      'ps',
      ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'pgid=', '-o', 'stat='],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore']
      }
    )
    return text
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((parts) => parts.length >= 4)
      .map(([pid, ppid, pgid, stat]) => ({
        pid: Number(pid),
        ppid: Number(ppid),
        pgid: Number(pgid),
        zombie: stat.startsWith('Z')
      }))
  } catch {
    return []
  }
}

/** `/proc/<pid>/stat`, parsed; null when the process is gone. */
function procStat(pid: number): ProcessInfo | null {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // The command name is in parentheses and may hold spaces or parentheses itself.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), zombie: fields[0] === 'Z' }
}

/**
 * CPU time (user and system, ms) used by `root` and every descendant of it, with what each
 * reaped of its own children: the run's own share of the machine (the coordinator, its git
 * processes, its agents and theirs). Linux only (/proc); null elsewhere. A process that left
 * the tree (re-parented to init) stops counting.
 */
export function treeCpuMs(root: number = process.pid): number | null {
  if (process.platform !== 'linux') return null
  const children = new Map<number, number[]>()
  const ticks = new Map<number, number>()
  for (const name of safeReaddir('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let text: string
    try {
      text = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue
    }
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    const pid = Number(name)
    const ppid = Number(fields[1])
    // utime, stime, cutime, cstime (fields 14-17 of proc(5)), in clock ticks.
    ticks.set(
      pid,
      fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0)
    )
    const list = children.get(ppid)
    if (list) list.push(pid)
    else children.set(ppid, [pid])
  }
  if (!ticks.has(root)) return null
  let total = 0
  const stack = [root]
  const seen = new Set<number>()
  while (stack.length > 0) {
    const pid = stack.pop()!
    if (seen.has(pid)) continue
    seen.add(pid)
    total += ticks.get(pid) ?? 0
    stack.push(...(children.get(pid) ?? []))
  }
  return total * MS_PER_TICK
}

/** Linux's clock tick (USER_HZ) is 100 per second on every architecture it exports to /proc. */
const MS_PER_TICK = 10

/** True while the process exists and has not exited (a zombie is gone). */
export function isAlive(pid: number): boolean {
  if (!isSignallablePid(pid)) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  if (process.platform === 'linux') {
    const row = procStat(pid)
    return row !== null && !row.zombie
  }
  return true
}

/** A pid we may ever signal: a positive integer other than init and ourselves. */
export function isSignallablePid(pid: number): boolean {
  return Number.isSafeInteger(pid) && pid > 1 && pid !== process.pid
}

/**
 * The living processes of the tree rooted at `root`: the members of its process group (the
 * agent runs detached, so its pid is its group's id) and every descendant of any of them,
 * also those that moved to a group or session of their own.
 */
export function treeMembers(root: number, table: ProcessInfo[] = processTable()): number[] {
  const children = new Map<number, number[]>()
  for (const row of table) {
    const list = children.get(row.ppid) ?? []
    list.push(row.pid)
    children.set(row.ppid, list)
  }
  const living = new Map(table.filter((row) => !row.zombie).map((row) => [row.pid, row]))
  const found = new Set<number>()
  // The root counts only as the leader of its group: a pid reused by a stranger is not ours.
  const stack = table.filter((row) => row.pgid === root).map((row) => row.pid)
  while (stack.length > 0) {
    const pid = stack.pop()!
    if (found.has(pid)) continue
    found.add(pid)
    stack.push(...(children.get(pid) ?? []))
  }
  return [...found].filter((pid) => living.has(pid) && isSignallablePid(pid))
}

/** Sends `signal` to the group `root` leads and to every member of its tree. */
export function signalTree(root: number, signal: NodeJS.Signals): void {
  if (!isSignallablePid(root)) return
  if (process.platform === 'win32') {
    // No process groups: taskkill walks the tree itself (and cannot be gentle).
    spawnSync('taskkill', ['/T', '/F', '/PID', String(root)], { stdio: 'ignore' })
    return
  }
  signalGroup(root, signal)
  for (const pid of treeMembers(root)) {
    try {
      process.kill(pid, signal)
    } catch {
      // Gone in the meantime.
    }
  }
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  if (!isSignallablePid(pgid)) return
  try {
    process.kill(-pgid, signal)
  } catch {
    // The group is gone.
  }
}

/** True while some living process belongs to the tree. */
export function treeAlive(root: number): boolean {
  return treeMembers(root).length > 0
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path)
  } catch {
    return []
  }
}
