/**
 * What one `git status --porcelain=v2 -z -uall --branch` says of a worktree, parsed: the
 * branch checked out (null: a detached HEAD), HEAD's commit (null: an unborn branch), the
 * paths changed against HEAD (staged or not; both paths of a rename), the unmerged paths and
 * the untracked files (each one, not their folders; ignored files are not listed).
 */
export interface WorktreeStatus {
  branch: string | null
  head: string | null
  changed: string[]
  unmerged: string[]
  untracked: string[]
}

/**
 * A worktree as its agent left it, looked at once: its status, and the files its commits
 * since `since` (the commit its task started from) changed, read together.
 */
export interface WorktreeLook extends WorktreeStatus {
  since: string
  committed: string[]
  /** Set when only these paths (and what is under them) were looked at. */
  under?: string[]
}

/**
 * Every file the worktree changed since `look.since`: committed, uncommitted, unmerged or
 * untracked (not ignored); with `under`, only those at or under these paths.
 */
export function changedSince(look: WorktreeLook, under?: readonly string[]): string[] {
  const all = new Set([...look.committed, ...look.changed, ...look.unmerged, ...look.untracked])
  return [...all].filter((path) => !under || isUnder(path, under))
}

/** Whether a look saw every path at or under `under` (all of the worktree, without it). */
export function lookCovers(look: WorktreeLook, under?: readonly string[]): boolean {
  if (!look.under) return true
  const seen = look.under
  return under !== undefined && under.every((path) => isUnder(path, seen))
}

function isUnder(path: string, tops: readonly string[]): boolean {
  return tops.some((top) => path === top || path.startsWith(`${top}/`))
}

/** The fields before the path of each kind of porcelain v2 entry. */
const FIELDS_BEFORE_PATH: Readonly<Record<string, number>> = { '1': 8, '2': 9, u: 10 }

/** Parses `status --porcelain=v2 -z --branch` output (paths are never quoted with -z). */
export function parseWorktreeStatus(output: string): WorktreeStatus {
  const status: WorktreeStatus = {
    branch: null,
    head: null,
    changed: [],
    unmerged: [],
    untracked: []
  }
  const records = output.split('\0')
  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    if (!record) continue
    if (record.startsWith('# ')) {
      const [, key, value] = /^# (\S+) (.*)$/.exec(record) ?? []
      if (key === 'branch.head') status.branch = value === '(detached)' ? null : value
      else if (key === 'branch.oid') status.head = value === '(initial)' ? null : value
      continue
    }
    const kind = record.slice(0, 1)
    if (kind === '?') status.untracked.push(record.slice(2))
    else if (kind === '!') continue
    else if (kind in FIELDS_BEFORE_PATH) {
      const path = afterFields(record, FIELDS_BEFORE_PATH[kind])
      if (kind === 'u') status.unmerged.push(path)
      else status.changed.push(path)
      // A rename or copy: its original path follows as the next record.
      if (kind === '2') status.changed.push(records[++i])
    } else throw new Error(`git status said something unknown: ${JSON.stringify(record)}`)
  }
  return status
}

/** The rest of a record after `count` space-separated fields (a path may hold spaces). */
function afterFields(record: string, count: number): string {
  let at = 0
  for (let field = 0; field < count; field++) {
    at = record.indexOf(' ', at) + 1
    if (at === 0) throw new Error(`git status said something unknown: ${JSON.stringify(record)}`)
  }
  return record.slice(at)
}

/** Whether anything is uncommitted (untracked files included) but the paths in `leaveOut`. */
export function holdsChanges(status: WorktreeStatus, leaveOut: readonly string[] = []): boolean {
  const left = (path: string): boolean =>
    leaveOut.some((out) => path === out || path.startsWith(`${out.replace(/\/+$/, '')}/`))
  return [...status.changed, ...status.unmerged, ...status.untracked].some((path) => !left(path))
}
