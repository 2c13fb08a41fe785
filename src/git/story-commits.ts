import type { GitCommandManager } from './git-command-manager.js'

/** A commit of base's history whose message names a story or a priority, and what it changed. */
export interface StoryCommit {
  commit: string
  /** The whole message. */
  message: string
  /** The files it changed (against its first parent; none for a merge). */
  files: string[]
}

/** The newest commits read: a story's phases land in recent history, not years back. */
const MAX_COMMITS = 2000

/**
 * The commits reachable from `commit` whose message matches `pattern` (an extended regular
 * expression, case-insensitive: every story and priority sought at once), newest first, with
 * the files each changed. One `git log` for the whole plan, whatever the number of priorities.
 */
export async function commitsNaming(
  git: GitCommandManager,
  commit: string,
  pattern: string
): Promise<StoryCommit[]> {
  const listed = await git.exec(
    [
      'log',
      '--no-show-signature',
      '--no-renames',
      '--extended-regexp',
      '--regexp-ignore-case',
      `--grep=${pattern}`,
      `--max-count=${MAX_COMMITS}`,
      '--format=%x01%H%x02%B%x02',
      '--name-only',
      '-z',
      commit,
      '--'
    ],
    { okExitCodes: [128] }
  )
  if (listed.exitCode !== 0) return []
  const commits: StoryCommit[] = []
  for (const record of listed.stdout.split('\x01')) {
    const [id, message, names] = record.split('\x02')
    if (!id || message === undefined) continue
    commits.push({
      commit: id.trim(),
      message: message.trim(),
      files: (names ?? '')
        .split('\0')
        .map((name) => name.replace(/^\n+/, ''))
        .filter(Boolean)
    })
  }
  return commits
}
