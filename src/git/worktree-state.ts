import { existsSync } from 'node:fs'
import { lstat, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { GitCommandManager } from './git-command-manager.js'
import type { WorktreeLook, WorktreeStatus } from './worktree-status.js'

export type InProgress = 'merge' | 'rebase' | 'cherry-pick' | 'revert'

/** What an agent left in its worktree that must never be committed or merged. */
export interface WorktreeState {
  /** An operation git stopped in the middle of, or null. */
  inProgress: InProgress | null
  /** Paths with unmerged (higher-stage) index entries. */
  unmerged: string[]
  /** Changed files (committed since the start point, or not) holding conflict markers. */
  markers: string[]
}

/** The files in a worktree's git folder that say an operation is stopped half-way. */
const IN_PROGRESS: readonly [string, InProgress][] = [
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert']
]

/** The operation git stopped in the middle of in the worktree here, or null (no scan). */
export async function operationInProgress(
  git: GitCommandManager,
  known?: string
): Promise<InProgress | null> {
  const gitDir = known ?? (await git.run(['rev-parse', '--path-format=absolute', '--git-dir']))
  return IN_PROGRESS.find(([file]) => existsSync(join(gitDir, file)))?.[1] ?? null
}

/** Untracked files larger than this are not read for markers (generated data, binaries). */
const MAX_SCANNED_BYTES = 2 * 1024 * 1024

/**
 * Reads a worktree's state before its work is judged: an operation in progress, unmerged
 * index entries, and conflict markers that the agent added, in its commits since
 * `startPoint` or in files it left uncommitted (untracked ones too). A marker is only counted
 * when a file has both an opening and a closing marker line among what was added, so that a
 * lone `=======` (a reStructuredText heading) is not one. Markers are never the only test of a
 * conflict: the index and the operation files are read too.
 *
 * The worktree is looked at once (`status`, given or asked here); the files changed come from
 * it and from a tree-to-tree diff of the commits; only those files are read, from the disk,
 * and git's diff is asked only about the few that hold both markers (a marker line the
 * start point had already is not the agent's).
 */
export async function readWorktreeState(
  git: GitCommandManager,
  startPoint: string,
  status?: WorktreeStatus | WorktreeLook
): Promise<WorktreeState> {
  const [gitDir, look] = await Promise.all([git.gitDir(), status ?? git.worktreeStatus()])
  const inProgress = IN_PROGRESS.find(([file]) => existsSync(join(gitDir, file)))?.[1] ?? null
  // HEAD unborn (an orphan branch): the index against nothing, all in `changed` already.
  // A look that read the commits since this start point already: git is not asked again.
  const read = 'committed' in look && !(look as WorktreeLook).under ? (look as WorktreeLook) : null
  const committed =
    read?.since === startPoint
      ? read.committed
      : look.head && look.head !== startPoint
        ? await git.pathsChangedBetween(startPoint, look.head)
        : []
  const markers = new Set<string>()
  const toConfirm = new Set<string>()
  await Promise.all([
    ...look.untracked.map(async (path) => {
      if (await markedOnDisk(join(git.cwd, path), 'untracked')) markers.add(path)
    }),
    ...[...new Set([...committed, ...look.changed, ...look.unmerged])].map(async (path) => {
      if (await markedOnDisk(join(git.cwd, path), 'tracked')) toConfirm.add(path)
    })
  ])
  if (toConfirm.size) {
    for (const path of filesWithAddedMarkers(await addedLines(git, startPoint, [...toConfirm]))) {
      markers.add(path)
    }
  }
  return {
    inProgress,
    unmerged: [...new Set(look.unmerged)].sort(),
    markers: [...markers].sort()
  }
}

/**
 * Whether a file may hold a conflict's markers, read from the disk: an untracked one is read
 * whole when not too large; a tracked one is a candidate for the diff (what the agent added)
 * when it holds both markers, or when it is not a plain file of a readable size (a symbolic
 * link, a large file: git's diff says). A missing file holds none.
 */
async function markedOnDisk(file: string, kind: 'tracked' | 'untracked'): Promise<boolean> {
  const info = await lstat(file).catch(() => null)
  if (!info) return false
  if (kind === 'untracked') {
    const plain = await stat(file).catch(() => null)
    if (!plain?.isFile() || plain.size > MAX_SCANNED_BYTES) return false
    return hasMarkers((await readFile(file, 'utf8')).split('\n'))
  }
  if (info.isDirectory()) return false
  if (!info.isFile() || info.size > MAX_SCANNED_BYTES) return true
  return hasMarkers((await readFile(file, 'utf8')).split('\n'))
}

/** The worktree's files against the start point, `--unified=0`, for these paths only. */
function addedLines(git: GitCommandManager, startPoint: string, paths: string[]): Promise<string> {
  return git.run([
    '-c',
    'core.quotePath=false',
    '--literal-pathspecs',
    'diff',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--unified=0',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    startPoint,
    '--',
    ...paths
  ])
}

/** Why a worktree's state forbids committing or merging its work, or null when it does not. */
export function describeWorktreeState(state: WorktreeState): string | null {
  const problems: string[] = []
  if (state.inProgress) problems.push(`a ${state.inProgress} is in progress`)
  if (state.unmerged.length) problems.push(`unmerged paths: ${list(state.unmerged)}`)
  if (state.markers.length) problems.push(`conflict markers in ${list(state.markers)}`)
  return problems.length ? problems.join('; ') : null
}

function list(paths: string[]): string {
  return paths.length > 10
    ? `${paths.slice(0, 10).join(', ')} and ${paths.length - 10} more`
    : paths.join(', ')
}

/** Files of a unified diff (`--unified=0`) whose added lines hold a conflict's markers. */
export function filesWithAddedMarkers(diff: string): string[] {
  const found: string[] = []
  let file: string | null = null
  let added: string[] = []
  const close = (): void => {
    if (file && hasMarkers(added)) found.push(file)
    added = []
  }
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      close()
      file = null
    } else if (line.startsWith('+++ ')) {
      file = line === '+++ /dev/null' ? null : unquote(line.slice(4)).replace(/^b\//, '')
    } else if (line.startsWith('+')) added.push(line.slice(1))
  }
  close()
  return found
}

function hasMarkers(lines: readonly string[]): boolean {
  return lines.some((l) => /^<{7}(?: |$)/.test(l)) && lines.some((l) => /^>{7}(?: |$)/.test(l))
}

/** git quotes a path with unusual characters in C style: "b/a\tb.txt". */
function unquote(path: string): string {
  if (!path.startsWith('"')) return path
  try {
    return JSON.parse(path) as string
  } catch {
    return path.slice(1, -1)
  }
}
