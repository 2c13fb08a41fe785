import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createRepo, roadmapFiles, tempDir, type TempDir } from '../helpers/temp-repo.js'
import { buildSourceCli, runAsUser, type SourceCli } from './source-cli.js'

const AGENT = join(process.cwd(), 'examples', 'agent', 'example-agent.mjs')
const QUIET = ['--no-pr-comment', '--max-cpu-percent', '100', '--max-memory-percent', '100']

let cli: SourceCli
let runnerTemp: TempDir

beforeAll(() => {
  cli = buildSourceCli()
  runnerTemp = tempDir('pw-logfolder-temp-')
})
afterAll(() => {
  cli[Symbol.dispose]()
  runnerTemp[Symbol.dispose]()
})

function parallelWorktree(...args: string[]) {
  return runAsUser(cli.entry, args, { runnerTemp: runnerTemp.path })
}

/** The folder the run's last line names, which must hold the priority's log. */
function namedLogFolder(stderr: string): string {
  const last = stderr.trim().split('\n').at(-1) ?? ''
  const match = /^Agents' logs \(every run of every priority\): (.+)$/.exec(last)
  expect(match).not.toBeNull()
  return match![1]
}

describe('the log folder is printed at the end of every run', () => {
  it.each([
    ['a successful run', '', 0],
    ['a failed run', ' --fail-on=1', 1]
  ])('%s, with --json: on stderr, stdout the JSON alone', (_name, flags, exit) => {
    using repo = createRepo(roadmapFiles({ 1: { files: ['src/one.ts'] } }))
    const { status, stdout, stderr } = parallelWorktree(
      'run',
      '1',
      '--agent-command',
      `node ${AGENT} --priority={priority}${flags}`,
      ...QUIET,
      '--json',
      '--repo',
      repo.repo
    )
    expect(status).toBe(exit)
    const result = JSON.parse(stdout) as { tasks: { log_file: string }[] }
    const folder = namedLogFolder(stderr)
    expect(existsSync(join(folder, 'priority-1.log'))).toBe(true)
    expect(result.tasks[0].log_file).toBe(join(folder, 'priority-1.log'))
    // The human table is on stderr, before the log folder.
    expect(stderr).toMatch(/PRIORITY +BRANCH +STATUS/)
    expect(stderr).toMatch(exit ? /Failures \(1\)/ : /merged/)
  })

  it('after the terminal report too', () => {
    using repo = createRepo(roadmapFiles({ 1: { files: ['src/one.ts'] } }))
    const { status, stderr } = parallelWorktree(
      'run',
      '1',
      '--agent-command',
      `node ${AGENT} --priority={priority} --fail-on=1`,
      ...QUIET,
      '--repo',
      repo.repo
    )
    expect(status).toBe(1)
    expect(existsSync(join(namedLogFolder(stderr), 'priority-1.log'))).toBe(true)
  })
})
