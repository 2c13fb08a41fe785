import { readFileSync, statSync } from 'node:fs'
import { devNull } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'

/**
 * Config that makes git run a command, kept out of the run's own git processes: agents can
 * write the repository's shared config (`.git/config`, `config.worktree`, a file it includes)
 * and `.git/hooks/`, and whatever git runs from there would run inside the coordinator's git
 * calls. Every git process of the run gets, as command-line config (GIT_CONFIG_COUNT, read
 * after every file):
 *
 * - no hook (core.hooksPath=/dev/null covers `.git/hooks/` and a versioned folder alike), no
 *   fsmonitor, no submodule recursion, no `ext::` transport;
 * - for every key below, the value the run found at its start (the user's: an LFS filter, an
 *   ssh command, a signing program), or, for a key that appeared since, a value that runs
 *   nothing of the agent's;
 * - the credential helpers found at the start, and only those (the list is reset first).
 *
 * The config is read again whenever a file it came from (or the shared config, or the
 * worktree's own) changes; a stat per file per git call is the whole cost otherwise.
 */
const ALWAYS: readonly (readonly [string, string])[] = [
  ['core.hooksPath', devNull],
  ['core.fsmonitor', 'false'],
  ['submodule.recurse', 'false'],
  ['protocol.ext.allow', 'never']
]

/** The built-in three-way merge, as a merge driver's command line. */
const TEXT_MERGE = 'git merge-file --marker-size=%L %A %O %B'

/**
 * Keys whose value is (or turns on) a command git runs, with what stands for one that was not
 * there at the start. Names as `git config --list` prints them: section and key lower-case.
 * Left out: diff.external and diff.<driver>.command, run only for patch output, which the run
 * never asks for; pager.* and core.pager, run only on a terminal; core.editor and
 * sequence.editor, overridden by GIT_EDITOR and GIT_SEQUENCE_EDITOR.
 */
const COMMAND_KEYS: readonly { key: RegExp; neutral: string }[] = [
  // An empty command is no filter at all (the content goes through as it is).
  { key: /^filter\..+\.(clean|smudge|process)$/, neutral: '' },
  { key: /^filter\..+\.required$/, neutral: 'false' },
  { key: /^merge\..+\.driver$/, neutral: TEXT_MERGE },
  { key: /^diff\..+\.textconv$/, neutral: 'cat' },
  { key: /^core\.sshcommand$/, neutral: 'ssh' },
  { key: /^core\.askpass$/, neutral: '' },
  { key: /^core\.alternaterefscommand$/, neutral: '' },
  { key: /^(commit|tag)\.gpgsign$/, neutral: 'false' },
  { key: /^gpg\.(openpgp\.)?program$/, neutral: 'gpg' },
  { key: /^gpg\.x509\.program$/, neutral: 'gpgsm' },
  { key: /^gpg\.ssh\.program$/, neutral: 'ssh-keygen' },
  { key: /^gpg\.ssh\.defaultkeycommand$/, neutral: '' },
  { key: /^remote\..+\.uploadpack$/, neutral: 'git-upload-pack' },
  { key: /^remote\..+\.receivepack$/, neutral: 'git-receive-pack' }
]

/** `credential.helper` and `credential.<url>.helper`: one list, which an empty value resets. */
const CREDENTIAL_HELPER = /^credential\.(.+\.)?helper$/

/** Scopes that files give (the command line's own config is the caller's, not a file's). */
const FILE_SCOPES = new Set(['system', 'global', 'local', 'worktree'])
/** Scopes of the repository's own config, which an agent can write. */
const REPOSITORY_SCOPES = new Set(['local', 'worktree'])

export interface ConfigEntry {
  scope: string
  origin: string
  key: string
  value: string
}

/** Reads `git config --list --show-scope --show-origin -z` in a folder. */
export type ConfigReader = (cwd: string) => Promise<string>

/** Parses `git config --list --show-scope --show-origin -z`. */
export function parseConfigList(listing: string): ConfigEntry[] {
  const fields = listing.split('\0')
  const entries: ConfigEntry[] = []
  for (let k = 0; k + 2 < fields.length; k += 3) {
    const [scope, origin, pair] = fields.slice(k, k + 3)
    const newline = pair.indexOf('\n')
    const key = newline < 0 ? pair : pair.slice(0, newline)
    const value = newline < 0 ? '' : pair.slice(newline + 1)
    entries.push({ scope, origin, key, value })
  }
  return entries
}

function isCommandKey(key: string): boolean {
  return COMMAND_KEYS.some((command) => command.key.test(key))
}

