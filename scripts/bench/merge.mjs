#!/usr/bin/env node
// The merge engine at scale: a 5,000-file repository, 100 completed branches (each changing
// 1 to 3 files no other branch touches) merged into `roadmap` in order with MergeEngine.mergeAll,
// (a) with roadmap not checked out (object store + compare-and-swap) and (b) with roadmap
// checked out in the repository's own checkout (brought along to the last merge in one step);
// against the way of the first implementation on a copy of the same repository: `git checkout
// roadmap` + `git merge --no-ff` one branch at a time in a checkout. Checks that every way ends
// with the same tree. Each figure is the median of 3 rounds. Goal: 100 merges under 5 s.
// The verify gate: rounds and wall time to find 1 and 2 culprits among 16 branches with a verify
// command of fixed duration, 3 candidates at once ((p+1)-ary search) against one at a time
// (bisection, one half at a time); and the search core's rounds over every culprit position.
// Builds src/merge/index.ts with ncc into a temp folder, prints one JSON object on stdout.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const FILES = 5000
const BRANCHES = 100
const GOAL_MS = 5000
const RUNS = 3
const VERIFY_BRANCHES = 16
const VERIFY_SECONDS = 1
const ENV = { ...process.env, LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1' }
const silent = { info() {}, warning() {}, error() {}, debug() {}, group() {} }

const git = (cwd, args, input) =>
  execFileSync('git', args, {
    cwd,
    env: ENV,
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  }).trim()
const log = (message) => process.stderr.write(`merge bench: ${message}\n`)

const work = mkdtempSync(join(tmpdir(), 'pw-bench-merge-'))
try {
  log('building src/merge/index.ts with ncc…')
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
      'build',
      join(root, 'src/merge/index.ts'),
      '-o',
      join(work, 'dist'),
      '--quiet'
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }
  )
  const { MergeEngine, GitCommandManager, VerifyQueue, simulateSearch } = await import(
    pathToFileURL(join(work, 'dist/index.js')).href
  )

  log(`making a ${FILES}-file repository with ${BRANCHES} branches…`)
  const source = join(work, 'source')
  makeRepository(source)
  const requests = Array.from({ length: BRANCHES }, (_, i) => ({
    branch: `agent/p${i + 1}`,
    priority: i + 1
  }))

  const copy = (name, checkout) => {
    const dir = join(work, name)
    cpSync(source, dir, { recursive: true })
    git(dir, ['checkout', '-q', checkout])
    return dir
  }
  // Each figure is the median of RUNS rounds; roadmap goes back to main between rounds.
  const rounds = async (dir, reset, once) => {
    const times = []
    for (let round = 0; round < RUNS; round++) {
      reset(dir)
      git(dir, ['status', '--porcelain']) // a fresh index stat cache, as a user's checkout has
      const began = performance.now()
      await once(dir)
      times.push(performance.now() - began)
    }
    return median(times)
  }
  const engineMerges = async (dir) => {
    const engine = new MergeEngine(new GitCommandManager(dir, ENV), 'roadmap', silent)
    const attempts = await engine.mergeAll(requests)
    const notMerged = attempts.filter((a) => a.outcome !== 'merged')
    if (notMerged.length) {
      throw new Error(
        `${notMerged.length} merges failed: ${notMerged[0].error ?? notMerged[0].conflictFiles}`
      )
    }
  }
  const resetRef = (dir) => git(dir, ['update-ref', 'refs/heads/roadmap', 'refs/heads/main'])
  const resetCheckout = (dir) => git(dir, ['reset', '-q', '--hard', 'refs/heads/main'])

  log('engine, roadmap not checked out…')
  const objectStore = copy('object-store', 'main')
  const objectStoreMs = await rounds(objectStore, resetRef, engineMerges)

  log('engine, roadmap checked out…')
  const checkedOut = copy('checked-out', 'roadmap')
  const checkedOutMs = await rounds(checkedOut, resetCheckout, engineMerges)
  const checkoutClean = git(checkedOut, ['status', '--porcelain']) === ''
  const checkoutAtTip =
    git(checkedOut, ['rev-parse', 'HEAD']) === git(checkedOut, ['rev-parse', 'refs/heads/roadmap'])

  log('baseline: git checkout + git merge --no-ff in a checkout…')
  const baseline = copy('baseline', 'main')
  const baselineReset = (dir) => {
    git(dir, ['checkout', '-q', 'main'])
    resetRef(dir)
  }
  const baselineMs = await rounds(baseline, baselineReset, async (dir) => {
    for (const { branch, priority } of requests) {
      git(dir, ['checkout', '-q', 'roadmap'])
      git(dir, [
        'merge',
        '--no-ff',
        '-q',
        '-m',
        `Merge PRIORITY ${priority} from parallel execution`,
        branch
      ])
    }
  })

  log('verify gate: culprits among 16 branches…')
  const verify = await verifyBench(work, { MergeEngine, GitCommandManager, VerifyQueue })
  const searchRounds = (parallel, culprits) => {
    const all = []
    for (let a = 0; a < VERIFY_BRANCHES; a++) {
      for (let b = culprits === 2 ? a + 1 : VERIFY_BRANCHES; b <= VERIFY_BRANCHES; b++) {
        const guilty = culprits === 2 ? [a, b] : [a]
        if (guilty.some((g) => g >= VERIFY_BRANCHES)) continue
        all.push(
          simulateSearch(VERIFY_BRANCHES, parallel, (c) => !c.some((i) => guilty.includes(i)))
            .rounds
        )
      }
    }
    return { mean: round(all.reduce((x, y) => x + y, 0) / all.length), worst: Math.max(...all) }
  }
  verify.search_rounds_every_position = {
    one_culprit: { three_at_once: searchRounds(3, 1), bisection: searchRounds(1, 1) },
    two_culprits: { three_at_once: searchRounds(3, 2), bisection: searchRounds(1, 2) }
  }

  const tree = (dir) => git(dir, ['rev-parse', 'refs/heads/roadmap^{tree}'])
  const sameTree = tree(objectStore) === tree(baseline) && tree(checkedOut) === tree(baseline)
  const result = {
    goal: `${BRANCHES} merges into a ${FILES}-file repository under ${GOAL_MS} ms`,
    files: FILES,
    runs_per_figure: RUNS,
    branches: BRANCHES,
    merge_100_branches_ms: round(objectStoreMs),
    merge_100_branches_checked_out_ms: round(checkedOutMs),
    baseline_checkout_merge_ms: round(baselineMs),
    per_merge_ms: round(objectStoreMs / BRANCHES),
    per_merge_checked_out_ms: round(checkedOutMs / BRANCHES),
    baseline_per_merge_ms: round(baselineMs / BRANCHES),
    same_tree_as_baseline: sameTree,
    checked_out_checkout_clean_at_tip: checkoutClean && checkoutAtTip,
    verify,
    goal_ms: GOAL_MS,
    pass:
      objectStoreMs < GOAL_MS &&
      checkedOutMs < GOAL_MS &&
      sameTree &&
      checkoutClean &&
      checkoutAtTip &&
      verify.culprits_found
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
} finally {
  rmSync(work, { recursive: true, force: true })
}

