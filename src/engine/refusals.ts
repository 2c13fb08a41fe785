import { constants } from 'node:fs'
import { access, mkdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'
import { InputError } from '../core/errors.js'
import type { Settings } from '../core/types.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { movedAwayBaseTips, movedBaseRef } from '../git/kept-refs.js'
import { branchRef } from '../git/refs.js'
import { withoutActionSecrets } from '../git/child-environment.js'
import { BaseTree } from '../plan/base-tree.js'
import { parseRoadmap } from '../plan/roadmap.js'
import { commandExists, firstCommandWord } from '../run/command-lookup.js'

const SHOWN_PRIORITIES = 30

/**
 * The contract's refusals (exit 2), checked after the repository is known and before
 * anything in it changes: a priority the ROADMAP does not list, and, when agents will run,
 * a base an earlier run's agent moved away from its history, an agent command that cannot be
 * found and a log folder that cannot be written.
 */
export async function refuseBeforeChanges(
  settings: Settings,
  git: GitCommandManager,
  options: {
    env?: NodeJS.ProcessEnv
    agentsRun: boolean
    baseCommit?: string
    /** The base tree, read once for the run (the plan reads the same). */
    tree?: BaseTree
  }
): Promise<void> {
  await refuseUnlistedPriorities(settings, git, options.baseCommit, options.tree)
  if (!options.agentsRun) return
  await refuseMovedAwayBase(settings, git)
  await refuseMissingAgentCommand(settings, git.cwd, options.env ?? process.env)
  await prepareLogFolder(settings.logDir, git.cwd)
}

/** A mistyped ID would spend an agent on work that does not exist. */
export async function refuseUnlistedPriorities(
  settings: Pick<Settings, 'priorities' | 'baseBranch' | 'roadmapFile'>,
  git: GitCommandManager,
  /** The commit the plan will read (fetch-base); base's tip when absent. */
  baseCommit?: string,
  /** That commit's tree, when the caller has read it already. */
  baseTree?: BaseTree
): Promise<void> {
  const tree = baseTree ?? (await BaseTree.read(git, settings.baseBranch, baseCommit))
  const file = settings.roadmapFile
  const text = (await tree.read([file])).get(file)
  if (text === undefined) return // no ROADMAP: specs are found by their names alone
  const listed = [...parseRoadmap(text).keys()].sort((a, b) => a - b)
  const known = new Set(listed)
  const unlisted = settings.priorities.filter((priority) => !known.has(priority))
  if (unlisted.length === 0) return
  const lists =
    listed.length === 0 ? 'which lists no PRIORITY heading at all' : `which lists ${idList(listed)}`
  throw new InputError(
    `priorities: ${idList(unlisted)} ${unlisted.length === 1 ? 'is' : 'are'} not in ${file} ` +
      `(on ${settings.baseBranch}), ${lists}. Check the IDs, or name another ROADMAP with roadmap-file.`
  )
}

/**
 * An earlier run found base moved by an agent off its own history and kept the old tip; while
 * base still does not hold it, work started or merged now would build on history the user
 * never had. The user puts base back, or says the move was meant by deleting the kept ref.
 */
async function refuseMovedAwayBase(
  settings: Pick<Settings, 'baseBranch'>,
  git: GitCommandManager
): Promise<void> {
  const [kept] = await movedAwayBaseTips(git, settings.baseBranch)
  if (!kept) return
  const base = settings.baseBranch
  // A run killed before it saw the move did not keep the tip base was moved to: putting base
  // back would leave that history to the reflog alone, so the command keeps it first.
  const now = await git.branchTip(base)
  const keepNow = now ? movedBaseRef(base, now) : null
  const unkept = now && keepNow && (await git.resolveCommit(keepNow)) !== now
  const putBack = `${unkept ? `git update-ref ${keepNow} ${now} && ` : ''}git update-ref ${branchRef(base)} ${kept}`
  throw new InputError(
    `base branch ${base} does not hold ${kept}, the tip an earlier run kept when an agent moved ${base} off its history. ` +
      `Put it back with ${putBack} (a checkout of ${base} still holds its files), ` +
      `or, if the move was meant, delete the kept tip with git update-ref -d ${kept}.`
  )
}

/** `1-4, 7, 9`: consecutive IDs as ranges, at most SHOWN_PRIORITIES items. */
export function idList(ids: readonly number[]): string {
  const items: string[] = []
  for (let i = 0; i < ids.length; i += 1) {
    let j = i
    while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j += 1
    if (j > i + 1) items.push(`${ids[i]}-${ids[j]}`)
    else items.push(...ids.slice(i, j + 1).map(String))
    i = j
  }
  return items.length > SHOWN_PRIORITIES
    ? `${items.slice(0, SHOWN_PRIORITIES).join(', ')} and ${items.length - SHOWN_PRIORITIES} more`
    : items.join(', ')
}

/**
 * An agent command whose program does not exist would fail every priority with exit 127,
 * after each worktree was made. Not refused when the word cannot be known beforehand, is a
 * relative path (the worktree provides it), or setup-command may install it.
 */
async function refuseMissingAgentCommand(
  settings: Pick<Settings, 'agentCommand' | 'setupCommand'>,
  repo: string,
  env: NodeJS.ProcessEnv
): Promise<void> {
  if (settings.setupCommand) return
  const word = firstCommandWord(settings.agentCommand)
  if (word === null || (word.includes('/') && !isAbsolute(word))) return
  if (await commandExists(word, withoutActionSecrets(env), repo)) return
  const where = word.includes('/') ? 'does not exist or is not executable' : 'is not on PATH'
  throw new InputError(
    `agent-command: "${word}" ${where} (the first word of "${settings.agentCommand}"). ` +
      'Install it, give its full path, or set agent-command to the agent you use; ' +
      'if setup-command installs it, set setup-command.'
  )
}

/**
 * Makes the log folder (only its owner may read it when it is new) and checks that it can be
 * written, so that no priority fails on it after its worktree was made.
 */
async function prepareLogFolder(logDir: string, repo: string): Promise<void> {
  const folder = resolve(repo, logDir)
  const refuse = (why: string): never => {
    throw new InputError(
      `log-dir: cannot write the agents' logs to ${folder} (${why}). ` +
        'Choose a folder you can write with log-dir (--log-dir on the command line).'
    )
  }
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 })
  } catch (error) {
    refuse(reasonOf(error))
  }
  const info = await stat(folder).catch((error: unknown) => refuse(reasonOf(error)))
  if (!info.isDirectory()) refuse('it is not a folder')
  await access(folder, constants.W_OK | constants.X_OK).catch((error: unknown) =>
    refuse(reasonOf(error))
  )
  // The per-user folder of the default log folder must be this user's alone, or others
  // could read or replace the logs.
  const uid = process.getuid?.()
  const own = uid === undefined ? null : join(tmpdir(), `parallel-worktree-${uid}`)
  if (own && folder.startsWith(`${own}/`)) {
    const owner = await stat(own)
    if (owner.uid !== uid || (owner.mode & 0o077) !== 0) {
      refuse(`${own} is not yours alone; remove it or choose another folder`)
    }
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'ENOTDIR') return 'a part of the path is a file'
  if (code === 'EROFS') return 'read-only file system'
  return (error as Error).message
}
