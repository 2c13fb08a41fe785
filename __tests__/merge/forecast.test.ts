import { MergeEngine } from '../../src/merge/merge-engine.js'
import { createRepo } from '../helpers/temp-repo.js'
import { checkoutState, commitFiles, manager, memoryLogger, tipOf } from './merge-helpers.js'

const FILES = {
  'README.md': '# demo\n',
  'src/a.ts': 'a\n',
  'src/b.ts': 'b\n',
  'src/c.ts': 'c\n',
  'docs/x.md': 'x\n'
}

describe('MergeEngine.predict', () => {
  it('says which branches merge into base and which conflict with each other, changing nothing', async () => {
    using repo = createRepo(FILES)
    commitFiles(repo.repo, 'roadmap', { 'docs/x.md': 'base moved\n' })
    commitFiles(repo.repo, 'p1', { 'src/a.ts': 'one\n' }, { from: 'main' })
    commitFiles(repo.repo, 'p2', { 'src/a.ts': 'two\n', 'src/b.ts': 'two\n' }, { from: 'main' })
    commitFiles(repo.repo, 'p3', { 'docs/x.md': 'three\n' }, { from: 'main' })
    commitFiles(repo.repo, 'p4', { 'src/c.ts': 'four\n' }, { from: 'main' })
    commitFiles(repo.repo, 'p5', { 'src/b.ts': null }, { from: 'main' })
    const refsBefore = ['roadmap', 'p1', 'p2', 'p3', 'p4', 'p5'].map((b) => tipOf(repo.repo, b))
    const before = checkoutState(repo.repo)
    const logger = memoryLogger()
    const engine = new MergeEngine(manager(repo.repo), 'roadmap', logger)

    const forecast = await engine.predict(
      [1, 2, 3, 4, 5].map((n) => ({ branch: `p${n}`, priority: n }))
    )

    expect(forecast.branches.map((b) => [b.branch, b.outcome, b.conflictFiles])).toEqual([
      ['p1', 'clean', []],
      ['p2', 'clean', []],
      ['p3', 'conflict', ['docs/x.md']],
      ['p4', 'clean', []],
      ['p5', 'clean', []]
    ])
    const pairs = forecast.conflictingPairs.map((p) => [p.a.branch, p.b.branch, p.conflictFiles])
    expect(pairs).toEqual([
      ['p1', 'p2', ['src/a.ts']],
      ['p2', 'p5', ['src/b.ts']]
    ])
    // p5 deletes, so it is checked against all four others; of the rest only p1/p2 share a path.
    expect(forecast.pairsDisjoint).toBe(5)
    expect(forecast.pairsChecked).toBe(5)
    expect(forecast.pairsUnchecked).toBe(0)
    expect(logger.lines.join('\n')).toMatch(
      /PRIORITY 1 and PRIORITY 2 conflict with each other in src\/a\.ts/
    )
    expect(['roadmap', 'p1', 'p2', 'p3', 'p4', 'p5'].map((b) => tipOf(repo.repo, b))).toEqual(
      refsBefore
    )
    expect(checkoutState(repo.repo)).toEqual(before)
  })

  it('agrees with the merges that follow, in order', async () => {
    using repo = createRepo(FILES, { checkout: false })
    commitFiles(repo.repo, 'p1', { 'src/a.ts': 'one\n' }, { from: 'roadmap' })
    commitFiles(repo.repo, 'p2', { 'src/a.ts': 'two\n' }, { from: 'roadmap' })
    const engine = new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger())
    const requests = [
      { branch: 'p1', priority: 1 },
      { branch: 'p2', priority: 2 }
    ]
    const forecast = await engine.predict(requests)
    const attempts = await engine.mergeAll(requests)
    expect(forecast.conflictingPairs).toHaveLength(1)
    expect(attempts.map((a) => a.outcome)).toEqual(['merged', 'conflict'])
    expect(attempts[1].conflictFiles).toEqual(forecast.conflictingPairs[0].conflictFiles)
  })

  it('bounds the pairwise checks and reports missing branches', async () => {
    using repo = createRepo(FILES, { checkout: false })
    for (const n of [1, 2, 3])
      commitFiles(repo.repo, `p${n}`, { 'src/a.ts': `${n}\n` }, { from: 'roadmap' })
    const engine = new MergeEngine(manager(repo.repo), 'roadmap', memoryLogger())
    const forecast = await engine.predict(
      [
        ...[1, 2, 3].map((n) => ({ branch: `p${n}`, priority: n })),
        { branch: 'missing', priority: 9 }
      ],
      { maxPairChecks: 2 }
    )
    expect(forecast.pairsChecked).toBe(2)
    expect(forecast.pairsUnchecked).toBe(1)
    expect(forecast.branches[3]).toMatchObject({
      outcome: 'error',
      error: 'refs/heads/missing does not name a commit'
    })
  })
})
