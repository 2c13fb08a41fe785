#!/usr/bin/env node
// A task's worktree on a large repository, through the run's own WorktreeManager (the sources,
// transpiled): at 5,000 and at 100,000 files, the time to make a worktree (`worktree add` and
// its fill), to remove one, and to reuse a finished one for the next task instead: parking it
// (the end of the finished task: its untracked files deleted, HEAD detached, moved aside) and
// switching it to the next branch (the start of the next one: a checkout of what differs).
// Also a sparse worktree (sparse-checkout: true, one folder of the tree) against a full one.
// Each figure is the median of 3 runs, beside the git processes each takes (counted from
// GIT_TRACE2_EVENT: deterministic where times are not). Goal: a reuse under 0.5 s at 100,000
// files.
// Repositories are made with `git fast-import` (one commit, files spread over folders) on
// /dev/shm when it exists (`--disk`: the temp folder); `--files 5000,100000` picks the sizes.
// Prints one JSON object on stdout, progress on stderr.
import { BENCH_ENV, importedRepository, median, quietLogger, writable } from './_common.mjs'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildSourceCli } from '../source-cli.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`)
  return at > 0 ? process.argv[at + 1] : fallback
}
const SIZES = option('files', '5000,100000').split(',').map(Number)
const RUNS = 3
const GOAL = { reuse_ms_at_100000: 500 }
/** Files an agent changes in its task (and base moves by between two tasks). */
const CHANGED = 20
const ENV = BENCH_ENV
const git = (cwd, args, input) =>
  execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', input, maxBuffer: 256 << 20 })
const log = (message) => process.stderr.write(`worktree bench: ${message}\n`)
const quiet = quietLogger(log)

const onDisk = process.argv.includes('--disk') || !writable('/dev/shm')
const work = mkdtempSync(join(onDisk ? tmpdir() : '/dev/shm', 'pw-bench-worktree-'))
const cli = buildSourceCli(root, 'parallel-worktree-bench')
try {
  const sources = dirname(dirname(cli.entry))
  const { GitCommandManager } = await import(
    pathToFileURL(join(sources, 'git/git-command-manager.js')).href
  )
  const { WorktreeManager } = await import(
    pathToFileURL(join(sources, 'run/worktree-manager.js')).href
  )
  const report = { files: {}, goal: GOAL, on: onDisk ? 'disk' : '/dev/shm' }
  for (const files of SIZES) {
    const repo = importedRepository(join(work, `repo-${files}`), files)
    log(`${files} files: repository made`)
    const trace = join(work, `trace-${files}.json`)
    writeFileSync(trace, '')
    const gitManager = new GitCommandManager(repo, { ...ENV, GIT_TRACE2_EVENT: trace })
    const processes = () => readFileSync(trace, 'utf8').split('"event":"start"').length - 1
    const base = git(repo, ['rev-parse', 'main']).trim()
    const options = (branch, path, extra = {}) => ({
      branch,
      path,
      startPoint: base,
      baseBranch: 'main',
      removeOnDispose: true,
      reason: 'bench',
      ...extra
    })
    const counts = {}
    const timed = async (work, name) => {
      const before = processes()
      const start = performance.now()
      const value = await work()
      const ms = Math.round(performance.now() - start)
      if (name) counts[name] = processes() - before
      return { ms, value }
    }
    const figures = { add: [], remove: [], park: [], reuse: [], sparse_add: [], sparse_remove: [] }
    for (let run = 1; run <= RUNS; run++) {
      // A worktree made and removed as the run did before: a new one per task.
      const plain = new WorktreeManager(gitManager, quiet)
      const made = await timed(
        () => plain.create(options(`fresh-${run}`, join(work, 'wt-fresh'))),
        'add'
      )
      figures.add.push(made.ms)
      agentWork(made.value.path, run)
      figures.remove.push((await timed(() => plain.remove(made.value.path), 'remove')).ms)

      // The same task's worktree reused for the next task.
      const reusing = new WorktreeManager(gitManager, quiet)
      reusing.reuseFinished()
      const first = await reusing.create(options(`first-${run}`, join(work, 'wt-first')))
      agentWork(first.path, run)
      figures.park.push((await timed(() => reusing.release(first.path, true), 'park')).ms)
      const next = await timed(
        () => reusing.create(options(`next-${run}`, join(work, 'wt-next'))),
        'reuse'
      )
      figures.reuse.push(next.ms)
      await reusing.remove(next.value.path)

      // Sparse: one top folder of the tree (and the root's files).
      const sparse = await timed(
        () => plain.create(options(`sparse-${run}`, join(work, 'wt-sparse'), { sparse: ['d000'] })),
        'sparse_add'
      )
      figures.sparse_add.push(sparse.ms)
      figures.sparse_remove.push((await timed(() => plain.remove(sparse.value.path))).ms)
      log(
        `${files} files, run ${run}: add ${made.ms} ms, reuse ${next.ms} ms, sparse add ${sparse.ms} ms`
      )
    }
    const result = Object.fromEntries(
      Object.entries(figures).map(([name, values]) => [`${name}_ms`, median(values)])
    )
    result.remove_and_add_ms = result.remove_ms + result.add_ms
    result.park_and_reuse_ms = result.park_ms + result.reuse_ms
    result.git_processes = counts
    result.runs = figures
    report.files[files] = result
    rmSync(repo, { recursive: true, force: true })
  }
  const big = report.files[100000]
  report.pass = big ? big.reuse_ms < GOAL.reuse_ms_at_100000 : null
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
} finally {
  cli[Symbol.dispose]()
  rmSync(work, { recursive: true, force: true })
}

/** What an agent leaves: CHANGED files changed and committed, and ignored build output. */
function agentWork(worktree, run) {
  for (let k = 0; k < CHANGED; k++) {
    const file = join(worktree, `d${String(k).padStart(3, '0')}/s0/f${k}.ts`)
    writeFileSync(file, `export const changed = ${run}\n`)
  }
  execFileSync('mkdir', ['-p', join(worktree, 'build')])
  for (let k = 0; k < 100; k++) writeFileSync(join(worktree, `build/out-${k}.js`), `${k}\n`)
  git(worktree, ['add', '-A'])
  git(worktree, ['commit', '-q', '-m', `agent ${run}`])
}
