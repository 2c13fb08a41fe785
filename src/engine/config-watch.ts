import type { GitCommandManager } from '../git/git-command-manager.js'

/**
 * The warning naming what changed in the repository's own config during the run: every
 * worktree shares `.git/config`, so an agent can write there (a hook folder, a filter, a
 * remote's URL). The run's own git ran no command from it (see git/command-config); the
 * user's git, after the run, would. None when nothing changed.
 */
export async function sharedConfigWarnings(git: GitCommandManager): Promise<string[]> {
  const changes = await git.sharedConfigChanges().catch(() => [])
  if (changes.length === 0) return []
  const shown = changes.slice(0, 10).join(', ') + (changes.length > 10 ? ', …' : '')
  return [
    `the repository's shared config (.git/config, which every worktree reads) changed during the run: ${shown}; an agent may have written it. The run's own git ran no command from it, but your git will: look with git config --local --list --show-origin and undo what you did not do`
  ]
}
