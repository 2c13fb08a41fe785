import { spawn } from 'node:child_process'
import { readFile, rm, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { GitError } from '../core/errors.js'
import { SerialQueue } from '../core/serial-queue.js'
import {
  CREDENTIAL_VARIABLES,
  REPOSITORY_VARIABLES,
  withoutActionSecrets
} from './child-environment.js'
import { CommandConfig } from './command-config.js'
import { branchOfRef, branchRef } from './refs.js'
import { parseWorktreeStatus, type WorktreeLook, type WorktreeStatus } from './worktree-status.js'

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

/** merge-tree --write-tree, which every merge here is made with, came in git 2.38. */
export const MIN_GIT: readonly [number, number] = [2, 38]

/** Used for commits the run makes when the repository has no identity configured. */
export const BOT_IDENTITY = {
  name: 'parallel-worktree',
  email: 'parallel-worktree@users.noreply.github.com'
}

const commonDirs = new Map<string, Promise<string>>()

/**
 * `git worktree add` and `remove`, one at a time in this process, whoever asks (a task's
 * worktree, a verify candidate, a resolve attempt): git races with itself otherwise (an add
 * reads another's half-written .git/worktrees/<name>: "failed to read .../commondir"; or one
 * being removed: "Invalid path"). Only the registration waits: filling the files does not.
 */
const WORKTREE_REGISTRATIONS = new SerialQueue()

/** A fetch over http that stalls below 1 kB/s for a minute gives up rather than hang the job. */
const FETCH_CONFIG = ['-c', 'http.lowSpeedLimit=1000', '-c', 'http.lowSpeedTime=60']

/** What the managers of one run share (`at()` makes them): environment, identity, config. */
interface Shared {
  /** Every git process's environment, before the command-line config of the run. */
  env: NodeJS.ProcessEnv
  /** The user's GitHub credentials, given to a push or fetch only (a helper may read them). */
  credentials: Record<string, string>
  identity: { asked?: Promise<Record<string, string>> }
  config: CommandConfig
  /** Set once extensions.worktreeConfig is known to be on (see enableWorktreeConfig). */
  worktreeConfig?: Promise<void>
}

/**
 * Every git call of the product goes through here: one place for the environment (no
 * prompts, C locale so messages parse, no inherited GIT_DIR, no token but for a push or
 * fetch, no command from the repository's config: see command-config), exit-code handling
 * and errors that say what git said.
 */
export class GitCommandManager {
  private readonly shared: Shared

  constructor(
    readonly cwd: string,
    baseEnv: NodeJS.ProcessEnv = process.env,
    shared?: Shared
  ) {
    if (shared) {
      this.shared = shared
      return
    }
    // What git runs gets neither the action's secrets, nor the user's GitHub token (but for
    // a push or fetch), nor another repository.
    const env: NodeJS.ProcessEnv = withoutActionSecrets(
      baseEnv,
      '',
      new Set([...REPOSITORY_VARIABLES, ...CREDENTIAL_VARIABLES])
    )
    env.GIT_TERMINAL_PROMPT = '0'
    env.GIT_EDITOR = 'true'
    env.GIT_SEQUENCE_EDITOR = 'true'
    env.GIT_PAGER = 'cat'
    env.GIT_MERGE_AUTOEDIT = 'no'
    env.LC_ALL = 'C'
    const credentials: Record<string, string> = {}
    for (const name of CREDENTIAL_VARIABLES) {
      const value = baseEnv[name]
      if (value) credentials[name] = value
    }
    const read = (cwd: string): Promise<string> =>
      this.spawnGit(['config', '--list', '--show-scope', '--show-origin', '-z'], { cwd, env }).then(
        (listed) => listed.stdout
      )
    const count = Number(env.GIT_CONFIG_COUNT) || 0
    this.shared = { env, credentials, identity: {}, config: new CommandConfig(read, cwd, count) }
  }

  /** A manager for another folder (a worktree) with the same environment. */
  at(cwd: string): GitCommandManager {
    return new GitCommandManager(cwd, undefined, this.shared)
  }

  /**
   * The keys of the repository's own config (`.git/config`, shared by every worktree, and
   * what it includes) added, changed or removed since this run's first git call: an agent
   * may have written them.
   */
  sharedConfigChanges(): Promise<string[]> {
    return this.shared.config.changesSinceStart()
  }

  /** A config value read as a path (`~` expanded), or null when it is not set. */
  async configPath(key: string): Promise<string | null> {
    const { stdout, exitCode } = await this.exec(['config', '--path', '--get', key], {
      okExitCodes: [1]
    })
    return exitCode === 0 ? stdout.replace(/\n$/, '') : null
  }

  /** Runs git; throws GitError unless the exit code is 0 or listed in okExitCodes. */
  async exec(args: readonly string[], options: GitExecOptions = {}): Promise<GitOutput> {
    const cwd = options.cwd ?? this.cwd
    const config = await this.shared.config.variables(cwd)
    return this.spawnGit(args, {
      ...options,
      cwd,
      env: { ...this.shared.env, ...config, ...options.env }
    })
  }

  private spawnGit(
    args: readonly string[],
    options: Omit<GitExecOptions, 'env'> & { cwd: string; env: NodeJS.ProcessEnv }
  ): Promise<GitOutput> {
    const ok = options.okExitCodes ?? []
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, {
        cwd: options.cwd,
        env: options.env,
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
    return this.exec(['update-ref', ...reason, ref, to, ...old], {
      cwd: options.cwd,
      okExitCodes: [1, 128]
    })
  }

  /** The refs under `prefix` (such as `refs/parallel-worktree/base/`) with their commits. */
  refsUnder(...prefixes: string[]): Promise<{ ref: string; commit: string }[]> {
    return this.listRefs([], prefixes)
  }

  /** The refs under `prefixes` whose commit `commit` holds (reachable from it): one process. */
  refsHeldBy(commit: string, ...prefixes: string[]): Promise<{ ref: string; commit: string }[]> {
    return this.listRefs([`--merged=${commit}`], prefixes)
  }

  private async listRefs(
    filters: readonly string[],
    prefixes: readonly string[]
  ): Promise<{ ref: string; commit: string }[]> {
    const listed = await this.run([
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      ...filters,
      '--',
      ...prefixes
    ])
    return listed
      .split('\n')
      .filter(Boolean)
      .map((line) => ({
        commit: line.slice(0, line.indexOf(' ')),
        ref: line.slice(line.indexOf(' ') + 1)
      }))
  }

  /**
   * Several ref updates in one transaction (`update-ref --stdin`: all of them or none). `to`
   * null deletes; `from`, when given, is the commit the ref must still point at (null: the ref
   * must not exist yet). No hooks (our mechanics). Throws GitError when the transaction failed.
   */
  async updateRefs(
    updates: readonly { ref: string; to: string | null; from?: string | null }[],
    options: { reason?: string } = {}
  ): Promise<void> {
    if (updates.length === 0) return
    const lines = updates.map(({ ref, to, from }) => {
      if (from === null && to !== null) return `create ${ref} ${to}`
      const old = from === undefined || from === null ? '' : ` ${from}`
      return to === null ? `delete ${ref}${old}` : `update ${ref} ${to}${old}`
    })
    const reason = options.reason ? ['-m', options.reason] : []
    await this.run(['update-ref', ...reason, '--stdin'], { input: `${lines.join('\n')}\n` })
  }

  /** Deletes `ref` only while it still points at `expected`; true when it was deleted. */
  async deleteRef(ref: string, expected: string): Promise<boolean> {
    const { exitCode } = await this.exec(['update-ref', '-d', ref, expected], {
      okExitCodes: [1, 128]
    })
    return exitCode === 0
  }

  /**
   * Deletes every ref of `deletions` in one transaction (`update-ref --stdin`): all of them or
   * none. A ref with an `expected` commit goes only while it still points there; one without
   * goes wherever it is (and a missing one is no error). True when the transaction went through.
   */
  async deleteRefs(deletions: readonly { ref: string; expected?: string }[]): Promise<boolean> {
    if (deletions.length === 0) return true
    const input = deletions
      .map(({ ref, expected }) => `delete ${ref}${expected ? ` ${expected}` : ''}\n`)
      .join('')
    const { exitCode } = await this.exec(['update-ref', '--stdin'], {
      input,
      okExitCodes: [1, 128]
    })
    return exitCode === 0
  }

  /** The commits of those of `refs` that exist (one process for all of them). */
  async refTips(refs: readonly string[]): Promise<Map<string, string>> {
    const tips = new Map<string, string>()
    if (refs.length === 0) return tips
    const wanted = new Set(refs)
    // for-each-ref matches by prefix too: only exact names are kept.
    for (const { ref, commit } of await this.refsUnder(...refs)) {
      if (wanted.has(ref)) tips.set(ref, commit)
    }
    return tips
  }

  /** The branch checked out here, or null on a detached HEAD. */
  async headBranch(): Promise<string | null> {
    const { stdout } = await this.exec(['symbolic-ref', '-q', 'HEAD'], { okExitCodes: [1] })
    const ref = stdout.trim()
    return ref ? branchOfRef(ref) : null
  }

  /**
   * The files, index and HEAD's tree of the checkout here moved from commit `from` to `to` by a
   * two-way `read-tree -m -u` (checkout's own merge: every path checked before one is written;
   * refused when a file it must write has changes). The ref is not moved: see swapRef.
   * Exit code 128 is an answer (refused), with git's reason in stderr.
   */
  moveCheckout(from: string, to: string, cwd?: string): Promise<GitOutput> {
    return this.exec(['read-tree', '-m', '-u', from, to], {
      cwd,
      okExitCodes: [128]
    })
  }

  /**
   * Commits everything the worktree here holds but the files `leaveOut` names (the files
   * worktree-files copied in: never committed, even when the agent staged them). No hooks: the
   * run's commit, not the user's.
   */
  async commitEverything(message: string, leaveOut: readonly string[] = []): Promise<void> {
    // --sparse: in a sparse worktree, what the agent wrote outside the cone is its work too.
    await this.run(['add', '-A', '--sparse', '--', ...allBut(leaveOut)])
    if (leaveOut.length) {
      await this.run([
        'rm',
        '--cached',
        '--sparse',
        '--quiet',
        '--ignore-unmatch',
        '--',
        ...leaveOut.map(literal)
      ])
    }
    await this.run(['commit', '--no-verify', '--quiet', '-m', message], {
      env: await this.identityEnv()
    })
  }

  /**
   * Of these paths, those that a commit reachable from `tip` and not from `base` adds: in the
   * tip's tree or only in its history (added, then deleted), they would reach base with it.
   */
  async pathsAddedSince(base: string, tip: string, paths: readonly string[]): Promise<string[]> {
    if (paths.length === 0) return []
    const listed = await this.run([
      'log',
      '-z',
      '--format=',
      '--name-only',
      '--no-renames',
      '--diff-filter=A',
      `${base}..${tip}`,
      '--',
      ...paths.map(literal)
    ])
    return [
      ...new Set(
        listed
          .split('\0')
          .map((path) => path.trim())
          .filter(Boolean)
      )
    ]
  }

  /**
   * A commit of everything the worktree here holds, as it is on disk (conflict markers and
   * unmerged files too), made through a scratch index so that HEAD, the index and the branch
   * stay as they are. Its parents are HEAD and `otherParents` (a stopped merge's MERGE_HEAD);
   * the paths `leaveOut` names (files worktree-files copied in) are left out.
   */
  async snapshotCommit(
    message: string,
    otherParents: readonly string[],
    leaveOut: readonly string[] = []
  ): Promise<string> {
    const scratch = await this.run([
      'rev-parse',
      '--path-format=absolute',
      '--git-path',
      'parallel-worktree-snapshot.index'
    ])
    const env = { GIT_INDEX_FILE: scratch }
    try {
      await this.run(['read-tree', 'HEAD'], { env })
      // Files the worktree's index marks skip-worktree (outside a sparse checkout's cone) are
      // absent on purpose: kept as HEAD has them, not recorded as deleted.
      const skipped = (await this.run(['ls-files', '-t', '-z']))
        .split('\0')
        .filter((entry) => entry.startsWith('S '))
        .map((entry) => entry.slice(2))
      if (skipped.length) {
        await this.run(['update-index', '-z', '--skip-worktree', '--stdin'], {
          env,
          input: `${skipped.join('\0')}\0`
        })
      }
      await this.run(['add', '-A', '--sparse', '--', ...allBut(leaveOut)], { env })
      const tree = await this.run(['write-tree'], { env })
      return await this.commitTree(tree, ['HEAD', ...otherParents], message)
    } finally {
      await rm(scratch, { force: true })
    }
  }

  /**
   * The git folder of the worktree whose top level is here, absolute: read from its `.git`
   * (a folder, or a worktree's file naming its folder), asked of git otherwise.
   */
  async gitDir(): Promise<string> {
    const dotGit = join(this.cwd, '.git')
    const info = await stat(dotGit).catch(() => null)
    if (info?.isDirectory()) return dotGit
    if (info?.isFile()) {
      const target = /^gitdir: (.+)$/m.exec(await readFile(dotGit, 'utf8'))?.[1]?.trim()
      if (target) return resolve(this.cwd, target)
    }
    return this.run(['rev-parse', '--path-format=absolute', '--git-dir'])
  }

  /** The absolute path of a file in the git folder here (`index`, `index.lock`), per worktree. */
  gitPath(name: string): Promise<string> {
    return this.run(['rev-parse', '--path-format=absolute', '--git-path', name])
  }

  /** Whether the tree HEAD names here holds anything (false on an empty tree). */
  async headTreeHasEntries(): Promise<boolean> {
    return (await this.run(['ls-tree', '--name-only', 'HEAD'])) !== ''
  }

  /** Commits reachable from `tip` and from none of `excluded` (refs or commits). */
  async countCommitsNotIn(tip: string, excluded: readonly string[]): Promise<number> {
    const not = excluded.map((ref) => `^${ref}`)
    return Number(await this.run(['rev-list', '--count', tip, ...not, '--']))
  }

  /** The commits countCommitsNotIn counts, newest first. */
  async commitsNotIn(tip: string, excluded: readonly string[]): Promise<string[]> {
    const not = excluded.map((ref) => `^${ref}`)
    return (await this.run(['rev-list', tip, ...not, '--'])).split('\n').filter(Boolean)
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

  /** Registers a locked worktree of `branch` at `path`, files not checked out yet. */
  async addWorktree(path: string, branch: string, lockReason: string): Promise<void> {
    await WORKTREE_REGISTRATIONS.run(() =>
      this.run([
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
    )
  }

  /**
   * A worktree at `path` with `commit` checked out on a detached HEAD (no branch moves): the
   * registration in line with the others, the files filled beside them.
   */
  async addDetachedWorktree(path: string, commit: string): Promise<void> {
    await WORKTREE_REGISTRATIONS.run(() =>
      this.run(['worktree', 'add', '--quiet', '--detach', '--no-checkout', path, commit])
    )
    await this.at(path).resetHard()
  }

  /** Removes a worktree, locked or dirty; exit code 128 (git would not) is an answer. */
  removeWorktree(path: string): Promise<GitOutput> {
    return WORKTREE_REGISTRATIONS.run(() =>
      this.exec(['worktree', 'remove', '--force', '--force', path], { okExitCodes: [128] })
    )
  }

  /** Unlocks a worktree; one that is not locked (or gone) is no error. */
  async unlockWorktree(path: string): Promise<void> {
    await this.exec(['worktree', 'unlock', path], { okExitCodes: [128] })
  }

  /** Forgets the registrations of worktrees whose folders are gone. */
  async pruneWorktrees(): Promise<void> {
    await this.exec(['worktree', 'prune'])
  }

  /**
   * Moves a worktree's folder and registration to `to`, locked or not (a rename: no file is
   * written), in line with the adds and removals (git reads the other worktrees' folders).
   */
  async moveWorktree(from: string, to: string): Promise<void> {
    await WORKTREE_REGISTRATIONS.run(() =>
      this.run(['worktree', 'move', '--force', '--force', from, to])
    )
  }

  /**
   * HEAD here detached where it is, nothing else touched (index and files stay): its branch is
   * free to be merged, moved or deleted while the worktree waits to be reused.
   */
  async detachHead(reason: string): Promise<void> {
    await this.run(['update-ref', '--no-deref', '-m', reason, 'HEAD', 'HEAD'])
  }

  /** HEAD here names `branch` (files and index are already its tip's: see moveCheckout). */
  async attachHead(branch: string): Promise<void> {
    await this.run(['symbolic-ref', 'HEAD', branchRef(branch)])
  }

  /**
   * Deletes every untracked file here, ignored ones (build output) and nested repositories
   * included, as removing the worktree would: a worktree reused for the next task holds
   * nothing of the previous one.
   */
  async removeUntracked(): Promise<void> {
    await this.run(['clean', '-ffdxq'])
  }

  /**
   * The worktree here checks out only these folders and the root's files (cone mode); its
   * agent can widen it (`git sparse-checkout add <folder>` or `disable`). The setting is the
   * worktree's own (`config.worktree`, see enableWorktreeConfig).
   */
  async sparseCheckout(folders: readonly string[]): Promise<void> {
    await this.enableWorktreeConfig()
    await this.run(['sparse-checkout', 'set', '--cone', '--', ...folders])
  }

  /** Every file of the branch checked out here again (a reused worktree that was sparse). */
  async disableSparseCheckout(): Promise<void> {
    await this.run(['sparse-checkout', 'disable'])
  }

  /** Whether the worktree here checks out only part of the tree. */
  async isSparse(): Promise<boolean> {
    const { stdout } = await this.exec(['config', '--type=bool', '--get', 'core.sparseCheckout'], {
      okExitCodes: [1]
    })
    return stdout.trim() === 'true'
  }

  /**
   * `extensions.worktreeConfig` set in the repository's config (git's own way of giving one
   * worktree settings of its own, which `git sparse-checkout` in a worktree sets itself), once
   * per run before any sparse worktree: two setting it at once would race for `.git/config`'s
   * lock. Recorded as the run's own change: it is not reported as an agent's.
   */
  enableWorktreeConfig(): Promise<void> {
    this.shared.worktreeConfig ??= (async () => {
      this.shared.config.acceptOwnChange('extensions.worktreeconfig', 'true')
      const { stdout } = await this.exec(
        ['config', '--type=bool', '--get', 'extensions.worktreeConfig'],
        { okExitCodes: [1] }
      )
      if (stdout.trim() !== 'true') await this.run(['config', 'extensions.worktreeConfig', 'true'])
    })()
    this.shared.worktreeConfig.catch(() => (this.shared.worktreeConfig = undefined))
    return this.shared.worktreeConfig
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

  /** The commit HEAD names here; throws when there is none (an unborn branch). */
  head(): Promise<string> {
    return this.run(['rev-parse', '--verify', 'HEAD^{commit}'])
  }

  /** The tree of a commit. */
  treeOf(commit: string): Promise<string> {
    return this.run(['rev-parse', '--verify', `${commit}^{tree}`])
  }

  /**
   * The object ids these revisions name (`main^{commit}`, `main^{tree}`), in order, in one
   * call; null when any of them names nothing.
   */
  async resolveAll(revisions: readonly string[]): Promise<string[] | null> {
    const { stdout, exitCode } = await this.exec(['rev-parse', ...revisions], {
      okExitCodes: [128]
    })
    const ids = stdout.split('\n').filter((line) => /^[0-9a-f]{40,64}$/.test(line))
    return exitCode === 0 && ids.length === revisions.length ? ids : null
  }

  /** Commits only `left` holds and commits only `right` holds. */
  async aheadBehind(left: string, right: string): Promise<[number, number]> {
    const counts = await this.run(['rev-list', '--left-right', '--count', `${left}...${right}`])
    const [ahead, behind] = counts.split(/\s+/).map(Number)
    return [ahead, behind]
  }

  /** Creates a branch at `start` that tracks nothing (the user's pull settings stay theirs). */
  async createBranch(branch: string, start: string): Promise<void> {
    await this.run(['branch', '--no-track', '--end-of-options', branch, start])
  }

  /**
   * `status --porcelain` of the worktree here: '' when it holds nothing uncommitted. Without
   * `untracked`, only changes to tracked files count; the paths `leaveOut` names do not count.
   */
  status(options: { untracked?: boolean; leaveOut?: readonly string[] } = {}): Promise<string> {
    const untracked = options.untracked === false ? ['--untracked-files=no'] : []
    const leaveOut = options.leaveOut?.length ? ['--', ...allBut(options.leaveOut)] : []
    return this.run(['status', '--porcelain', ...untracked, ...leaveOut])
  }

  /**
   * The worktree here looked at once: branch, HEAD, changed, unmerged and untracked paths
   * (each untracked file, not its folder), from one `status --porcelain=v2`. With `under`,
   * only at or under those paths (literal): git looks nowhere else.
   */
  async worktreeStatus(under?: readonly string[]): Promise<WorktreeStatus> {
    return parseWorktreeStatus(
      await this.run([
        ...literalPathspecs(under),
        'status',
        '--porcelain=v2',
        '-z',
        '--untracked-files=all',
        '--branch',
        ...pathspecArguments(under)
      ])
    )
  }

  /**
   * worktreeStatus and the files committed since `since` (a tree-to-tree diff to HEAD), asked
   * side by side: what a task's end, its scope check and the check before the next start
   * all need, from two git processes. With `under`, only at or under those paths.
   */
  async worktreeLook(since: string, under?: readonly string[]): Promise<WorktreeLook> {
    const [status, committed] = await Promise.all([
      this.worktreeStatus(under),
      // An unborn HEAD (an orphan branch) has no commits: everything is in the status.
      this.pathsChangedBetween(since, 'HEAD', under).catch(() => null)
    ])
    const sure = committed !== null || status.head === null
    return {
      ...status,
      since,
      ...(under ? { under: [...under] } : {}),
      committed: sure
        ? (committed ?? [])
        : await this.pathsChangedBetween(since, status.head!, under)
    }
  }

  /**
   * The paths whose content differs between two commits' trees (no worktree, no index): one
   * `diff-tree`, renames as a deletion and an addition; with `under`, only at or under those.
   */
  async pathsChangedBetween(
    from: string,
    to: string,
    under?: readonly string[]
  ): Promise<string[]> {
    const out = await this.run([
      ...literalPathspecs(under),
      'diff-tree',
      '-r',
      '-z',
      '--name-only',
      '--no-renames',
      from,
      to,
      ...pathspecArguments(under)
    ])
    return out.split('\0').filter(Boolean)
  }

  /**
   * Whether the worktree here has anything uncommitted (untracked files included), but the
   * paths `leaveOut` names.
   */
  async isDirty(leaveOut: readonly string[] = []): Promise<boolean> {
    return (await this.status({ leaveOut })) !== ''
  }

  /** Files, index and HEAD's branch set to `commit`, as `reset --hard` (a new worktree's fill). */
  async resetHard(commit = 'HEAD'): Promise<void> {
    await this.run(['reset', '--hard', '--quiet', commit])
  }

  /** HEAD's branch moved to `commit` keeping local changes; refused when one would be lost. */
  async resetKeep(commit: string): Promise<void> {
    await this.run(['reset', '--quiet', '--keep', commit])
  }

  /**
   * The untracked files (ignored ones included: an `.env` usually is) that glob patterns
   * match, here or in `cwd`: what worktree-files copies. git walks only where they can match.
   */
  untrackedMatching(globs: readonly string[], cwd?: string): Promise<string[]> {
    if (globs.length === 0) return Promise.resolve([])
    return this.listFiles(
      ['--others'],
      globs.map((glob) => `:(glob)${glob}`),
      { cwd }
    )
  }

  /**
   * `ls-files -z` of the worktree at `cwd` on these pathspecs (`--others` for untracked files),
   * in batches that fit any command line.
   */
  async listFiles(
    flags: readonly string[],
    pathspecs: readonly string[],
    options: { cwd?: string; literal?: boolean } = {}
  ): Promise<string[]> {
    const literal = options.literal ? ['--literal-pathspecs'] : []
    const files: string[] = []
    for (let start = 0; start < pathspecs.length;) {
      let end = start
      for (let length = 0; end < pathspecs.length && (end === start || length < 6000); end++) {
        length += pathspecs[end].length + 1
      }
      const out = await this.run(
        [...literal, 'ls-files', '-z', ...flags, '--', ...pathspecs.slice(start, end)],
        { cwd: options.cwd }
      )
      files.push(...out.split('\0').filter(Boolean))
      start = end
    }
    return files
  }

  /** The files `to` adds and deletes against `from` (renames as both). */
  async addedAndDeleted(
    from: string,
    to: string,
    cwd?: string
  ): Promise<{ added: string[]; deleted: string[] }> {
    const diff = await this.run(
      ['diff-tree', '-r', '-z', '--no-renames', '--name-status', from, to],
      { cwd }
    )
    const fields = diff.split('\0')
    const added: string[] = []
    const deleted: string[] = []
    for (let k = 0; k + 1 < fields.length; k += 2) {
      if (fields[k] === 'A') added.push(fields[k + 1])
      else if (fields[k] === 'D') deleted.push(fields[k + 1])
    }
    return { added, deleted }
  }

  /** Blob id by path of every file of a commit's tree; symlinks and submodules are left out. */
  async treeBlobs(commit: string): Promise<Map<string, string>> {
    const listing = await this.run(['ls-tree', '-r', '-z', '--full-tree', commit])
    const blobs = new Map<string, string>()
    for (const entry of listing.split('\0')) {
      const tab = entry.indexOf('\t')
      if (tab < 0) continue
      const [mode, type, id] = entry.slice(0, tab).split(' ')
      if (type === 'blob' && mode !== '120000') blobs.set(entry.slice(tab + 1), id)
    }
    return blobs
  }

  /**
   * The text of these blobs by id (missing ones are left out) and each one's size in bytes.
   * A blob over `maxBytes` is read only up to its last line within them (`text` is cut,
   * `size` says how much more there was), streamed: a 100 MB file never sits in memory. The
   * sizes come first (`cat-file --batch-check`), then the small blobs in one `--batch`.
   */
  async readBlobs(
    ids: readonly string[],
    maxBytes = Number.POSITIVE_INFINITY
  ): Promise<Map<string, { text: string; size: number }>> {
    const blobs = new Map<string, { text: string; size: number }>()
    if (ids.length === 0) return blobs
    const sizes = new Map<string, number>()
    const check = await this.run(['cat-file', '--batch-check'], { input: `${ids.join('\n')}\n` })
    for (const line of check.split('\n')) {
      const [id, type, size] = line.split(' ')
      if (type === 'blob') sizes.set(id, Number(size))
    }
    const small = ids.filter((id) => (sizes.get(id) ?? Infinity) <= maxBytes)
    if (small.length) {
      const { stdout } = await this.exec(['cat-file', '--batch'], {
        input: `${small.join('\n')}\n`
      })
      for (const [id, text] of splitBatch(stdout, small)) {
        blobs.set(id, { text, size: sizes.get(id) ?? text.length })
      }
    }
    for (const id of ids.filter((id) => (sizes.get(id) ?? 0) > maxBytes)) {
      const head = await this.readHead(['cat-file', 'blob', id], maxBytes)
      // Up to the last whole line: a path cut in two would be a path that is not there.
      const lastLine = head.lastIndexOf(0x0a)
      const text = head.subarray(0, lastLine >= 0 ? lastLine + 1 : head.length).toString('utf8')
      blobs.set(id, { text, size: sizes.get(id) ?? head.length })
    }
    return blobs
  }

  /** The first `maxBytes` of a git command's stdout; git is stopped once they have come. */
  private async readHead(args: readonly string[], maxBytes: number): Promise<Buffer> {
    // The same environment as every other call (see exec): no command of the repository's.
    const env = { ...this.shared.env, ...(await this.shared.config.variables(this.cwd)) }
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, {
        cwd: this.cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      const chunks: Buffer[] = []
      let length = 0
      let err = ''
      child.stdout.on('data', (chunk: Buffer) => {
        if (length >= maxBytes) return
        chunks.push(chunk.subarray(0, maxBytes - length))
        length += Math.min(chunk.length, maxBytes - length)
        if (length >= maxBytes) child.kill()
      })
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
      child.on('error', (error) => reject(new GitError(args, -1, error.message)))
      child.on('close', (code) => {
        if (length >= maxBytes || code === 0) resolve(Buffer.concat(chunks))
        else reject(new GitError(args, code ?? -1, err))
      })
    })
  }

  /**
   * A commit of `tree` with these parents, made in the object store only (no ref moves, no
   * hooks), with the run's identity when the repository has none.
   */
  async commitTree(tree: string, parents: readonly string[], message: string): Promise<string> {
    return this.run(
      ['commit-tree', tree, ...parents.flatMap((parent) => ['-p', parent]), '-m', message],
      { env: await this.identityEnv() }
    )
  }

  /**
   * `merge-tree --write-tree --name-only -z` of two commits, made in the object store only:
   * its output and whether the merge is clean (exit code 1 is conflicts, an answer).
   */
  async mergeTree(ours: string, theirs: string): Promise<{ output: string; clean: boolean }> {
    const { stdout, exitCode } = await this.exec(
      ['merge-tree', '--write-tree', '--name-only', '-z', ours, theirs],
      { okExitCodes: [1] }
    )
    return { output: stdout, clean: exitCode === 0 }
  }

  /** The names of the remotes. */
  async remotes(): Promise<string[]> {
    return (await this.run(['remote'])).split('\n').filter(Boolean)
  }

  /** The branches a remote has, asked of the remote itself (`ls-remote --heads`). */
  async remoteBranches(remote: string): Promise<Set<string>> {
    const listing = await this.run(['ls-remote', '--heads', remote], {
      env: this.shared.credentials
    })
    return new Set(
      listing
        .split('\n')
        .map((line) => line.split('\t')[1] ?? '')
        .filter(Boolean)
        .map((ref) => branchOfRef(ref))
    )
  }

  /**
   * Fetches refspecs from a remote without tags or submodules, never prompting (ssh in batch
   * mode; a stalled transfer gives up after a minute). Exit codes 1 and 128 (the remote has
   * no such ref, cannot be reached) are answers: see exitCode and stderr.
   */
  fetch(remote: string, refspecs: readonly string[]): Promise<GitOutput> {
    return this.exec(
      [
        ...FETCH_CONFIG,
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-recurse-submodules',
        remote,
        ...refspecs
      ],
      {
        okExitCodes: [1, 128],
        env: {
          ...this.shared.credentials,
          GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND || 'ssh -o BatchMode=yes'
        }
      }
    )
  }

  /**
   * `push --porcelain` of refspecs to a remote, without submodules. Exit codes 1 and 128 (a
   * ref refused, the remote unreachable) are answers: the porcelain lines say which.
   */
  push(remote: string, refspecs: readonly string[]): Promise<GitOutput> {
    return this.exec(['push', '--porcelain', '--no-recurse-submodules', remote, ...refspecs], {
      okExitCodes: [1, 128],
      env: this.shared.credentials
    })
  }

  /** Deletes branches on a remote; exit code 1 (some were not there) is an answer. */
  deleteRemoteBranches(remote: string, branches: readonly string[]): Promise<GitOutput> {
    return this.exec(['push', remote, '--delete', ...branches], {
      okExitCodes: [1],
      env: this.shared.credentials
    })
  }

  /**
   * Author and committer variables for commits the run makes, when the repository has no
   * identity of its own (a fresh runner has none; `git commit` would refuse).
   */
  identityEnv(): Promise<Record<string, string>> {
    // Asked once per repository: a run's commits all get the same answer.
    this.shared.identity.asked ??= this.readIdentity()
    return this.shared.identity.asked
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

/** A pathspec that matches exactly this path (no glob, no magic). */
function literal(path: string): string {
  return `:(literal)${path}`
}

/** Pathspecs for the whole worktree but these paths. */
function allBut(paths: readonly string[]): string[] {
  return ['.', ...paths.map((path) => `:(exclude,literal)${path}`)]
}

/**
 * Splits `cat-file --batch` output (`<id> blob <size>\n<content>\n` per object) by the
 * headers we expect, in order. The sizes are in bytes while the output arrived decoded as
 * text, where a byte that is not UTF-8 changes length; finding the next expected header
 * instead of counting bytes is immune to that.
 */
function splitBatch(output: string, ids: readonly string[]): Map<string, string> {
  const contents = new Map<string, string>()
  let position = 0
  for (let index = 0; index < ids.length; index += 1) {
    const headerStart = output.indexOf(`${ids[index]} `, position)
    if (headerStart < 0) break
    const headerEnd = output.indexOf('\n', headerStart)
    if (headerEnd < 0) break
    if (output.slice(headerStart, headerEnd).endsWith(' missing')) {
      position = headerEnd + 1
      continue
    }
    const next = index + 1 < ids.length ? output.indexOf(`\n${ids[index + 1]} `, headerEnd + 1) : -1
    const end = next >= 0 ? next : output.length - 1
    contents.set(ids[index], output.slice(headerEnd + 1, end))
    position = end + 1
  }
  return contents
}

/** `--literal-pathspecs` when paths are given: a path is the path, never a pattern. */
function literalPathspecs(under?: readonly string[]): string[] {
  return under ? ['--literal-pathspecs'] : []
}

/** `-- <paths>` when paths are given. */
function pathspecArguments(under?: readonly string[]): string[] {
  return under ? ['--', ...under] : []
}
