import { readFile, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { GitCommandManager } from '../git/git-command-manager.js'

/**
 * The copies worktree-files made (an `.env`) are untracked files of the worktree, which an
 * agent's `git add -A` would commit, and a branch holding one is never merged. Agents'
 * git processes are therefore given, in their environment (GIT_CONFIG_COUNT, read after every
 * config file), an excludes file that lists those paths after the user's own global excludes,
 * which it stands in for. Nothing of the repository is written (its `info/exclude` is shared
 * by every worktree and the user's checkout); `git add -f` still takes them, and the merge
 * then refuses the branch.
 */
export async function copiedFilesExclusion(
  git: GitCommandManager,
  env: NodeJS.ProcessEnv,
  file: string,
  copied: readonly string[]
): Promise<Record<string, string>> {
  if (copied.length === 0) return {}
  const own = await usersExcludes(git, env)
  const lines = [
    own.trimEnd(),
    '# parallel-worktree: the files worktree-files copied into this worktree',
    ...copied.map(anchoredPattern)
  ].filter(Boolean)
  await writeFile(file, `${lines.join('\n')}\n`)
  const count = Number(env.GIT_CONFIG_COUNT) || 0
  return {
    GIT_CONFIG_COUNT: String(count + 1),
    [`GIT_CONFIG_KEY_${count}`]: 'core.excludesFile',
    [`GIT_CONFIG_VALUE_${count}`]: file
  }
}

/** The user's global excludes: core.excludesFile, or git's default `<config>/git/ignore`. */
async function usersExcludes(git: GitCommandManager, env: NodeJS.ProcessEnv): Promise<string> {
  const configured = await git.configPath('core.excludesFile')
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
  const path = configured ?? join(configHome, 'git', 'ignore')
  return readFile(path, 'utf8').catch(() => '')
}

/** A gitignore pattern that matches exactly this path from the worktree's root. */
function anchoredPattern(path: string): string {
  const escaped = path.replace(/[\\*?[\]!#]/g, (char) => `\\${char}`).replace(/ $/, '\\ ')
  return `/${escaped}`
}
