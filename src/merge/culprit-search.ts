// The pure core of the verify gate: which candidates to test next, given what was seen. No git,
// no processes: the verify queue builds and runs the candidates this asks for.

export type VerifyOutcome = 'pass' | 'fail'

/**
 * A candidate: base plus the merges of these items (indices into the batch, in batch order).
 * `[]` is base alone.
 */
export type Candidate = readonly number[]

export type SearchStep =
  | { kind: 'run'; candidates: Candidate[] }
  | {
      kind: 'done'
      /** The largest set found to pass: the merges that land. */
      good: number[]
      /** Each culprit with the candidate that failed (twice) with it and passed without it. */
      culprits: { item: number; failed: Candidate }[]
      /** verify-command fails on base alone: nothing can be blamed, nothing lands. */
      baseFails: boolean
    }

type Verdict = 'unknown' | 'pass' | 'suspect' | 'fail'

/**
 * What a candidate's runs say: a pass is a pass (a failure before it was flaky); a failure
 * counts once it was seen twice, and is only `suspect` after one run.
 */
export function verdictOf(outcomes: readonly VerifyOutcome[]): Verdict {
  if (outcomes.length === 0) return 'unknown'
  if (outcomes.includes('pass')) return 'pass'
  return outcomes.length >= 2 ? 'fail' : 'suspect'
}

/**
 * The next round of a (p+1)-ary search for the culprits of a failing batch of `count` items,
 * riskiest last. The batch is tested first, alone (the common case: it passes, one round).
 * When it fails, the first failing prefix is searched for: `parallel` prefixes are tested at
 * once, cutting the interval that holds it into parallel + 1 parts, so ceil(log_{p+1} n) rounds
 * instead of log2 n. The item that ends the first failing prefix is the culprit once that
 * prefix failed twice (a failure is run once more before blame); it is set aside, the prefix
 * before it is known good, and the good set (that prefix plus the items after the culprit) is
 * tested, then searched the same way when it fails (two culprits). Runs that only confirm a
 * blame go in the same round as the test of the good set that would follow it, so that the
 * confirmation costs no round of its own. Base alone is tested only before blaming the first
 * item, so that a base that fails is not blamed on the branches.
 *
 * `seen` gives every outcome observed so far for a candidate (the caller caches by tree id).
 */
export function nextVerifyRound(
  count: number,
  parallel: number,
  seen: (candidate: Candidate) => readonly VerifyOutcome[]
): SearchStep {
  const slots = Math.max(1, parallel)
  const tests: Candidate[] = []
  const add = (candidate: Candidate): boolean => {
    if (tests.some((test) => sameCandidate(test, candidate))) return true
    if (tests.length >= slots) return false
    tests.push(candidate)
    return true
  }
  const verdict = (candidate: Candidate): Verdict => verdictOf(seen(candidate))
  const finish = (step: SearchStep & { kind: 'done' }): SearchStep =>
    tests.length ? { kind: 'run', candidates: tests } : step

  let good: number[] = []
  let rest = Array.from({ length: count }, (_, index) => index)
  const culprits: { item: number; failed: Candidate }[] = []
  for (;;) {
    const whole = [...good, ...rest]
    const state = verdict(whole)
    if (state === 'unknown') {
      add(whole)
      return finish({ kind: 'done', good: [], culprits: [], baseFails: false })
    }
    if (state === 'pass') return finish({ kind: 'done', good: whole, culprits, baseFails: false })
    // The batch failed once: run it again, and search at the same time, as if it failed.
    if (state === 'suspect' && good.length === 0 && culprits.length === 0 && !add(whole)) {
      return { kind: 'run', candidates: tests }
    }

    // Prefix k is good plus the first k of rest: 0 is known to pass, rest.length fails.
    const prefix = (k: number): number[] => [...good, ...rest.slice(0, k)]
    let low = 0
    for (let k = rest.length - 1; k > 0; k--) {
      if (verdict(prefix(k)) === 'pass') {
        low = k
        break
      }
    }
    let high = rest.length
    for (let k = low + 1; k < rest.length; k++) {
      const v = verdict(prefix(k))
      if (v === 'fail' || v === 'suspect') {
        high = k
        break
      }
    }

    if (high - low > 1) {
      // Cut (low, high) into as many parts as there are slots left, plus one.
      const free = slots - tests.length
      if (free <= 0) return { kind: 'run', candidates: tests }
      const probes = Math.min(free, high - low - 1)
      const step = (high - low) / (probes + 1)
      for (let i = 1; i <= probes; i++) add(prefix(low + Math.floor(i * step)))
      return { kind: 'run', candidates: tests }
    }

    const failed = prefix(high)
    if (verdict(failed) === 'suspect' && !add(failed)) return { kind: 'run', candidates: tests }
    if (low === 0 && good.length === 0) {
      // Blaming the first item is blaming base plus it: base alone must pass first.
      const base = verdict([])
      if (base === 'fail') return finish({ kind: 'done', good: [], culprits: [], baseFails: true })
      if (base !== 'pass' && !add([])) return { kind: 'run', candidates: tests }
    }
    culprits.push({ item: rest[high - 1], failed })
    good = prefix(low)
    rest = rest.slice(high)
  }
}

export function sameCandidate(a: Candidate, b: Candidate): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index])
}

/** The search played out against a known answer: how many rounds and runs it takes. */
export function simulateSearch(
  count: number,
  parallel: number,
  passes: (candidate: Candidate) => boolean | VerifyOutcome[]
): { rounds: number; runs: number; result: SearchStep & { kind: 'done' } } {
  const outcomes = new Map<string, VerifyOutcome[]>()
  const key = (candidate: Candidate): string => candidate.join(',')
  let rounds = 0
  let runs = 0
  for (;;) {
    const step = nextVerifyRound(count, parallel, (c) => outcomes.get(key(c)) ?? [])
    if (step.kind === 'done') return { rounds, runs, result: step }
    rounds++
    for (const candidate of step.candidates) {
      runs++
      const seen = outcomes.get(key(candidate)) ?? []
      const answer = passes(candidate)
      // A scripted answer gives the outcome of each run in turn (flaky candidates).
      const outcome = Array.isArray(answer)
        ? (answer[seen.length] ?? answer.at(-1)!)
        : answer
          ? 'pass'
          : 'fail'
      outcomes.set(key(candidate), [...seen, outcome])
    }
    if (rounds > 8 * count + 16) throw new Error('the verify search did not end')
  }
}
