import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { reportRefusal } from '../../src/action/action-report.js'
import { repositoryLinks } from '../../src/report/links.js'
import { failedLogTails, readLogTail } from '../../src/report/log-tail.js'
import { renderRefusalSummary } from '../../src/report/refusal-summary.js'
import { renderSummary } from '../../src/report/summary.js'
import { result, task } from './fixtures.js'

const ENV = { GITHUB_SERVER_URL: 'https://github.example', GITHUB_REPOSITORY: 'acme/app' }
let dir: string
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'pw-summary-'))))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('links in the job summary', () => {
  it('are built from GITHUB_SERVER_URL and GITHUB_REPOSITORY', () => {
    const links = repositoryLinks(ENV)
    expect(links.commit('4f2c65aa')).toBe('https://github.example/acme/app/commit/4f2c65aa')
    expect(links.branch('feature/us-065')).toBe(
      'https://github.example/acme/app/tree/feature/us-065'
    )
    expect(links.compare('roadmap', 'feature/us-065')).toBe(
      'https://github.example/acme/app/compare/roadmap...feature/us-065'
    )
    expect(repositoryLinks({}).commit('4f2c65aa')).toBeNull()
    expect(repositoryLinks({ GITHUB_REPOSITORY: 'a/b/c' }).branch('x')).toBeNull()
    expect(
      repositoryLinks({ ...ENV, GITHUB_SERVER_URL: 'javascript:alert(1)' }).branch('x')
    ).toBeNull()
  })

  it('link merge commits, kept branches and their compare views', () => {
    const merged = task(65)
    const failed = task(67, { status: 'failed', exit_code: 1, merge: 'not-merged', error: 'boom' })
    const summary = renderSummary(result([merged, failed]), {
      branches: 'origin',
      links: repositoryLinks(ENV)
    })
    expect(summary).toContain(
      `[\`4f2c65a\`](https://github.example/acme/app/commit/${merged.merge_commit})`
    )
    expect(summary).toContain(
      '[`feature/us-067`](https://github.example/acme/app/tree/feature/us-067)'
    )
    expect(summary).toContain(
      '[The branch](https://github.example/acme/app/tree/feature/us-067) · [its changes against roadmap](https://github.example/acme/app/compare/roadmap...feature/us-067)'
    )
    // A merged branch was deleted: not linked.
    expect(summary).not.toContain('tree/feature/us-065')
  })
})

describe("a failed agent's log in the summary", () => {
  it('shows its last 20 lines instead of repeating the error', async () => {
    const log = join(dir, 'priority-67.log')
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`)
    writeFileSync(log, `${lines.join('\n')}\n\x1b[31mTraceback: boom\x1b[0m\n\n`)
    expect(await readLogTail(log)).toEqual([...lines.slice(-19), 'Traceback: boom'])
    const failed = task(67, {
      status: 'failed',
      exit_code: 1,
      merge: 'not-merged',
      commits: 0,
      log_file: log,
      error: 'the agent exited with status 1: Traceback: boom'
    })
    const run = result([failed])
    const summary = renderSummary(run, { logTails: await failedLogTails(run) })
    expect(summary).toContain(`The last 20 lines of its log (\`${log}\`):`)
    expect(summary).toContain('line 12\nline 13')
    expect(summary).not.toContain('line 11\n')
    expect(summary).toContain('the agent exited with status 1: Traceback: boom')
  })

  it('names the folder and the artifact to download the logs from', () => {
    const summary = renderSummary(result([task(1)]), {
      logDir: '/runner/_temp/parallel-worktree-logs/42-1',
      runUrl: 'https://github.example/acme/app/actions/runs/42'
    })
    expect(summary).toContain("### 📄 Agents' logs")
    expect(summary).toContain('`/runner/_temp/parallel-worktree-logs/42-1` (the `log-dir` output)')
    expect(summary).toContain('the artifact **parallel-worktree-logs**')
    expect(summary).toContain(
      "[run's page](https://github.example/acme/app/actions/runs/42#artifacts)"
    )
  })
})

describe('a refused run', () => {
  it('still writes a job summary: what was wrong, how to fix it', async () => {
    const file = join(dir, 'summary.md')
    writeFileSync(file, '')
    const saved = process.env.GITHUB_STEP_SUMMARY
    process.env.GITHUB_STEP_SUMMARY = file
    try {
      await reportRefusal(
        'priorities: 7 is not in docs/roadmap/ROADMAP.md (on roadmap), which lists 1, 2. Check the IDs, or name another ROADMAP with roadmap-file.'
      )
    } finally {
      if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY
      else process.env.GITHUB_STEP_SUMMARY = saved
    }
    const text = readFileSync(file, 'utf8')
    expect(text).toContain('## ⛔ parallel-worktree refused to start')
    expect(text).toContain(
      'priorities: 7 is not in docs/roadmap/ROADMAP.md (on roadmap), which lists 1, 2.'
    )
    expect(text).toContain(
      '**How to fix it**: Check the IDs, or name another ROADMAP with roadmap-file. Then run the job again.'
    )
    expect(text).toContain('Nothing was touched')
  })

  it('names the input to correct when the message gives no fix', () => {
    expect(
      renderRefusalSummary('max-parallel: "lots" is not a whole number from 1 to 32, or auto')
    ).toContain(
      "**How to fix it**: Give `max-parallel` a value it accepts (the README's Inputs table says which) in the step's `with:`. Then run the job again."
    )
  })
})
