import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { DIST, assertDistBuilt, parseCommandFile, SimulatedRunner } from '../action/runner.js'
import {
  createRepo,
  git,
  roadmapFiles,
  tempDir,
  type TempDir,
  type TempRepo
} from '../helpers/temp-repo.js'
import { FakeGitHub, type RecordedRequest } from '../report/fake-github.js'

// The token attacked: the BUNDLED action (what runners execute) runs with a recognisable fake
// token, a local GitHub API, an agent that dumps its environment and a priority that fails
// (so a comment is posted); then every byte the run wrote is searched for the token. It may
// appear in one place only: the Authorization header the API received (and the `::add-mask::`
// command that tells the runner to hide it).
//
// PW_ACTION_BUNDLE=<file> runs another build of the bundle (a fresh `ncc build` of src/index.ts
// in a temp folder) instead of dist/index.js, to check sources before dist/ is rebuilt.

const TOKEN = `ghs_CanaryTokenThatMustNeverLeak${Date.now().toString(36)}Zz9`
const BUNDLE = process.env.PW_ACTION_BUNDLE ?? DIST
const AGENT = join(process.cwd(), 'examples', 'agent', 'example-agent.mjs')

interface Step {
  status: number | null
  stdout: string
  stderr: string
  files: Record<string, string>
}

let github: FakeGitHub
let repo: TempRepo
let dumps: TempDir
let runner: SimulatedRunner
let main: Step
let post: Step

/** Runs one step of the bundle, without blocking this process (the fake API lives here). */
async function step(extra: Record<string, string>): Promise<Step> {
  const { env, files } = runner.stepEnv(extra)
  const child = spawn(process.execPath, [BUNDLE], { cwd: repo.repo, env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const [status] = (await once(child, 'close')) as [number | null]
  const read = (path: string): string => readFileSync(path, 'utf8')
  return {
    status,
    stdout,
    stderr,
    files: {
      output: read(files.output),
      state: read(files.state),
      summary: read(files.summary),
      env: read(files.env),
      path: read(files.path)
    }
  }
}

/** Every file under a folder, as bytes (symbolic links not followed). */
function filesUnder(root: string): { path: string; bytes: Buffer }[] {
  if (!existsSync(root)) return []
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    const path = join(root, entry.name)
    if (entry.isDirectory()) return filesUnder(path)
    if (!entry.isFile()) return []
    return [{ path, bytes: readFileSync(path) }]
  })
}

/** The paths among these whose bytes hold the token (raw, or inflated when zlib-compressed). */
function holdingToken(files: { path: string; bytes: Buffer }[]): string[] {
  return files
    .filter(({ bytes }) => {
      if (bytes.includes(TOKEN)) return true
      try {
        return inflateSync(bytes).includes(TOKEN)
      } catch {
        return false
      }
    })
    .map(({ path }) => path)
}

beforeAll(async () => {
  assertDistBuilt()
  github = await new FakeGitHub().start()
  repo = createRepo(roadmapFiles({ 1: { files: ['src/one.ts'] }, 2: { files: ['src/two.ts'] } }))
  dumps = tempDir('pw-env-dumps-')
  runner = new SimulatedRunner(repo.repo, {
    priorities: '1,2',
    'github-token': TOKEN,
    'pr-number': '7',
    'setup-command': `env > ${dumps.path}/setup-env-{priority}.txt`,
    'max-cpu-percent': '100',
    'max-memory-percent': '100',
    // The agent dumps its environment outside the worktree, into it (committed, so into
    // .git) and on its output (the log and the step's output), then fails on priority 2.
    'agent-command': [
      `env > ${dumps.path}/env-{priority}.txt`,
      'env > agent-env.txt',
      'env',
      `node ${AGENT} --priority={priority} --fail-on=2`
    ].join(' && ')
  })
  const extra = {
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    // Workflows often put the token in the step's environment too.
    GITHUB_TOKEN: TOKEN,
    GH_TOKEN: TOKEN
  }
  main = await step(extra)
  post = await step({ ...extra, ...stateOf(main) })
}, 120_000)

afterAll(async () => {
  runner[Symbol.dispose]()
  dumps[Symbol.dispose]()
  repo[Symbol.dispose]()
  await github[Symbol.asyncDispose]()
})

