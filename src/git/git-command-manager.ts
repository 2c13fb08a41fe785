import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { devNull } from 'node:os'
import { GitError } from '../core/errors.js'
import { REPOSITORY_VARIABLES, withoutActionSecrets } from './child-environment.js'
import { branchOfRef, branchRef } from './refs.js'

export interface GitOutput {
  stdout: string
  stderr: string
  exitCode: number
}

export interface GitExecOptions {
  /** Folder to run in; defaults to the manager's. */
  cwd?: string
  /** Exit codes that are answers rather than failures (merge-tree: 1 = conflicts). */
  okExitCodes?: readonly number[]
  /** Written to git's stdin. */
  input?: string
  /** Added to the environment of this call only. */
  env?: Record<string, string>
}

/**
 * Put before the calls that move refs for the run (update-ref runs reference-transaction):
 * they are our mechanics, not the user's commands, and a versioned hooks folder (`.husky/`)
 * may hold files an agent just wrote, which would run with this process's environment.
 */
export const WITHOUT_HOOKS: readonly string[] = ['-c', `core.hooksPath=${devNull}`]

/** merge-tree --write-tree, which every merge here is made with, came in git 2.38. */
export const MIN_GIT: readonly [number, number] = [2, 38]

/** Used for commits the run makes when the repository has no identity configured. */
export const BOT_IDENTITY = {
  name: 'parallel-worktree',
  email: 'parallel-worktree@users.noreply.github.com'
}

const commonDirs = new Map<string, Promise<string>>()

/**
 * Every git call of the product goes through here: one place for the environment (no
 * prompts, C locale so messages parse, no inherited GIT_DIR), exit-code handling and errors
 * that say what git said.
 */
export class GitCommandManager {
  private readonly env: NodeJS.ProcessEnv
  /** Shared with the managers `at()` makes: one repository, one identity. */
  private readonly identity: { asked?: Promise<Record<string, string>> }

  constructor(
    readonly cwd: string,
    baseEnv: NodeJS.ProcessEnv = process.env,
    identity: { asked?: Promise<Record<string, string>> } = {}
  ) {
    this.identity = identity
    // Hooks and filters git runs get neither the action's secrets nor another repository.
    const env: NodeJS.ProcessEnv = withoutActionSecrets(baseEnv, '', REPOSITORY_VARIABLES)
    env.GIT_TERMINAL_PROMPT = '0'
    env.GIT_EDITOR = 'true'
    env.GIT_MERGE_AUTOEDIT = 'no'
    env.LC_ALL = 'C'
    this.env = env
  }

  /** A manager for another folder (a worktree) with the same environment. */
  at(cwd: string): GitCommandManager {
    return new GitCommandManager(cwd, this.env, this.identity)
  }

