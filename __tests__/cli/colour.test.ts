import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { colourAllowed, shellQuote } from '../../src/report/format.js'
import { createRepo, roadmapFiles, tempDir, type TempDir } from '../helpers/temp-repo.js'
import { buildSourceCli, type SourceCli } from './source-cli.js'

const ESC = '\x1b['
// An agent that colours its output, as many do, and makes a commit.
const COLOURED_AGENT = `printf '\\033[31mred words\\033[0m\\n'; echo done > done.txt`

let cli: SourceCli
let logs: TempDir
beforeAll(() => {
  cli = buildSourceCli()
  logs = tempDir('pw-colour-logs-')
})
afterAll(() => {
  cli[Symbol.dispose]()
  logs[Symbol.dispose]()
})

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: '1', ...extra }
}

function args(repo: string): string[] {
  return [
    cli.entry,
    'run',
    '1',
    '--agent-command',
    COLOURED_AGENT,
    '--no-pr-comment',
    '--max-cpu-percent',
    '100',
    '--max-memory-percent',
    '100',
    '--log-dir',
    join(logs.path, String(Date.now())),
    '--repo',
    repo
  ]
}

/** The CLI under a pseudo-terminal (util-linux `script`): stdout and stderr are a terminal. */
function inTerminal(repo: string, extra: Record<string, string> = {}): string {
  const command = [process.execPath, ...args(repo)].map(shellQuote).join(' ')
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: env(extra)
  })
  expect(result.status).toBe(0)
  return result.stdout
}

const hasScript = spawnSync('script', ['--version']).status === 0
const inPty = hasScript ? it : it.skip

describe('colour codes', () => {
  it('are left out when the output is a pipe or a file', () => {
    using repo = createRepo(roadmapFiles({ 1: { files: ['done.txt'] } }))
    const result = spawnSync(process.execPath, args(repo.repo), {
      encoding: 'utf8',
      timeout: 60_000,
      env: env()
    })
    expect(result.status).toBe(0)
    expect(result.stderr).toContain('red words')
    expect(result.stderr).not.toContain(ESC)
    expect(result.stdout).not.toContain(ESC)
  })

  inPty('are kept in a terminal, and left out there too with NO_COLOR', () => {
    using repo = createRepo(roadmapFiles({ 1: { files: ['done.txt'] } }))
    expect(inTerminal(repo.repo)).toContain(`${ESC}31mred words`)
    using again = createRepo(roadmapFiles({ 1: { files: ['done.txt'] } }))
    const plain = inTerminal(again.repo, { NO_COLOR: '1' })
    expect(plain).toContain('red words')
    expect(plain).not.toContain(ESC)
  })

  it('are allowed only for a terminal without NO_COLOR', () => {
    expect(colourAllowed({ isTTY: true }, {})).toBe(true)
    expect(colourAllowed({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
    expect(colourAllowed({ isTTY: false }, {})).toBe(false)
    expect(colourAllowed({}, {})).toBe(false)
  })
})

describe('npm run demo', () => {
  it('writes no colour codes when its output is not a terminal', () => {
    using home = tempDir('pw-demo-home-')
    const result = spawnSync(process.execPath, ['scripts/demo.mjs'], {
      encoding: 'utf8',
      timeout: 280_000,
      env: env({ TMPDIR: home.path })
    })
    expect(result.stdout).toContain('The history of roadmap')
    expect(result.stdout + result.stderr).not.toContain(ESC)
  }, 300_000)
})