/** What main saved, as the runner hands it to post (`STATE_<name>`). */
function stateOf(step: Step): Record<string, string> {
  const state = parseCommandFile(step.files.state)
  return Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]))
}

describe('the token, on a run of the bundled action with a failing priority and a comment', () => {
  it('the run went as planned: one merged, one failed, a comment posted with the token', () => {
    expect(main.status).toBe(1)
    expect(parseCommandFile(main.files.output)).toMatchObject({ merged: '1', failed: '2' })
    // The check run's requests carry it too (its own test checks them): here, the comment.
    const posted = github.writes().filter((request) => request.path.includes('/issues/'))
    expect(posted.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /repos/o/r/issues/7/comments'
    ])
    expect(posted[0].headers.authorization).toBe(`token ${TOKEN}`)
  })

  it('is masked in the log: the mask command comes first, and the token is nowhere else', () => {
    const lines = `${main.stdout}\n${main.stderr}`.split('\n')
    const mentions = lines.filter((line) => line.includes(TOKEN))
    expect(mentions).toEqual([`::add-mask::${TOKEN}`])
    expect(lines.findIndex((line) => line.includes(TOKEN))).toBeLessThan(
      lines.findIndex((line) => line.startsWith('::group::'))
    )
    expect(post.stdout + post.stderr).not.toContain(TOKEN)
  })

  it('is not in the environment of the agents or setup commands (nor the inputs, runtime variables or command files)', () => {
    for (const file of ['env-1', 'env-2', 'setup-env-1', 'setup-env-2']) {
      const dump = readFileSync(join(dumps.path, `${file}.txt`), 'utf8')
      const priority = file.slice(-1)
      expect(dump).toContain(`PRIORITY_ID=${priority}`)
      expect(dump).not.toContain(TOKEN)
      const names = dump.split('\n').map((line) => line.slice(0, line.indexOf('=')))
      expect(
        names.filter((name) =>
          /^(INPUT_|ACTIONS_|GITHUB_(TOKEN|OUTPUT|STATE|ENV|PATH)$|GH_TOKEN$)/.test(name)
        )
      ).toEqual([])
    }
  })

  it('is not in the outputs, the summary, the state or the other command files of either step', () => {
    for (const [name, text] of [...Object.entries(main.files), ...Object.entries(post.files)]) {
      expect({ name, leaks: text.includes(TOKEN) }).toEqual({ name, leaks: false })
    }
    expect(main.files.summary).toContain('PRIORITY 2')
  })

  it('is not in the comment or any other request body the API received', () => {
    const bodies = github.requests.map((request: RecordedRequest) => JSON.stringify(request.body))
    expect(bodies.join('\n')).not.toContain(TOKEN)
    const otherHeaders = github.requests.map((request) => {
      const { authorization: _authorization, ...rest } = request.headers
      return JSON.stringify(rest)
    })
    expect(otherHeaders.join('\n')).not.toContain(TOKEN)
  })

  it('is in no file of the runner: logs, results, temp files', () => {
    const files = filesUnder(runner.temp.path)
    expect(files.some(({ path }) => path.includes('parallel-worktree-logs'))).toBe(true)
    expect(holdingToken(files)).toEqual([])
  })

  it('is in no object, ref, log or config of the repository', () => {
    // Every object, decompressed by git itself (loose and packed alike).
    const objects = git(repo.repo, 'cat-file', '--batch-all-objects', '--batch')
    expect(objects).toContain('PRIORITY_ID=1') // the agent's committed dump is in there
    expect(objects).not.toContain(TOKEN)
    expect(git(repo.repo, 'log', '-p', '--all', '--reflog')).not.toContain(TOKEN)
    // And the raw bytes of every file under .git (zlib streams inflated), and of the checkout.
    const raw = filesUnder(join(repo.repo, '.git'))
    expect(raw.length).toBeGreaterThan(10)
    expect(holdingToken(raw)).toEqual([])
    expect(holdingToken(filesUnder(repo.repo))).toEqual([])
    expect(statSync(join(repo.repo, '.git', 'config')).isFile()).toBe(true)
  })
})