  /** Runs git; throws GitError unless the exit code is 0 or listed in okExitCodes. */
  exec(args: readonly string[], options: GitExecOptions = {}): Promise<GitOutput> {
    const ok = options.okExitCodes ?? []
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, {
        cwd: options.cwd ?? this.cwd,
        env: options.env ? { ...this.env, ...options.env } : this.env,
        stdio: ['pipe', 'pipe', 'pipe']
      })
      const out: Buffer[] = []
      const err: Buffer[] = []
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
      child.on('error', (error) => reject(new GitError(args, -1, error.message)))
      child.on('close', (code) => {
        const result = {
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          exitCode: code ?? -1
        }
        if (result.exitCode === 0 || ok.includes(result.exitCode)) resolve(result)
        else reject(new GitError(args, result.exitCode, result.stderr || result.stdout))
      })
      child.stdin.on('error', () => {}) // git may exit before reading all input
      child.stdin.end(options.input ?? '')
    })
  }

  /** stdout of a successful call, trailing newline removed. */
  async run(args: readonly string[], options: GitExecOptions = {}): Promise<string> {
    const { stdout } = await this.exec(args, options)
    return stdout.replace(/\n$/, '')
  }

  /** The commit id a ref names, or null when it names nothing. */
  async resolveCommit(ref: string): Promise<string | null> {
    const { stdout, exitCode } = await this.exec(
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
      { okExitCodes: [1, 128] }
    )
    return exitCode === 0 ? stdout.trim() : null
  }

  /** The commit a branch points at, or null when there is no such branch. */
  branchTip(branch: string): Promise<string | null> {
    return this.resolveCommit(branchRef(branch))
  }

  /** The commit a branch points at; throws GitError when there is no such branch. */
  async requireBranchTip(branch: string): Promise<string> {
    return this.run(['rev-parse', '--verify', '--end-of-options', `${branchRef(branch)}^{commit}`])
  }

  async branchExists(branch: string): Promise<boolean> {
    return (await this.branchTip(branch)) !== null
  }

  /**
   * A compare-and-swap: `ref` moves to `to` only while it still points at `expected` (null:
   * only while it does not exist; undefined: wherever it is). No hooks (our mechanics).
   * Returns git's answer: exit code 0 when it moved, otherwise what git said.
   */
  swapRef(
    ref: string,
    to: string,
    expected: string | null | undefined,
    options: { reason?: string; cwd?: string } = {}
  ): Promise<GitOutput> {
    const reason = options.reason ? ['-m', options.reason] : []
    const old = expected === undefined ? [] : [expected ?? '']
    return this.exec([...WITHOUT_HOOKS, 'update-ref', ...reason, ref, to, ...old], {
      cwd: options.cwd,
      okExitCodes: [1, 128]
    })
  }

  /** The refs under `prefix` (such as `refs/parallel-worktree/base/`) with their commits. */
  async refsUnder(prefix: string): Promise<{ ref: string; commit: string }[]> {
    const listed = await this.run(['for-each-ref', '--format=%(objectname) %(refname)', prefix])
    return listed
      .split('\n')
      .filter(Boolean)
      .map((line) => ({
        commit: line.slice(0, line.indexOf(' ')),
        ref: line.slice(line.indexOf(' ') + 1)
      }))
  }

  /** Deletes `ref` only while it still points at `expected`; true when it was deleted. */
  async deleteRef(ref: string, expected: string): Promise<boolean> {
    const { exitCode } = await this.exec([...WITHOUT_HOOKS, 'update-ref', '-d', ref, expected], {
      okExitCodes: [1, 128]
    })
    return exitCode === 0
  }

  /** The branch checked out here, or null on a detached HEAD. */
  async headBranch(): Promise<string | null> {
    const { stdout } = await this.exec(['symbolic-ref', '-q', 'HEAD'], { okExitCodes: [1] })
    const ref = stdout.trim()
    return ref ? branchOfRef(ref) : null
  }

  /** Whether the worktree here has anything uncommitted (untracked files included). */
  async isDirty(): Promise<boolean> {
    return (await this.run(['status', '--porcelain'])) !== ''
  }

  /**
   * The files, index and HEAD's tree of the checkout here moved from commit `from` to `to` by a
   * two-way `read-tree -m -u` (checkout's own merge: every path checked before one is written;
   * refused when a file it must write has changes). The ref is not moved: see swapRef.
   * Exit code 128 is an answer (refused), with git's reason in stderr.
   */
  moveCheckout(from: string, to: string, cwd?: string): Promise<GitOutput> {
    return this.exec([...WITHOUT_HOOKS, 'read-tree', '-m', '-u', from, to], {
      cwd,
      okExitCodes: [128]
    })
  }

  /** Commits everything the worktree here holds (no hooks: the run's commit, not the user's). */
  async commitEverything(message: string): Promise<void> {
    await this.run(['add', '-A'])
    await this.run(['commit', '--no-verify', '--quiet', '-m', message], {
      env: await this.identityEnv()
    })
  }

  /**
   * A commit of everything the worktree here holds, as it is on disk (conflict markers and
   * unmerged files too), made through a scratch index so that HEAD, the index and the branch
   * stay as they are. Its parents are HEAD and `otherParents` (a stopped merge's MERGE_HEAD).
   */
  async snapshotCommit(message: string, otherParents: readonly string[]): Promise<string> {
    const scratch = await this.run([
      'rev-parse',
      '--path-format=absolute',
      '--git-path',
      'parallel-worktree-snapshot.index'
    ])
    const env = { GIT_INDEX_FILE: scratch }
    try {
      await this.run(['read-tree', 'HEAD'], { env })
      await this.run(['add', '-A', '--', '.'], { env })
      const tree = await this.run(['write-tree'], { env })
      const parents = ['HEAD', ...otherParents].flatMap((parent) => ['-p', parent])
      return await this.run(['commit-tree', tree, ...parents, '-m', message], {
        env: await this.identityEnv()
      })
    } finally {
      await rm(scratch, { force: true })
    }
  }

  /** Commits reachable from `tip` and from none of `excluded` (refs or commits). */
  async countCommitsNotIn(tip: string, excluded: readonly string[]): Promise<number> {
    const not = excluded.map((ref) => `^${ref}`)
    return Number(await this.run(['rev-list', '--count', tip, ...not, '--']))
  }

  /** Commits of the HEAD here that no branch holds (a detached HEAD's own work). */
  async commitsOnNoBranch(): Promise<number> {
    return Number(await this.run(['rev-list', '--count', 'HEAD', '--not', '--branches']))
  }

  /**
   * The repository's common git folder, absolute (the same for every worktree). Asked once
   * per folder: it does not change.
   */
  commonDir(): Promise<string> {
    let dir = commonDirs.get(this.cwd)
    if (!dir) {
      dir = this.run(['rev-parse', '--path-format=absolute', '--git-common-dir'])
      dir.catch(() => commonDirs.delete(this.cwd))
      commonDirs.set(this.cwd, dir)
    }
    return dir
  }

  /** Points a branch at a commit, creating it or moving it wherever it is (no hooks). */
  async setBranch(branch: string, to: string, reason: string): Promise<void> {
    await this.run([...WITHOUT_HOOKS, 'update-ref', '-m', reason, branchRef(branch), to])
  }

  /** Registers a locked worktree of `branch` at `path`, files not checked out yet. */
  async addWorktree(path: string, branch: string, lockReason: string): Promise<void> {
    await this.run([
      'worktree',
      'add',
      '--quiet',
      '--no-checkout',
      '--lock',
      '--reason',
      lockReason,
      path,
      branch
    ])
  }

  /** Removes a worktree, locked or dirty; exit code 128 (git would not) is an answer. */
  removeWorktree(path: string): Promise<GitOutput> {
    return this.exec(['worktree', 'remove', '--force', '--force', path], { okExitCodes: [128] })
  }

  /** Unlocks a worktree; one that is not locked (or gone) is no error. */
  async unlockWorktree(path: string): Promise<void> {
    await this.exec(['worktree', 'unlock', path], { okExitCodes: [128] })
  }

  /** Forgets the registrations of worktrees whose folders are gone. */
  async pruneWorktrees(): Promise<void> {
    await this.exec(['worktree', 'prune'])
  }

  /** Commits reachable from `to` but not from `from`. */
  async countCommits(from: string, to: string): Promise<number> {
    return Number(await this.run(['rev-list', '--count', `${from}..${to}`]))
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const { exitCode } = await this.exec(['merge-base', '--is-ancestor', ancestor, descendant], {
      okExitCodes: [1]
    })
    return exitCode === 0
  }

  /** git's version as [major, minor, patch]. */
  async version(): Promise<[number, number, number]> {
    const text = await this.run(['version'])
    const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text)
    if (!match) throw new GitError(['version'], 0, `cannot read a version from "${text}"`)
    return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)]
  }

  /**
   * Why this git cannot serve the product, or null when it can: `merge-tree --write-tree`
   * (2.38) for every merge; `worktree list --porcelain -z` (2.36) and `rev-parse
   * --path-format` (2.31) come before it. Preflight refuses with it (exit 2); the merge
   * engine asks it too, for when it is used on its own (the library, the bench).
   */
  async versionProblem(): Promise<string | null> {
    const version = await this.version()
    const [major, minor] = MIN_GIT
    if (version[0] > major || (version[0] === major && version[1] >= minor)) return null
    return `git ${version.join('.')} is too old for this product: merges need git ${major}.${minor} or newer (merge-tree --write-tree)`
  }

  /** The repository's top-level folder, or null when cwd is not in a work tree. */
  async topLevel(): Promise<string | null> {
    const { stdout, exitCode } = await this.exec(['rev-parse', '--show-toplevel'], {
      okExitCodes: [128]
    })
    return exitCode === 0 ? stdout.trim() : null
  }

  /**
   * Author and committer variables for commits the run makes, when the repository has no
   * identity of its own (a fresh runner has none; `git commit` would refuse).
   */
  identityEnv(): Promise<Record<string, string>> {
    // Asked once per repository: a run's commits all get the same answer.
    this.identity.asked ??= this.readIdentity()
    return this.identity.asked
  }

  private async readIdentity(): Promise<Record<string, string>> {
    const [ident, configured] = await Promise.all([
      this.exec(['var', 'GIT_COMMITTER_IDENT'], { okExitCodes: [128] }),
      this.exec(['config', 'user.email'], { okExitCodes: [1] })
    ])
    if (ident.exitCode === 0 && configured.stdout.trim()) return {}
    return {
      GIT_AUTHOR_NAME: BOT_IDENTITY.name,
      GIT_AUTHOR_EMAIL: BOT_IDENTITY.email,
      GIT_COMMITTER_NAME: BOT_IDENTITY.name,
      GIT_COMMITTER_EMAIL: BOT_IDENTITY.email
    }
  }
}