/** main (= roadmap) with FILES files in 50 folders, and BRANCHES branches from it, via fast-import. */
function makeRepository(dir) {
  mkdirSync(dir)
  git(dir, ['init', '-q', '-b', 'main'])
  git(dir, ['config', 'user.name', 'Bench'])
  git(dir, ['config', 'user.email', 'bench@example.com'])
  const path = (i) => `src/part${i % 50}/file${i}.ts`
  const content = (i, version) =>
    `// file ${i}\nexport const value${i} = ${version}\n${'// padding line\n'.repeat(20)}`
  const chunks = []
  const data = (text) => chunks.push(`data ${Buffer.byteLength(text)}\n${text}\n`)
  const when = 'Bench <bench@example.com> 1700000000 +0000'
  chunks.push(`commit refs/heads/main\nmark :1\ncommitter ${when}\n`)
  data('initial')
  for (let i = 0; i < FILES; i++) {
    chunks.push(`M 100644 inline ${path(i)}\n`)
    data(content(i, 0))
  }
  // Distinct files per branch: a deterministic shuffle, then 1, 2 or 3 files each.
  const order = Array.from({ length: FILES }, (_, i) => i)
  let seed = 42
  for (let i = order.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const j = seed % (i + 1)
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  let next = 0
  for (let b = 1; b <= BRANCHES; b++) {
    chunks.push(`commit refs/heads/agent/p${b}\ncommitter ${when}\n`)
    data(`priority ${b}`)
    chunks.push('from :1\n')
    for (let k = 0; k < 1 + (b % 3); k++) {
      const i = order[next++]
      chunks.push(`M 100644 inline ${path(i)}\n`)
      data(content(i, b))
    }
  }
  git(dir, ['fast-import', '--quiet'], chunks.join(''))
  git(dir, ['branch', 'roadmap', 'main'])
  git(dir, ['checkout', '-q', '-f', 'main'])
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function round(value) {
  return Math.round(value * 10) / 10
}

/**
 * 16 branches on a 200-file repository, a verify command that takes VERIFY_SECONDS and fails
 * when a `broken-*` file is in the candidate; the culprits add one. Each scenario merged with
 * the gate at 3 candidates at once and at 1 (bisection), on a fresh copy.
 */
async function verifyBench(work, { MergeEngine, GitCommandManager, VerifyQueue }) {
  const { spawn } = await import('node:child_process')
  const { createWriteStream } = await import('node:fs')
  const command = `sleep ${VERIFY_SECONDS}; if ls | grep -q '^broken-'; then exit 1; fi`
  const runner = (worktree, logFile) =>
    new Promise((done) => {
      const out = createWriteStream(logFile)
      const child = spawn('bash', ['-c', command], { cwd: worktree, env: ENV })
      child.stdout.pipe(out)
      child.stderr.pipe(out)
      child.on('close', (code) =>
        done({ passed: code === 0, cancelled: false, detail: `exit ${code}` })
      )
    })
  const scenarios = {}
  let found = true
  for (const culprits of [[11], [5, 13]]) {
    for (const parallel of [3, 1]) {
      const dir = join(work, `verify-${culprits.join('-')}-${parallel}`)
      makeVerifyRepository(dir, culprits)
      const logDir = join(work, `verify-logs-${culprits.join('-')}-${parallel}`)
      mkdirSync(logDir)
      const gitManager = new GitCommandManager(dir, ENV)
      const queue = new VerifyQueue(gitManager, {
        command,
        parallel,
        run: runner,
        logDir,
        logger: silent
      })
      const engine = new MergeEngine(gitManager, 'roadmap', silent, { verify: queue })
      const requests = Array.from({ length: VERIFY_BRANCHES }, (_, i) => ({
        branch: `agent/p${i + 1}`,
        priority: i + 1
      }))
      const began = performance.now()
      const attempts = await engine.mergeAll(requests)
      const wall = performance.now() - began
      const blamed = attempts.filter((a) => a.outcome === 'verify-failed').map((a) => a.priority)
      const merged = attempts.filter((a) => a.outcome === 'merged').length
      const ok = blamed.join() === culprits.join() && merged === VERIFY_BRANCHES - culprits.length
      found &&= ok
      const report = queue.report()
      scenarios[
        `${culprits.length}_culprit${culprits.length > 1 ? 's' : ''}_${parallel === 1 ? 'bisection' : `${parallel}_at_once`}`
      ] = {
        rounds: report.rounds,
        runs: report.runs,
        wall_ms: Math.round(wall),
        culprits_found: blamed,
        merged,
        ok
      }
    }
  }
  return {
    branches: VERIFY_BRANCHES,
    verify_seconds: VERIFY_SECONDS,
    ...scenarios,
    culprits_found: found
  }
}

function makeVerifyRepository(dir, culprits) {
  mkdirSync(dir)
  git(dir, ['init', '-q', '-b', 'main'])
  git(dir, ['config', 'user.name', 'Bench'])
  git(dir, ['config', 'user.email', 'bench@example.com'])
  const chunks = []
  const data = (text) => chunks.push(`data ${Buffer.byteLength(text)}\n${text}\n`)
  const when = 'Bench <bench@example.com> 1700000000 +0000'
  chunks.push(`commit refs/heads/main\nmark :1\ncommitter ${when}\n`)
  data('initial')
  for (let i = 0; i < 200; i++) {
    chunks.push(`M 100644 inline src/file${i}.ts\n`)
    data(`export const value${i} = ${i}\n`)
  }
  for (let b = 1; b <= VERIFY_BRANCHES; b++) {
    chunks.push(`commit refs/heads/agent/p${b}\ncommitter ${when}\n`)
    data(`priority ${b}`)
    chunks.push('from :1\n')
    chunks.push(`M 100644 inline src/feature${b}.ts\n`)
    data(`export const feature${b} = true\n`)
    // Every branch the same size, so that the risk order keeps the input order here.
    chunks.push(`M 100644 inline ${culprits.includes(b) ? 'broken' : 'extra'}-${b}\n`)
    data('one more file\n')
  }
  git(dir, ['fast-import', '--quiet'], chunks.join(''))
  git(dir, ['branch', 'roadmap', 'main'])
}
