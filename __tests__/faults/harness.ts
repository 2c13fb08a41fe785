import { afterAll, beforeAll } from '@jest/globals'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { execute } from '../../src/engine/execute.js'
import type { EngineOptions } from '../../src/engine/run-mode.js'
import { memoryLogger as keepingLogger, type MemoryLogger } from '../helpers/logger.js'
import type { RunResult } from '../../src/core/types.js'
import type { RawInputs } from '../../src/inputs/input-definitions.js'
import { parseSettings } from '../../src/inputs/settings.js'
import { buildSourceCli, type SourceCli } from '../cli/source-cli.js'
import { pidsIn, script, until } from '../helpers/processes.js'
import { createRepo, git, roadmapFiles, type TempRepo } from '../helpers/temp-repo.js'
import { recordCommits } from './invariants.js'

// What the fault tests share: a repository whose commits are recorded, the engine run as the
// shells run it (with short grace times), the CLI as a separate process, agent scripts.

export const AGENT = resolve('examples/agent/example-agent.mjs')

/** `node example-agent.mjs --priority={priority} <flags>` */
export function exampleAgent(flags = ''): string {
  return `node ${AGENT} --priority={priority} ${flags}`.trim()
}

/** The example agent's command line inside a script (no placeholders there: the variables). */
export function exampleAgentLine(flags = ''): string {
  return `exec node ${AGENT} --priority="$PRIORITY_ID" ${flags}`.trim()
}

/** `git commit` as an agent's script runs it: an identity of its own, no output. */
export const AGENT_COMMIT = 'git -c user.name=agent -c user.email=agent@example.com commit -q'

export { pidsIn, script, until }
export type { MemoryLogger } from '../helpers/logger.js'

/** Every line kept, a group as its title and body. */
export function memoryLogger(): MemoryLogger {
  return keepingLogger({ groupBodies: true })
}

/** A repository for a fault: one spec per priority, each touching its own file. */
export interface FaultRepo extends TempRepo {
  /** The base branch's tip before anything ran. */
  baseBefore: string
  /** A folder beside the repository for the test's own files (pids, scripts, logs). */
  work: string
}

export function faultRepo(priorities: number[] = [1, 2, 3]): FaultRepo {
  const specs = Object.fromEntries(priorities.map((p) => [p, { files: [`src/file-${p}.ts`] }]))
  const repo = createRepo(roadmapFiles(specs))
  recordCommits(repo.repo)
  const work = join(repo.path, 'work')
  mkdirSync(work)
  return { ...repo, baseBefore: git(repo.repo, 'rev-parse', 'roadmap'), work }
}

/** Inputs that keep a run quiet and independent of the machine's load. */
export const QUIET: RawInputs = {
  'pr-comment': 'false',
  'max-cpu-percent': '100',
  'max-memory-percent': '100'
}

export interface EngineRun {
  result: RunResult
  logger: MemoryLogger
}

/**
 * The engine as the CLI and the action run it (validated inputs, then `execute`), with a
 * short TERM→KILL grace, an ungated resource sampler and a plain environment.
 */
export async function runEngine(
  repo: FaultRepo,
  inputs: RawInputs,
  options: Partial<EngineOptions> = {}
): Promise<EngineRun> {
  const logger = memoryLogger()
  const settings = parseSettings(
    { 'log-dir': join(repo.path, 'logs'), ...QUIET, ...inputs },
    repo.repo,
    {}
  )
  const { result } = await execute(settings, {
    logger,
    killGraceMs: 200,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LC_ALL: 'C' },
    resourceSampler: () => Promise.resolve({ cpuPercent: 1, memoryPercent: 1 }),
    ...options
  })
  return { result, logger }
}

/** A run of `runScriptedAgents`: what `runEngine` gives, and the pid of every agent. */
export interface ScriptedRun extends EngineRun {
  pids: number[]
}

/**
 * `runEngine` with `agent.sh` (in the work folder) as every priority's agent: it records its
 * pid, for the invariants' check that no agent is left alive, then runs `body`.
 */
export async function runScriptedAgents(
  repo: FaultRepo,
  body: string[],
  inputs: RawInputs
): Promise<ScriptedRun> {
  const pidFile = join(repo.work, 'pids')
  const agent = script(join(repo.work, 'agent.sh'), [`echo $$ >> ${pidFile}`, ...body].join('\n'))
  const run = await runEngine(repo, { ...inputs, 'agent-command': agent })
  return { ...run, pids: pidsIn(pidFile) }
}

/** The statuses of a result's tasks, by priority. */
export function statuses(result: RunResult): Record<number, string> {
  return Object.fromEntries(result.tasks.map((task) => [task.priority, task.status]))
}

export function taskOf(result: RunResult, priority: number) {
  const task = result.tasks.find((t) => t.priority === priority)
  if (!task) throw new Error(`no task ${priority} in the result`)
  return task
}

/** A CLI process of the current sources, its output collected. */
export interface CliProcess {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

export function cliEnv(repo: FaultRepo): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    RUNNER_TEMP: repo.work
  }
}

/** The CLI's arguments for a fault run: the repository, JSON out, no gate, logs in the test's folder. */
export function cliArguments(
  entry: string,
  repo: Pick<FaultRepo, 'repo' | 'path'>,
  args: string[]
): string[] {
  return [
    entry,
    ...args,
    '--repo',
    repo.repo,
    '--no-pr-comment',
    '--max-cpu-percent',
    '100',
    '--max-memory-percent',
    '100',
    '--log-dir',
    join(repo.path, 'logs'),
    '--json'
  ]
}

/**
 * The CLI of the current sources for the tests of one file: built once before them (it
 * transpiles all of src/) and removed after them. Its `entry` is there inside a test.
 */
export function sourceCliOfThisFile(): { readonly entry: string } {
  let cli: SourceCli | undefined
  beforeAll(() => {
    cli = buildSourceCli()
  })
  afterAll(() => cli?.[Symbol.dispose]())
  return {
    get entry(): string {
      if (!cli) throw new Error('the source CLI is built in beforeAll: use its entry in a test')
      return cli.entry
    }
  }
}

export function startCli(
  entry: string,
  repo: FaultRepo,
  args: string[],
  env: NodeJS.ProcessEnv = cliEnv(repo)
): CliProcess {
  const child = spawn(process.execPath, cliArguments(entry, repo, args), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const exited = once(child, 'close').then(() => child.exitCode)
  return { child, stdout: () => out, stderr: () => err, exited }
}

/**
 * Makes a folder unwritable for this process, root included (chmod alone does not stop
 * root: where we are root, the folder is also made immutable). Disposing undoes it.
 */
export function readOnlyFolder(path: string): Disposable {
  mkdirSync(path, { recursive: true })
  chmodSync(path, 0o555)
  const root = process.getuid?.() === 0
  if (root) spawnSync('chattr', ['+i', path])
  const probe = join(path, 'probe')
  let writable = true
  try {
    mkdirSync(probe)
  } catch {
    writable = false
  }
  const undo = (): void => {
    if (root) spawnSync('chattr', ['-i', path])
    chmodSync(path, 0o755)
  }
  if (writable) {
    undo()
    throw new Error(`cannot make ${path} read-only on this machine`)
  }
  return { [Symbol.dispose]: undo }
}
