import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { tempDir, type TempDir } from '../helpers/temp-repo.js'

/** The bundle a runner executes for `uses:` (action.yml: runs.main and runs.post). */
export const DIST = join(process.cwd(), 'dist', 'index.js')

/** Fails with what to do when the bundle has not been built. */
export function assertDistBuilt(): void {
  if (!existsSync(DIST)) {
    throw new Error(
      `${DIST} is missing: build the action bundle with \`npm run package\` (runners execute dist/, not src/)`
    )
  }
}

/** The fake token the runner puts in `${{ github.token }}`; it must never reach an agent. */
export const FAKE_TOKEN = 'ghs_fakeTokenForTests0123456789abcdef'

interface ActionInputMetadata {
  default?: string
}

/**
 * Every input of action.yml as a runner passes it: `INPUT_<NAME>` with the name upper-cased,
 * hyphens kept, the `with:` value or else the default, `${{ github.token }}` evaluated.
 */
export function inputEnv(withInputs: Record<string, string>): Record<string, string> {
  const action = parse(readFileSync(join(process.cwd(), 'action.yml'), 'utf8')) as {
    inputs: Record<string, ActionInputMetadata>
  }
  const env: Record<string, string> = {}
  for (const [name, input] of Object.entries(action.inputs)) {
    const value = withInputs[name] ?? input.default ?? ''
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] =
      value === '${{ github.token }}' ? FAKE_TOKEN : value
  }
  for (const name of Object.keys(withInputs)) {
    if (!(name in action.inputs)) throw new Error(`action.yml declares no input "${name}"`)
  }
  return env
}

/** Outputs a step set that action.yml does not declare (`matrix-wave-<n>` counts as declared). */
export function undeclaredOutputs(outputs: Record<string, string>): string[] {
  const action = parse(readFileSync(join(process.cwd(), 'action.yml'), 'utf8')) as {
    outputs: Record<string, unknown>
  }
  return Object.keys(outputs).filter(
    (name) => !(name in action.outputs) && !/^matrix-wave-[1-9][0-9]*$/.test(name)
  )
}

/**
 * Reads a file in the runner's command-file format (GITHUB_OUTPUT, GITHUB_STATE):
 * `name<<delimiter` / lines / `delimiter`, or `name=value`. A later value wins, as on a runner.
 */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line === '') continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const body: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i])
      if (i >= lines.length) throw new Error(`"${name}" has no closing delimiter ${delimiter}`)
      values[name] = body.join('\n')
      continue
    }
    const equals = line.indexOf('=')
    if (equals <= 0) throw new Error(`unreadable line in a command file: ${line}`)
    values[line.slice(0, equals)] = line.slice(equals + 1)
  }
  return values
}

export interface StepResult {
  status: number | null
  stdout: string
  stderr: string
  /** GITHUB_OUTPUT, parsed. */
  outputs: Record<string, string>
  /** GITHUB_STATE, parsed. */
  state: Record<string, string>
  /** GITHUB_STEP_SUMMARY, as written. */
  summary: string
}

/**
 * One job on a simulated runner: its temp folder, and the files and variables a runner gives
 * each step. `main()` and `post()` run the bundle as the runner does; post receives what
 * main saved as STATE_<name>.
 */
export class SimulatedRunner implements Disposable {
  readonly temp: TempDir
  private steps = 0
  private savedState: Record<string, string> = {}

  constructor(
    readonly workspace: string,
    readonly withInputs: Record<string, string>
  ) {
    this.temp = tempDir('pw-runner-')
    mkdirSync(join(this.temp.path, '_temp'))
    writeFileSync(join(this.temp.path, 'event.json'), '{}\n')
  }

  get runnerTemp(): string {
    return join(this.temp.path, '_temp')
  }

  /** The environment of a step, with its own command files (all empty at its start). */
  stepEnv(extra: Record<string, string> = {}): { env: NodeJS.ProcessEnv; files: StepFiles } {
    const step = ++this.steps
    const file = (name: string): string => {
      const path = join(this.temp.path, `step${step}-${name}`)
      writeFileSync(path, '')
      return path
    }
    const files = {
      output: file('output'),
      state: file('state'),
      summary: file('summary'),
      env: file('env'),
      path: file('path')
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: this.runnerTemp,
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_REPOSITORY: 'octo-org/demo',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: join(this.temp.path, 'event.json'),
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SHA: '0'.repeat(40),
      GITHUB_REF: 'refs/heads/roadmap',
      GITHUB_SERVER_URL: 'https://github.com',
      // Nothing listens there: a comment attempt would fail, never reach a real server.
      GITHUB_API_URL: 'http://127.0.0.1:9',
      ACTIONS_RUNTIME_TOKEN: 'actions-runtime-secret',
      GITHUB_OUTPUT: files.output,
      GITHUB_STATE: files.state,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_ENV: files.env,
      GITHUB_PATH: files.path,
      ...inputEnv(this.withInputs),
      ...extra
    }
    return { env, files }
  }

  /** Runs the main step to its end. */
  main(): StepResult {
    return this.runStep(this.stepEnv())
  }

  /** Starts the main step without waiting (to kill it as a cancelled or lost runner would). */
  startMain(): { child: ChildProcess; files: StepFiles } {
    const { env, files } = this.stepEnv()
    const child = spawn(process.execPath, [DIST], { cwd: this.workspace, env, stdio: 'ignore' })
    return { child, files }
  }

  /** Reads the state a (killed) main step saved, as the runner does after it ends. */
  collectState(files: StepFiles): Record<string, string> {
    this.savedState = parseCommandFile(readFileSync(files.state, 'utf8'))
    return this.savedState
  }

  /** Runs the post step, given what main saved as STATE_<name>. */
  post(): StepResult {
    const state = Object.fromEntries(
      Object.entries(this.savedState).map(([name, value]) => [`STATE_${name}`, value])
    )
    return this.runStep(this.stepEnv(state))
  }

  private runStep({ env, files }: { env: NodeJS.ProcessEnv; files: StepFiles }): StepResult {
    const run = spawnSync(process.execPath, [DIST], {
      cwd: this.workspace,
      env,
      encoding: 'utf8',
      timeout: 120_000
    })
    if (run.error) throw run.error
    const state = parseCommandFile(readFileSync(files.state, 'utf8'))
    this.savedState = { ...this.savedState, ...state }
    return {
      status: run.status,
      stdout: run.stdout,
      stderr: run.stderr,
      outputs: parseCommandFile(readFileSync(files.output, 'utf8')),
      state,
      summary: readFileSync(files.summary, 'utf8')
    }
  }

  [Symbol.dispose](): void {
    this.temp[Symbol.dispose]()
  }
}

export interface StepFiles {
  output: string
  state: string
  summary: string
  env: string
  path: string
}
