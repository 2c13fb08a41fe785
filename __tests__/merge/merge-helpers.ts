import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { memoryLogger as keepingLogger, type MemoryLogger } from '../helpers/logger.js'
import { git } from '../helpers/temp-repo.js'

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Agent',
  GIT_AUTHOR_EMAIL: 'agent@example.com',
  GIT_COMMITTER_NAME: 'Agent',
  GIT_COMMITTER_EMAIL: 'agent@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  LC_ALL: 'C'
}

function plumb(repo: string, args: string[], env: NodeJS.ProcessEnv, input?: Buffer | string) {
  return execFileSync('git', args, { cwd: repo, env, input, encoding: 'utf8' }).trim()
}

/**
 * An agent's commit on `branch` (created from `from`, or moved on from its own tip) made with
 * a private index: no checkout is touched. `null` deletes a file.
 */
export function commitFiles(
  repo: string,
  branch: string,
  files: Record<string, string | Buffer | null>,
  { from, message = `work on ${branch}` }: { from?: string; message?: string } = {}
): string {
  const parent = from
    ? git(repo, 'rev-parse', from)
    : git(repo, 'rev-parse', `refs/heads/${branch}`)
  const index = join(git(repo, 'rev-parse', '--absolute-git-dir'), `test-index-${process.pid}`)
  const env = { ...ENV, GIT_INDEX_FILE: index }
  try {
    plumb(repo, ['read-tree', parent], env)
    for (const [path, content] of Object.entries(files)) {
      if (content === null) {
        plumb(repo, ['update-index', '--force-remove', '--', path], env)
      } else {
        const blob = plumb(repo, ['hash-object', '-w', '--stdin'], env, content)
        plumb(repo, ['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], env)
      }
    }
    const tree = plumb(repo, ['write-tree'], env)
    const commit = plumb(repo, ['commit-tree', tree, '-p', parent, '-m', message], env)
    plumb(repo, ['update-ref', `refs/heads/${branch}`, commit], env)
    return commit
  } finally {
    rmSync(index, { force: true })
  }
}

/** Everything a user could see of a checkout: refs, index, status, files, in-progress state. */
export function checkoutState(dir: string): Record<string, unknown> {
  const gitDir = git(dir, 'rev-parse', '--absolute-git-dir')
  return {
    head: git(dir, 'rev-parse', 'HEAD'),
    symbolicHead: git(dir, 'symbolic-ref', '-q', 'HEAD'),
    index: git(dir, 'ls-files', '--stage'),
    status: git(dir, 'status', '--porcelain=v1', '--untracked-files=all', '--ignored'),
    mergeState: ['MERGE_HEAD', 'MERGE_MSG', 'AUTO_MERGE', 'ORIG_HEAD'].filter((f) =>
      existsSync(join(gitDir, f))
    ),
    files: readTree(dir)
  }
}

function readTree(root: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === '.git') continue
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else files[relative(root, path)] = readFileSync(path).toString('base64')
    }
  }
  walk(root)
  return files
}

export function parents(repo: string, commit: string): string[] {
  return git(repo, 'rev-list', '--parents', '-n', '1', commit).split(' ').slice(1)
}

export function messageOf(repo: string, commit: string): string {
  return git(repo, 'log', '-1', '--format=%B', commit)
}

export function tipOf(repo: string, branch: string): string | null {
  try {
    return git(repo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`)
  } catch {
    return null
  }
}

/** The commits that none of the branches reaches (empty when nothing is lost). */
export function unreachable(repo: string, commits: string[], branches: string[]): string[] {
  const refs = branches.map((b) => `refs/heads/${b}`).filter((r) => tipOf(repo, r.slice(11)))
  const reachable = new Set(git(repo, 'rev-list', ...refs).split('\n'))
  return commits.filter((c) => !reachable.has(c))
}

export type { MemoryLogger } from '../helpers/logger.js'

/** Every line kept with its level, debug lines too, a group as its title and body. */
export function memoryLogger(): MemoryLogger {
  return keepingLogger({ levels: true, debug: true, groupBodies: true })
}

export function manager(repo: string): GitCommandManager {
  return new GitCommandManager(repo)
}
