import {
  nextVerifyRound,
  simulateSearch,
  verdictOf,
  type Candidate
} from '../../src/merge/culprit-search.js'

/** A verify command that fails exactly when one of the culprits is in the candidate. */
const failsWith =
  (...culprits: number[]) =>
  (candidate: Candidate): boolean =>
    !candidate.some((item) => culprits.includes(item))

describe('the culprit search', () => {
  test('a passing batch takes one round of one run', () => {
    const { rounds, runs, result } = simulateSearch(8, 3, () => true)
    expect({ rounds, runs }).toEqual({ rounds: 1, runs: 1 })
    expect(result).toMatchObject({ good: [0, 1, 2, 3, 4, 5, 6, 7], culprits: [] })
  })

  test('finds any one culprit among 8 in at most ceil(log4(8)) + 2 rounds with 3 at once', () => {
    const bound = Math.ceil(Math.log(8) / Math.log(4)) + 2
    for (let culprit = 0; culprit < 8; culprit++) {
      const { rounds, result } = simulateSearch(8, 3, failsWith(culprit))
      expect(rounds).toBeLessThanOrEqual(bound)
      expect(result.culprits.map((c) => c.item)).toEqual([culprit])
      expect(result.good).toEqual([0, 1, 2, 3, 4, 5, 6, 7].filter((i) => i !== culprit))
      expect(result.baseFails).toBe(false)
    }
  })

  test('finds every pair of culprits among 8, and the good set passes', () => {
    for (let a = 0; a < 8; a++) {
      for (let b = a + 1; b < 8; b++) {
        const { result } = simulateSearch(8, 3, failsWith(a, b))
        expect(result.culprits.map((c) => c.item)).toEqual([a, b])
        expect(failsWith(a, b)(result.good)).toBe(true)
        expect(result.good).toHaveLength(6)
      }
    }
  })

  test('a blamed candidate failed twice, and without its culprit it passed', () => {
    const { result } = simulateSearch(8, 3, failsWith(5))
    const [{ failed }] = result.culprits
    expect(failed).toContain(5)
    expect(failsWith(5)(failed.filter((i) => i !== 5))).toBe(true)
  })

  test('a batch that fails once and then passes blames nobody', () => {
    const flaky = (candidate: Candidate) =>
      candidate.length === 8 ? (['fail', 'pass'] as const).slice() : true
    const { rounds, result } = simulateSearch(8, 3, flaky)
    expect(result.culprits).toEqual([])
    expect(result.good).toHaveLength(8)
    expect(rounds).toBe(2)
  })

  test('a probe that fails once is not blamed: its rerun passes and the search goes on', () => {
    // Prefixes of length 5 fail on their first run only; the real culprit is item 6.
    const { result } = simulateSearch(8, 3, (candidate) =>
      candidate.length === 5 && candidate[4] === 4 ? ['fail', 'pass'] : failsWith(6)(candidate)
    )
    expect(result.culprits.map((c) => c.item)).toEqual([6])
  })

  test('a base that fails on its own blames no branch', () => {
    const { result } = simulateSearch(4, 2, () => false)
    expect(result).toMatchObject({ baseFails: true, culprits: [], good: [] })
  })

  test('one at a time (p = 1) is a bisection: more rounds than three at once', () => {
    const one = simulateSearch(16, 1, failsWith(9))
    const three = simulateSearch(16, 3, failsWith(9))
    expect(one.result.culprits.map((c) => c.item)).toEqual([9])
    expect(three.rounds).toBeLessThan(one.rounds)
  })

  test('never asks for more candidates at once than allowed', () => {
    for (const parallel of [1, 2, 3, 5]) {
      const outcomes = new Map<string, ('pass' | 'fail')[]>()
      for (;;) {
        const step = nextVerifyRound(16, parallel, (c) => outcomes.get(c.join(',')) ?? [])
        if (step.kind === 'done') break
        expect(step.candidates.length).toBeLessThanOrEqual(parallel)
        for (const c of step.candidates) {
          const seen = outcomes.get(c.join(',')) ?? []
          outcomes.set(c.join(','), [...seen, failsWith(3, 11)(c) ? 'pass' : 'fail'])
        }
      }
    }
  })

  test('a verdict: a pass wins, a failure counts when seen twice', () => {
    expect(verdictOf([])).toBe('unknown')
    expect(verdictOf(['fail'])).toBe('suspect')
    expect(verdictOf(['fail', 'fail'])).toBe('fail')
    expect(verdictOf(['fail', 'pass'])).toBe('pass')
  })
})
