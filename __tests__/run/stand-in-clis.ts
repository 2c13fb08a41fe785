import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'

/** The stand-in CLIs (see stand-ins/agent-cli.mjs for the documented formats each follows). */
export const STAND_IN_NAMES = ['claude', 'codex', 'aider', 'poetry'] as const

const SCRIPT = resolve('__tests__/run/stand-ins/agent-cli.mjs')

export interface StandIns {
  bin: string
  record: string
  /** The environment for the agents: the stand-ins first on PATH, records in `record`. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv
  calls(): StandInCall[]
}

export interface StandInCall {
  cli: string
  args: string[]
  cwd: string
  prompt: string
  attempt: number
  time: number
  env: Record<string, string | null>
}

/** Installs the stand-ins in `<dir>/bin`. */
export function installStandIns(dir: string): StandIns {
  const bin = join(dir, 'bin')
  const record = join(dir, 'record')
  mkdirSync(bin, { recursive: true })
  for (const name of STAND_IN_NAMES) {
    copyFileSync(SCRIPT, join(bin, name))
    chmodSync(join(bin, name), 0o755)
  }
  return {
    bin,
    record,
    env: (extra = {}) => ({
      PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
      HOME: process.env.HOME,
      STANDIN_RECORD: record,
      ...extra
    }),
    calls: () => {
      const file = join(record, 'calls.jsonl')
      if (!existsSync(file)) return []
      return readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as StandInCall)
    }
  }
}
