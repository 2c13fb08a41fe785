import '../core/dispose-polyfill.js'
import { existsSync } from 'node:fs'
import { InputError } from '../core/errors.js'
import { GitCommandManager } from '../git/git-command-manager.js'
import { branchRef, originRef } from '../git/refs.js'
import type { Logger } from '../core/logger.js'
import { acquireRunLock } from './run-lock.js'
import { recoverAbandonedWorktrees } from './abandoned-runs.js'
import { startWatchdog } from '../run/watchdog.js'
import type { Settings } from '../core/types.js'

export interface Preflight {
  /** The manager for the repository's top-level folder. */
  git: GitCommandManager
  /** Where the base branch is read from: refs/heads/<base>, or origin's copy in plan mode. */
  baseRef: string
}

/**
 * The checks that refuse a run before anything is touched (exit 2): git recent enough, a
 * repository, a base branch. A fresh CI checkout often has the base only as origin/<base>:
 * modes that change the repository create the local branch from it; plan mode reads origin's.
 */
export async function preflight(
  repo: string,
  baseBranch: string,
  options: {
    env?: NodeJS.ProcessEnv
    createBase: boolean
    logger?: Logger
    /** More refusals, run once the repository is known and before anything changes. */
    beforeChanges?: (git: GitCommandManager) => Promise<void>
  }
): Promise<Preflight> {
  if (!existsSync(repo)) throw new InputError(`${repo} does not exist`)
  const probe = new GitCommandManager(repo, options.env ?? process.env)
  let tooOld: string | null
  try {
    tooOld = await probe.versionProblem()
  } catch (error) {
    throw new InputError(`git is not available: ${(error as Error).message}`)
  }
  if (tooOld) throw new InputError(tooOld)
  const top = await probe.topLevel().catch(() => null)
  if (!top) {
    throw new InputError(
      `${repo} is not inside a git work tree. ` +
        ((options.env ?? process.env).GITHUB_ACTIONS === 'true'
          ? 'Check the repository out first: a step with uses: actions/checkout@v5 and fetch-depth: 0, before this one.'
          : 'Run it in a clone of your repository, or name one with --repo.')
    )
  }
  const git = probe.at(top)
  const local = branchRef(baseBranch)
  const localTip = await git.resolveCommit(local)
  if (localTip) {
    await options.beforeChanges?.(git)
    return { git, baseRef: local }
  }

  const remote = originRef(baseBranch)
  const remoteTip = await git.resolveCommit(remote)
  if (!remoteTip) {
    throw new InputError(
      `base-branch: the branch "${baseBranch}" exists neither in ${top} nor as origin/${baseBranch}; create it (git branch ${baseBranch}) or fetch it (actions/checkout with fetch-depth: 0)`
    )
  }
  await options.beforeChanges?.(git)
  if (!options.createBase) return { git, baseRef: remote }
  // beforeChanges may have fetched it (fetch-base): the branch starts from what origin has now.
  await git.createBranch(baseBranch, (await git.resolveCommit(remote)) ?? remoteTip)
  options.logger?.info(`Created the local branch ${baseBranch} from origin/${baseBranch}`)
  return { git, baseRef: local }
}

/** The repository of a mode that changes it: checked, base present, and locked for this run. */
export interface OpenRepository extends AsyncDisposable {
  git: GitCommandManager
}

export async function openForChanges(
  settings: Pick<Settings, 'repo' | 'baseBranch' | 'worktreeFiles'>,
  options: {
    env?: NodeJS.ProcessEnv
    logger: Logger
    beforeChanges?: (git: GitCommandManager) => Promise<void>
    /** Agents will run: the watchdog that outlives a dead coordinator starts now. */
    agentsRun?: boolean
  }
): Promise<OpenRepository> {
  const { git } = await preflight(settings.repo, settings.baseBranch, {
    env: options.env,
    createBase: true,
    logger: options.logger,
    beforeChanges: options.beforeChanges
  })
  // Once nothing refuses the run: its node process starts beside the lock, the recovery and
  // the plan, not between the first agents' starts.
  if (options.agentsRun) startWatchdog()
  const lock = await acquireRunLock(git, options.logger)
  await recoverAbandonedWorktrees(git, settings.baseBranch, options.logger, settings.worktreeFiles)
  return { git, [Symbol.asyncDispose]: () => lock[Symbol.asyncDispose]() }
}