function neutralOf(key: string): string {
  return COMMAND_KEYS.find((command) => command.key.test(key))?.neutral ?? ''
}

/** What the command-line config of the run holds, as GIT_CONFIG_* variables after `count`. */
function asVariables(pairs: readonly (readonly [string, string])[], count: number) {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(count + pairs.length) }
  pairs.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${count + index}`] = key
    env[`GIT_CONFIG_VALUE_${count + index}`] = value
  })
  return env
}

/** A file's identity and state: a rewrite (git writes config by rename) changes it. */
function signature(path: string): string {
  try {
    const info = statSync(path)
    return `${info.ino}:${info.size}:${info.mtimeMs}`
  } catch {
    return 'missing'
  }
}

/** The git folder (`.git`, or a worktree's under `.git/worktrees/`) and the common one. */
function gitFolders(cwd: string): string[] {
  for (let folder = resolve(cwd); ; folder = dirname(folder)) {
    const dotGit = join(folder, '.git')
    let gitDir: string | null = null
    try {
      if (statSync(dotGit).isDirectory()) gitDir = dotGit
      else {
        const target = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]
        if (target) gitDir = resolve(folder, target.trim())
      }
    } catch {
      // no .git here: look higher
    }
    if (gitDir) {
      let common = gitDir
      try {
        common = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim())
      } catch {
        // not a linked worktree: its git folder is the common one
      }
      return [gitDir, common]
    }
    if (dirname(folder) === folder) return []
  }
}

interface Reading {
  /** The files the config came from and could come from, with their state when read. */
  watched: Map<string, string>
  overrides: Record<string, string>
}

/**
 * The command-line config every git process of a run gets (see above), per folder, and the
 * changes made to the repository's own config since the start. One per run (shared by the
 * managers that `at()` makes).
 */
export class CommandConfig {
  private start: Promise<ConfigEntry[]> | null = null
  /** Keys the run itself set (key as `git config --list` prints it, and its value). */
  private readonly own = new Map<string, string>()
  private readonly readings = new Map<string, Promise<Reading>>()

  /**
   * @param read lists the config in a folder (with no command-line config of the run's)
   * @param root the folder whose config at the first use is the start
   * @param count GIT_CONFIG_COUNT of the environment (the caller's own command-line config)
   */
  constructor(
    private readonly read: ConfigReader,
    private readonly root: string,
    private readonly count: number
  ) {}

  /** The config found at the run's start, in the root folder. */
  private atStart(): Promise<ConfigEntry[]> {
    if (!this.start) {
      // The root folder's own reading is this one: its files' state taken before it is read.
      const watched = this.filesOf(this.root)
      this.start = this.read(this.root).then(parseConfigList)
      this.start.catch(() => (this.start = null))
      const reading = this.start.then((start) => this.readingOf(this.root, start, start, watched))
      reading.catch(() => this.readings.delete(this.root))
      this.readings.set(this.root, reading)
    }
    return this.start
  }

  /** GIT_CONFIG_* variables for a git process in `cwd`. */
  async variables(cwd: string): Promise<Record<string, string>> {
    // Unreadable (a folder that is gone): git will fail there anyway; nothing of it is run.
    const start = await this.atStart().catch(() => [])
    let reading = this.readings.get(cwd)
    if (reading) {
      const known = await reading.catch(() => null)
      const fresh = known && [...known.watched].every(([path, state]) => signature(path) === state)
      if (!fresh) reading = undefined
    }
    if (!reading) {
      reading = this.readIn(cwd, start)
      this.readings.set(cwd, reading)
      reading.catch(() => this.readings.delete(cwd))
    }
    return reading.then(
      (done) => done.overrides,
      () => asVariables(overridesFor(start, []), this.count)
    )
  }

  /** The config files of a folder (its repository's, its worktree's) with their state now. */
  private filesOf(cwd: string): Map<string, string> {
    const watched = new Map<string, string>()
    const [gitDir, common] = gitFolders(cwd)
    if (gitDir) {
      for (const path of [join(common, 'config'), join(gitDir, 'config.worktree')]) {
        watched.set(path, signature(path))
      }
    }
    return watched
  }

  private async readIn(cwd: string, start: ConfigEntry[]): Promise<Reading> {
    // The state of every file is taken before reading: a change during the read reads again.
    const watched = this.filesOf(cwd)
    const [gitDir, common] = gitFolders(cwd)
    const shared = gitDir ? this.sharedReading(common, watched) : null
    if (shared) return shared
    return this.readingOf(cwd, start, parseConfigList(await this.read(cwd)), watched)
  }

  /** A folder's reading from its config listing (`entries`), its files' state in `watched`. */
  private readingOf(
    cwd: string,
    start: ConfigEntry[],
    entries: ConfigEntry[],
    watched: Map<string, string>
  ): Reading {
    const [gitDir, common] = gitFolders(cwd)
    const worktreeFile = gitDir ? join(gitDir, 'config.worktree') : null
    const now = entries.filter((entry) => FILE_SCOPES.has(entry.scope))
    for (const { origin } of now) {
      if (!origin.startsWith('file:')) continue
      const path = origin.slice('file:'.length)
      const absolute = isAbsolute(path) ? path : resolve(cwd, path)
      if (!watched.has(absolute)) watched.set(absolute, signature(absolute))
    }
    const reading = { watched, overrides: asVariables(overridesFor(start, now), this.count) }
    // A config with no conditional include and no worktree file of its own is the same in
    // every worktree of the repository: the next worktree's git takes it without a read.
    const conditional = entries.some((entry) => /^includeif\./i.test(entry.key))
    if (gitDir && !conditional && watched.get(worktreeFile!) === 'missing') {
      this.sameEverywhere.set(common, { ...reading, worktreeFile: worktreeFile! })
    }
    return reading
  }

  /**
   * What a folder of this repository reads when its config is the same as a folder read
   * before (see readIn): that reading, while none of its files changed and the folder has
   * no config.worktree of its own (`watched` holds this folder's files and their state).
   */
  private sharedReading(common: string, watched: Map<string, string>): Reading | null {
    const known = this.sameEverywhere.get(common)
    if (!known) return null
    const ownFile = [...watched].find(([path]) => path !== join(common, 'config'))
    if (ownFile && ownFile[1] !== 'missing') return null
    const unchanged = [...known.watched].every(([path, state]) =>
      path === known.worktreeFile ? true : signature(path) === state
    )
    if (!unchanged) {
      this.sameEverywhere.delete(common)
      return null
    }
    const files = new Map([...known.watched].filter(([path]) => path !== known.worktreeFile))
    for (const [path, state] of watched) files.set(path, state)
    return { watched: files, overrides: known.overrides }
  }

  /** By common git folder: a reading that holds for every worktree of it (see readIn). */
  private readonly sameEverywhere = new Map<string, Reading & { worktreeFile: string }>()

  /** A key the run sets itself in the repository's config: not a change to report. */
  acceptOwnChange(key: string, value: string): void {
    this.own.set(key, value)
  }

  /**
   * The changes made since the start to the repository's own config (keys added, changed or
   * removed), each as `key (added)`, in the root folder; those the run made itself aside.
   */
  async changesSinceStart(): Promise<string[]> {
    const own = (entries: ConfigEntry[]): Map<string, string> => {
      const values = new Map<string, string[]>()
      for (const entry of entries) {
        if (!REPOSITORY_SCOPES.has(entry.scope)) continue
        values.set(entry.key, [...(values.get(entry.key) ?? []), entry.value])
      }
      return new Map([...values].map(([key, list]) => [key, JSON.stringify(list)]))
    }
    const before = own(await this.atStart())
    const after = own(parseConfigList(await this.read(this.root)))
    const changes: string[] = []
    for (const [key, value] of after) {
      if (this.own.has(key) && value === JSON.stringify([this.own.get(key)])) continue
      if (!before.has(key)) changes.push(`${key} (added)`)
      else if (before.get(key) !== value) changes.push(`${key} (changed)`)
    }
    for (const key of before.keys()) if (!after.has(key)) changes.push(`${key} (removed)`)
    return changes
  }
}

/** The command-line config for a folder whose config is `now`, given the start's. */
function overridesFor(start: ConfigEntry[], now: ConfigEntry[]): (readonly [string, string])[] {
  const trusted = new Map<string, string>()
  const helpers: [string, string][] = []
  for (const entry of start) {
    if (!FILE_SCOPES.has(entry.scope)) continue
    if (CREDENTIAL_HELPER.test(entry.key)) helpers.push([entry.key, entry.value])
    else if (isCommandKey(entry.key)) trusted.set(entry.key, entry.value)
  }
  const pairs: (readonly [string, string])[] = [...trusted]
  for (const { key } of now) {
    if (isCommandKey(key) && !trusted.has(key)) {
      pairs.push([key, neutralOf(key)])
      trusted.set(key, neutralOf(key))
    }
  }
  pairs.push(['credential.helper', ''], ...helpers)
  pairs.push(...ALWAYS)
  return pairs
}
