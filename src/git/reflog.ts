import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
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
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? '' : null
    )
    if (text !== null) return parseReflog(text)
  }
  const listed = await git.exec(['reflog', 'show', '--format=%H', log, '--'], {
    okExitCodes: [128]
  })
  return listed.exitCode === 0 ? listed.stdout.split('\n').filter(Boolean) : []
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
