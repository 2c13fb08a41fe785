import { lstat, readdir } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { KEPT_REFS } from '../git/kept-refs.js'
import { BRANCH_PREFIX, branchOfRef, branchRef } from '../git/refs.js'
import { listWorktrees } from '../git/worktree-list.js'
import { checkoutState, holdsNoWork } from '../git/worktree-fill.js'
import { LOCK_REASON_PREFIX, realPath } from '../run/worktree-manager.js'

/** What `status` and `clean` need of the settings: where the tool puts its things. */
export interface LeftoverSettings {
  repo: string
  baseBranch: string
  branchTemplate: string
  worktreeDir: string
}

/** One thing the tool left in the repository, with what it holds and what to do with it. */
export interface Leftover {
  kind: 'worktree' | 'branch' | 'ref'
  /** The worktree's path, the branch's name or the ref's full name. */
  name: string
  /** The commit it points at (a worktree: its HEAD); null for a worktree with none. */
  commit: string | null
  /** Every commit it holds is in base. */
  merged: boolean
  /** Commits it holds that base does not. */
  ahead: number
  /** Why the tool left it. */
  why: string
  /** The command to run next. */
  next: string
  /** Worktrees: the branch checked out (null when detached). */
  branch?: string | null
  /** Worktrees: files changed or untracked that no commit holds. */
  uncommitted?: boolean
  /** Worktrees: locked by someone other than this tool (the lock's reason): never removed. */
  lockedByOther?: string | null
  /** Worktrees: the bytes its files take (the .git file aside). */
  bytes?: number
}

/** What each kind of ref under refs/parallel-worktree/ records. */
const REF_KINDS: Record<string, string> = {
  made: 'the record of a branch this tool made, whose branch is gone',
  completed: "the record that a branch's agent was judged successful, whose branch is gone",
  base: 'a tip of base a run kept (its last good tip, or one an agent moved base away from)',
  'moved-base': 'a tip an agent moved base to, kept when base was put back',
  dropped: 'commits that only a reflog still reached when a branch or worktree went',
  unfinished: "an agent's uncommitted work, snapshotted when its worktree went",
  'verify-failed': 'a candidate merge that failed verify-command, kept to reproduce it'
}

const PLACEHOLDER = /\{priority(?::0?\d+d)?\}/g

/**
 * A pattern for the branches the template gives (any priority), with the `-conflicted` and
 * `-conflicted-<n>` names the run keeps a conflicted branch under; group 1 is the priority.
 */
