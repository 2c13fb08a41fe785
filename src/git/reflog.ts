import { existsSync } from 'node:fs'
import { lstat, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { GitCommandManager } from './git-command-manager.js'

/** An entry's line in a reflog file: `<old> <new> <committer> <time> <zone>\t<message>`. */
const ENTRY = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) /
const NULL_ID = /^0+$/

/**
 * The commits a reflog's entries point at, newest first (what `git reflog show --format=%H`
 * lists); none when there is no such log. `log` is `HEAD` (the worktree's own) or a ref name.
 *
 * Read from the log's file when the repository keeps its refs as files (the format `git
 * update-ref` documents under "Logging updates"): a task's end reads two reflogs and a
 * branch's deletion one, and a git process for each was a tenth of a task's git calls. A
 * repository on another ref store (reftable), or a log the file does not answer for, is asked
 * of git.
 */
export async function reflogCommits(git: GitCommandManager, log: string): Promise<string[]> {
  const file = await reflogFile(git, log).catch(() => null)
  if (file) {
    const text = await readLogFile(file)
    if (text !== null) return parseReflog(text)
  }
  const listed = await git.exec(['reflog', 'show', '--format=%H', log, '--'], {
    okExitCodes: [128]
  })
  return listed.exitCode === 0 ? listed.stdout.split('\n').filter(Boolean) : []
}

/** Beyond this size a log is left to git (which reads it from its end). */
const MAX_READ_BYTES = 32 * 1024 * 1024

/**
 * A log file's text; '' when there is none, or when it is not a plain file: an agent can write
 * the git folders, and a log made a link to `/dev/zero` or a pipe never ends a read (git's
 * own `reflog show` hangs on it too), so such a log holds nothing to keep. Null when it is
 * too large to read here: git is asked then.
 */
async function readLogFile(file: string): Promise<string | null> {
  const info = await lstat(file).catch(() => null)
  if (!info?.isFile()) return ''
  if (info.size > MAX_READ_BYTES) return null
  return readFile(file, 'utf8').catch(() => null)
}

/** The new commit of each entry, newest first (entries that delete the ref point at none). */
export function parseReflog(text: string): string[] {
  const commits: string[] = []
  for (const line of text.split('\n')) {
    const entry = ENTRY.exec(line)
    if (entry && !NULL_ID.test(entry[2])) commits.push(entry[2])
  }
  return commits.reverse()
}

/**
 * Where git keeps `log` as a file: `HEAD` in the worktree's own git folder, refs in the
 * common one. Null when the refs are not kept as files (reftable) or the name is not one
 * whose place is certain.
 */
async function reflogFile(git: GitCommandManager, log: string): Promise<string | null> {
  if (log !== 'HEAD' && !/^refs\/heads\/[^\0]+$/.test(log)) return null
  if (log.split('/').some((part) => part === '..' || part === '.' || part === '')) return null
  const gitDir = await git.gitDir()
  const common = await readFile(join(gitDir, 'commondir'), 'utf8').then(
    (text) => resolve(gitDir, text.trim()),
    () => gitDir
  )
  if (existsSync(join(common, 'reftable'))) return null
  return log === 'HEAD' ? join(gitDir, 'logs', 'HEAD') : join(common, 'logs', log)
}
