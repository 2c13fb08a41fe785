import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { MergeEngine, type MergeRequest } from '../../src/merge/merge-engine.js'
import { VerifyQueue } from '../../src/merge/verify-queue.js'
import { verifyRunner } from '../../src/engine/verify-runner.js'
import { createRepo, git, type TempRepo } from '../helpers/temp-repo.js'
import { settingsFor } from '../run/run-helpers.js'
import { commitFiles, manager, memoryLogger, tipOf } from './merge-helpers.js'

// The verify gate on real repositories and real processes: verify-command is a shell script
// that fails when a file named `broken-*` is in the candidate.
const VERIFY = 'if ls | grep -q "^broken-"; then echo "found $(ls | grep "^broken-")"; exit 1; fi'

/** Eight branches, each adding a file of its own; the culprits' also add a `broken-` file. */
function eightBranches(repo: string, culprits: number[]): MergeRequest[] {
  const requests: MergeRequest[] = []
  for (let p = 1; p <= 8; p++) {
    const files: Record<string, string> = { [`feature-${p}.txt`]: `feature ${p}\n` }
    if (culprits.includes(p)) files[`broken-${p}`] = 'oops\n'
    commitFiles(repo, `agent/p${p}`, files, { from: 'roadmap' })
    requests.push({ branch: `agent/p${p}`, priority: p })
  }
  return requests
}

function gate(dir: TempRepo, command = VERIFY, parallel = 3) {
  const logger = memoryLogger()
  const settings = settingsFor(dir.repo, { priorities: '1-8', 'verify-command': command })
  const verify = new VerifyQueue(manager(dir.repo), {
    command,
    parallel,
    run: verifyRunner(settings, { env: { PATH: process.env.PATH }, killGraceMs: 300 }),
    logDir: join(dir.path, 'logs'),
    logger
  })
  return {
    verify,
    logger,
    engine: new MergeEngine(manager(dir.repo), 'roadmap', logger, { verify })
  }
}

function filesOn(repo: string, ref: string): string[] {
  return git(repo, 'ls-tree', '--name-only', ref).split('\n')
}

describe('the verify gate', () => {
  test('a culprit among 8 is found and kept, the other 7 merged, in at most ceil(log4(8)) + 2 rounds with 3 at once', async () => {
    using dir = createRepo()
    const requests = eightBranches(dir.repo, [5])
    const culpritTip = tipOf(dir.repo, 'agent/p5')
    const { engine, verify } = gate(dir)

    const attempts = await engine.mergeAll(requests)

    expect(attempts.map((a) => a.outcome)).toEqual([
      'merged',
      'merged',
      'merged',
      'merged',
      'verify-failed',
      'merged',
      'merged',
      'merged'
    ])
    const report = verify.report()
    expect(report.rounds).toBeLessThanOrEqual(Math.ceil(Math.log(8) / Math.log(4)) + 2)
    expect(report.culprits.map((c) => c.priority)).toEqual([5])
    expect(report.culprits[0].reproduce).toContain('refs/parallel-worktree/verify-failed/5')
    // Base holds the seven, not the culprit; the culprit's branch is kept as it was.
    const files = filesOn(dir.repo, 'roadmap')
    for (const p of [1, 2, 3, 4, 6, 7, 8]) expect(files).toContain(`feature-${p}.txt`)
    expect(files).not.toContain('feature-5.txt')
    expect(files.some((f) => f.startsWith('broken-'))).toBe(false)
    expect(tipOf(dir.repo, 'agent/p5')).toBe(culpritTip)
    expect(attempts[4].error).toContain('To reproduce: git worktree add --detach')
    // The user's checkout followed base; no candidate worktree is left.
    expect(git(dir.repo, 'status', '--porcelain')).toBe('')
    expect(git(dir.repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    // The failing candidate is kept reachable, and fails as reported.
    expect(
      git(dir.repo, 'ls-tree', '--name-only', 'refs/parallel-worktree/verify-failed/5')
    ).toContain('broken-5')
  })

  test('two culprits among 8: both kept, the other 6 merged', async () => {
    using dir = createRepo()
    const requests = eightBranches(dir.repo, [2, 7])
    const { engine, verify } = gate(dir)
    const attempts = await engine.mergeAll(requests)
    expect(attempts.filter((a) => a.outcome === 'verify-failed').map((a) => a.priority)).toEqual([
      2, 7
    ])
    expect(attempts.filter((a) => a.outcome === 'merged')).toHaveLength(6)
    expect(
      verify
        .report()
        .culprits.map((c) => c.priority)
        .sort()
    ).toEqual([2, 7])
    expect(filesOn(dir.repo, 'roadmap').some((f) => f.startsWith('broken-'))).toBe(false)
  })

  test('a verify that fails once and then passes blames nobody', async () => {
    using dir = createRepo()
    const requests = eightBranches(dir.repo, [])
    const once = join(dir.path, 'failed-once')
    const { engine, verify } = gate(
      dir,
      `if [ ! -e ${once} ]; then touch ${once}; echo flaky; exit 1; fi`
    )
    const attempts = await engine.mergeAll(requests)
    expect(attempts.every((a) => a.outcome === 'merged')).toBe(true)
    expect(verify.report()).toMatchObject({ culprits: [], flaky: 1, rounds: 2 })
    for (let p = 1; p <= 8; p++) expect(filesOn(dir.repo, 'roadmap')).toContain(`feature-${p}.txt`)
  })

  test('a passing batch: one round, one run, and base moves to the very candidate that passed', async () => {
    using dir = createRepo()
    const requests = eightBranches(dir.repo, [])
    const marker = join(dir.path, 'verified-tree')
    const { engine, verify } = gate(dir, `git rev-parse HEAD^{tree} > ${marker}`)
    await engine.mergeAll(requests)
    expect(verify.report()).toMatchObject({ rounds: 1, runs: 1 })
    expect(git(dir.repo, 'rev-parse', 'roadmap^{tree}')).toBe(readFileSync(marker, 'utf8').trim())
  })
})