export function templatePattern(template: string): RegExp {
  const plain = template.replace(/^(refs\/)?(heads\/)?/, '')
  const parts = plain.split(PLACEHOLDER).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('(\\d+(?:\\.\\d+)?)')}(-conflicted(?:-\\d+)?)?$`)
}

/** The priority a branch of the template is for (leading zeros dropped), or null. */
function priorityOf(
  pattern: RegExp,
  branch: string
): { priority: string; conflicted: boolean } | null {
  const match = pattern.exec(branch)
  if (!match) return null
  const priority = match.slice(1).find((group) => group && /^\d/.test(group))
  if (!priority) return null
  return { priority: String(Number(priority)), conflicted: branch.includes('-conflicted') }
}

/** The bytes the files under `folder` take, as du counts them; its `.git` file is skipped. */
export async function folderBytes(folder: string, top = true): Promise<number> {
  let total = 0
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    if (top && entry.name === '.git') continue
    const path = join(folder, entry.name)
    if (entry.isDirectory()) total += await folderBytes(path, false)
    else total += (await lstat(path).catch(() => null))?.size ?? 0
  }
  return total
}

/**
 * The worktrees, branches and refs under refs/parallel-worktree/ the tool left in the
 * repository: worktrees locked by it, or at its worktree paths, or on its branches; branches
 * it recorded as made or that its branch-template gives; every ref of its own but the
 * records of branches still there.
 */
export async function findLeftovers(
  git: GitCommandManager,
  settings: LeftoverSettings
): Promise<Leftover[]> {
  const base = branchRef(settings.baseBranch)
  const baseTip = await git.resolveCommit(base)
  const notInBase = baseTip ? [base] : []
  const pattern = templatePattern(settings.branchTemplate)
  const made = new Set(
    (await git.refsUnder(`${KEPT_REFS}/made/`)).map(({ ref }) =>
      ref.slice(`${KEPT_REFS}/made/`.length)
    )
  )
  const branches = (await git.refsUnder(BRANCH_PREFIX)).map(({ ref, commit }) => ({
    name: branchOfRef(ref),
    commit
  }))
  const ours = (branch: string | null): boolean =>
    branch !== null && branch !== settings.baseBranch && (made.has(branch) || pattern.test(branch))
  const leftovers: Leftover[] = []
  const ahead = async (commit: string): Promise<number> => git.countCommitsNotIn(commit, notInBase)

  const root = realPath(settings.repo)
  const worktreeFolder = realPath(resolve(root, settings.worktreeDir))
  // A priority's worktree, or a finished one kept to be reused (see WorktreeManager.park).
  const ourPath = new RegExp(
    `^${basename(root).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-wt(\\d+(\\.\\d+)?|-spare-\\d+)$`
  )
  for (const entry of await listWorktrees(git)) {
    if (entry.main || entry.bare) continue
    const lockedByUs = entry.lockReason?.startsWith(LOCK_REASON_PREFIX) ?? false
    const atOurPath =
      realPath(resolve(entry.path, '..')) === worktreeFolder && ourPath.test(basename(entry.path))
    if (!lockedByUs && !atOurPath && !ours(entry.branch)) continue
    const present = !entry.prunable
    // Killed before its checkout completed: what it lacks or holds is nobody's work.
    const unfinished =
      present && holdsNoWork(await checkoutState(git.at(entry.path)).catch(() => 'unreadable'))
    const uncommitted =
      present && !unfinished
        ? await git
            .at(entry.path)
            .isDirty()
            .catch(() => true)
        : false
    const commitsAhead = entry.head ? await ahead(entry.head) : 0
    const what = entry.branch ? `on ${entry.branch}` : 'detached'
    leftovers.push({
      kind: 'worktree',
      name: entry.path,
      commit: entry.head,
      merged: commitsAhead === 0,
      ahead: commitsAhead,
      branch: entry.branch,
      uncommitted,
      lockedByOther: entry.locked && !lockedByUs ? (entry.lockReason ?? 'no reason given') : null,
      bytes: present ? await folderBytes(entry.path) : 0,
      why: !present
        ? `its folder is gone (${what})`
        : unfinished
          ? `its checkout did not complete (a run stopped while making it, or while reusing it for the next priority); nothing of an agent is in it (${what})`
          : uncommitted
            ? `it holds uncommitted work (${what})`
            : `kept by a run (${what}${entry.locked ? ', locked' : ''})`,
      next: uncommitted
        ? `git -C ${entry.path} add -A && git -C ${entry.path} commit (or discard the changes), then parallel-worktree clean`
        : 'parallel-worktree clean'
    })
  }

  for (const { name, commit } of branches) {
    if (!ours(name)) continue
    const commitsAhead = await ahead(commit)
    const priority = priorityOf(pattern, name)
    const merged = commitsAhead === 0
    leftovers.push({
      kind: 'branch',
      name,
      commit,
      merged,
      ahead: commitsAhead,
      why: merged
        ? `every commit on it is in ${settings.baseBranch}`
        : priority?.conflicted
          ? `its merge into ${settings.baseBranch} conflicted; ${commitsAhead} commit(s) not in ${settings.baseBranch}`
          : `${commitsAhead} commit(s) not in ${settings.baseBranch} (a priority that failed, conflicted or was not merged)`,
      next: merged
        ? 'parallel-worktree clean'
        : priority && !priority.conflicted
          ? `parallel-worktree run ${priority.priority} (resumes it), or git checkout ${settings.baseBranch} && git merge --no-ff ${name}, or git branch -D ${name}`
          : `git checkout ${settings.baseBranch} && git merge --no-ff ${name} (settle the conflict), or git branch -D ${name}`
    })
  }

  const branchNames = new Set(branches.map(({ name }) => name))
  for (const { ref, commit } of await git.refsUnder(`${KEPT_REFS}/`)) {
    const kind = ref.slice(KEPT_REFS.length + 1).split('/')[0]
    const record = kind === 'made' || kind === 'completed'
    // The record of a branch still there belongs to it: listed with the branch.
    if (record && branchNames.has(ref.slice(`${KEPT_REFS}/${kind}/`.length))) continue
    const commitsAhead = await ahead(commit)
    const merged = commitsAhead === 0
    leftovers.push({
      kind: 'ref',
      name: ref,
      commit,
      merged,
      ahead: commitsAhead,
      why: REF_KINDS[kind] ?? (kind.startsWith('worktree-') ? REF_KINDS.dropped : 'kept by a run'),
      next: merged
        ? 'parallel-worktree clean'
        : `git branch <name> ${ref} (to keep its work), or parallel-worktree clean --discard-unmerged`
    })
  }
  return leftovers
}

/** `1.2 GB`, `340 KB`: a size for a person. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}

/** One line per leftover: what it is, what it holds, why it is there, what to run next. */
export function formatLeftovers(leftovers: readonly Leftover[]): string {
  if (leftovers.length === 0) return 'Nothing left by parallel-worktree in this repository.\n'
  const lines = leftovers.map((item) => {
    const holds = item.merged ? 'merged' : `${item.ahead} commit(s) not in base`
    const size = item.kind === 'worktree' ? `, ${formatBytes(item.bytes ?? 0)}` : ''
    return `${item.kind} ${item.name}: ${holds}${size}; ${item.why}\n    next: ${item.next}`
  })
  return `${lines.join('\n')}\n`
}
