#!/usr/bin/env node
// The run stage at work: 12 independent priorities whose agent (examples/agent, --sleep=2)
// takes 2 s each, max-parallel 3, on a 5,000-file repository, through the engine's
// runParallel (plan, worktrees, agents, merges, cleanup). Ideal: 4 rounds of 2 s = 8 s. Also
// the same priorities one after another (max-parallel 1) for the speedup. The parallel figure
// is the median of 3 runs. Goal: within 10 % of ideal, speedup >= 2.8.
//
// The floor: the same 12 agents run by a bare loop of this script, 3 (then 1) at a time, in
// worktrees made beforehand, with no plan, no verdict, no merge and no cleanup. No
// orchestrator can beat it on this machine: it is what the agents cost here (node's start,
// their git add and commit, and on 2 cores their contention for the CPU). The goal is
// reachable here only if the floor itself meets it; overhead_vs_floor_pct is what the engine
// adds. Beside it, floor_with_worktrees: the same loop making each slot's worktree (`git
// worktree add`, one at a time, its agents starting as soon as it exists) and removing them
// within its clock, as any orchestrator must (overhead_vs_floor_with_worktrees_pct).
//
// Beside the wall times: the hand-over, from one agent's end (its own clock, just before it
// exits) to the start of the agent that takes its slot (the engine's processStarted), median
// at max-parallel 1 and 3, and at max-parallel 1 the first hand-overs against the last ones
// (a cost that grows with the tasks done shows there). And the git processes the coordinator
// spawns per task, counted in one more run at max-parallel 3 by a `git` first on PATH that
// notes each call whose parent is this process (an agent's git has the agent for parent).
//
// The end of a run: from the last agent's end (its process exit, told by the engine's events)
// to runParallel's return (merges, worktree removals, branch deletions, the result), at
// max-parallel 3 (end_of_run_ms, median of the parallel runs) and in the wide case.
// The wide case: 32 priorities whose agent takes 3 s, max-parallel 16: ideal 2 rounds = 6 s;
// goal: within 1.25x the ideal. Its floor is the bare loop with 16 slots (on 2 cores the floor
// itself may miss the goal: both are reported). `--wide` runs the wide case only,
// `--git-only` the counted run only, `--handover-only` one run at 3 and one at 1 for their
// hand-overs.
// The large case: the hand-over on a 100,000-file repository (made with fast-import), four
// four-second agents one at a time; target: a median under 100 ms (`--large`: that case only).
// Repositories live on /dev/shm when it exists (`--disk`: the temp folder), see below.
// Builds src/engine/index.ts with ncc into a temp folder (`--root DIR`: from another tree),
// prints one JSON object on stdout, progress on stderr. `--git-calls FILE` writes the counted
// run's git calls there, one line each with their arguments, to see which ones to save.
import { BENCH_ENV, importedRepository, median, quietLogger, writable } from './_common.mjs'
import { execFile, execFileSync, spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const rootFlag = process.argv.indexOf('--root')
const root = rootFlag > 0 ? resolve(process.argv[rootFlag + 1]) : here
const FILES = 5000
const PRIORITIES = 12
const MAX_PARALLEL = 3
const SLEEP_S = 2
const RUNS = 3
const GOAL = { within_pct: 10, speedup: 2.8 }
/** The targets at 5,000 files (reported, not part of `pass`: timings here are noisy). */
const TARGETS = { git_per_task: 25, handover_ms: 25 }
const WIDE = { priorities: 32, maxParallel: 16, sleepS: 3, goalRatio: 1.25 }
/** The hand-over on a large repository: one agent at a time, 100,000 files. */
const LARGE = { files: 100000, priorities: 4, sleepS: 4, targetMs: 100 }
const AGENT = join(root, 'examples/agent/example-agent.mjs')
const ENV = BENCH_ENV

const git = (cwd, args) =>
  execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 64 << 20 }).trim()
const gitAsync = (cwd, args) =>
  new Promise((done, fail) =>
    execFile('git', args, { cwd, env: ENV }, (error) => (error ? fail(error) : done()))
  )
const log = (message) => process.stderr.write(`run bench: ${message}\n`)
const quiet = quietLogger(log)

// Worktrees are made on a RAM disk when there is one: on this shared machine the disk's file
// creation time swings tenfold with other jobs' I/O, which would drown what is measured here.
// `--disk` keeps them on the temp folder's disk.
const onDisk = process.argv.includes('--disk') || !writable('/dev/shm')
const work = mkdtempSync(join(onDisk ? tmpdir() : '/dev/shm', 'pw-bench-run-'))
try {
  log(`building ${join(root, 'src/engine/index.ts')} with ncc…`)
  execFileSync(
    process.execPath,
    [
      join(here, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
      'build',
      join(root, 'src/engine/index.ts'),
      '-o',
      join(work, 'dist'),
      '--quiet'
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }
  )
  const engine = await import(pathToFileURL(join(work, 'dist/index.js')).href)
  if (process.argv.includes('--wide')) {
    process.stdout.write(`${JSON.stringify({ wide: await wideCase(engine) }, null, 2)}\n`)
  } else if (process.argv.includes('--large')) {
    process.stdout.write(`${JSON.stringify({ large: await largeCase(engine) }, null, 2)}\n`)
  } else if (process.argv.includes('--handover-only')) {
    process.stdout.write(`${JSON.stringify(await handoverRuns(engine), null, 2)}\n`)
  } else if (process.argv.includes('--git-only')) {
    process.stdout.write(
      `${JSON.stringify({ git_processes: await countedRun(engine) }, null, 2)}\n`
    )
  } else {
    await wholeBench(engine)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

/** Every case: the 12 priorities at 3 and at 1, their floors, the hand-over, the end of the run, the wide case. */
async function wholeBench(engine) {
  const soloRepo = makeRepository(join(work, 'solo'))
  const worktreeAdd = timeWorktreeAdd(soloRepo)
  log(`git worktree add of the ${FILES}-file repository takes ${worktreeAdd} ms here`)
  const solo = agentAlone(soloRepo)
  log(`the agent alone takes ${solo} ms (of which ${SLEEP_S * 1000} ms asleep)`)
  const floors = []
  for (let run = 1; run <= RUNS; run++) floors.push(await bareLoop(soloRepo, MAX_PARALLEL, run))
  const floor = median(floors)
  log(`bare loop, ${MAX_PARALLEL} at a time: ${floor} ms (${floors.join(', ')})`)
  const floorSequential = await bareLoop(soloRepo, 1, 0)
  log(`bare loop, one at a time: ${floorSequential} ms`)
  const madeFloors = []
  for (let run = 1; run <= RUNS; run++) {
    madeFloors.push(
      await bareLoop(soloRepo, MAX_PARALLEL, `made-${run}`, PRIORITIES, SLEEP_S, {
        withWorktrees: true
      })
    )
  }
  const madeFloor = median(madeFloors)
  log(`bare loop making and removing its worktrees, ${MAX_PARALLEL} at a time: ${madeFloor} ms`)

  const walls = []
  const parallelHandovers = []
  const ends = []
  let last = null
  for (let run = 1; run <= RUNS; run++) {
    const once = await runOnce(engine, join(work, `parallel-${run}`), MAX_PARALLEL)
    walls.push(once.wall)
    parallelHandovers.push(...once.handovers)
    ends.push(once.endOfRun)
    last = once.result
    log(
      `max-parallel ${MAX_PARALLEL}, run ${run}: ${once.wall} ms, hand-overs ${once.handovers.join(' ')} ms, end of run ${once.endOfRun} ms`
    )
  }
  const { wall: sequential, handovers: sequentialHandovers } = await runOnce(
    engine,
    join(work, 'sequential'),
    1
  )
  log(`max-parallel 1: ${sequential} ms, hand-overs ${sequentialHandovers.join(' ')} ms`)
  const gitProcesses = await countedRun(engine)
  const firstLast = Math.min(3, Math.floor(sequentialHandovers.length / 2))
  const wide = await wideCase(engine)
  const large = await largeCase(engine)

  const wall = median(walls)
  const rounds = Math.ceil(PRIORITIES / MAX_PARALLEL)
  const ideal = rounds * SLEEP_S * 1000
  const overheadPct = round1(((wall - ideal) / ideal) * 100)
  const speedup = Math.round((sequential / wall) * 100) / 100
  const floorOverheadPct = round1(((floor - ideal) / ideal) * 100)
  const floorSpeedup = Math.round((floorSequential / floor) * 100) / 100
  process.stdout.write(
    `${JSON.stringify(
      {
        wall_ms: wall,
        ideal_ms: ideal,
        overhead_pct: overheadPct,
        sequential_ms: sequential,
        speedup,
        goal: GOAL,
        pass: overheadPct <= GOAL.within_pct && speedup >= GOAL.speedup,
        runs_ms: walls,
        floor: {
          ms: floor,
          overhead_pct: floorOverheadPct,
          sequential_ms: floorSequential,
          speedup: floorSpeedup,
          runs_ms: floors
        },
        goal_reachable_here: floorOverheadPct <= GOAL.within_pct && floorSpeedup >= GOAL.speedup,
        // A floor that also makes its worktrees and removes them, as any orchestrator must.
        floor_with_worktrees: { ms: madeFloor, runs_ms: madeFloors },
        overhead_vs_floor_with_worktrees_pct: round1(((wall - madeFloor) / madeFloor) * 100),
        overhead_vs_floor_pct: round1(((wall - floor) / floor) * 100),
        sequential_overhead_vs_floor_pct: round1(
          ((sequential - floorSequential) / floorSequential) * 100
        ),
        handover: {
          median_ms_max_parallel_1: median(sequentialHandovers),
          median_ms_max_parallel_3: median(parallelHandovers),
          max_parallel_1_ms: sequentialHandovers,
          first_median_ms: median(sequentialHandovers.slice(0, firstLast)),
          last_median_ms: median(sequentialHandovers.slice(-firstLast)),
          target_ms: TARGETS.handover_ms
        },
        git_processes: gitProcesses,
        end_of_run_ms: median(ends),
        end_of_run_runs_ms: ends,
        wide,
        large,
        agent_alone_ms: solo,
        engine_total_ms: last.timings.total_ms,
        engine_speedup: last.timings.speedup,
        statuses: [...new Set(last.tasks.map((task) => `${task.status}/${task.merge}`))],
        setup: {
          files: FILES,
          priorities: PRIORITIES,
          max_parallel: MAX_PARALLEL,
          agent_sleep_s: SLEEP_S,
          resource_gate: 'sampling on, limits at 100 % (the machine is shared)',
          filesystem: onDisk ? tmpdir() : '/dev/shm (tmpfs)',
          worktree_add_ms: worktreeAdd
        }
      },
      null,
      2
    )}\n`
  )
}

/**
 * The hand-over at 100,000 files: 4 priorities one at a time, each agent asleep long enough
 * for the next worktree to be made (or a finished one switched) meanwhile. Target: under
 * 100 ms.
 */
async function largeCase(engine) {
  const { files, priorities, sleepS, targetMs } = LARGE
  const dir = join(work, 'large')
  const repo = join(dir, 'repo')
  mkdirSync(dir, { recursive: true })
  const began = performance.now()
  importedRepository(repo, files, planFiles(priorities))
  git(repo, ['checkout', '-q', '-b', 'roadmap'])
  log(`large: a ${files}-file repository made in ${Math.round(performance.now() - began)} ms`)
  const { handovers, wall } = await runOnce(engine, dir, 1, {
    priorities,
    sleepS,
    repository: repo
  })
  log(
    `large: ${priorities} agents of ${sleepS} s one at a time: ${wall} ms, hand-overs ${handovers.join(' ')} ms`
  )
  return {
    files,
    priorities,
    agent_sleep_s: sleepS,
    wall_ms: wall,
    handover_ms: handovers,
    handover_median_ms: median(handovers),
    target_ms: targetMs,
    pass: median(handovers) < targetMs
  }
}

/** One run at max-parallel 3 and one at 1: their hand-overs only (to try a change quickly). */
async function handoverRuns(engine) {
  const parallel = await runOnce(engine, join(work, 'handover-3'), MAX_PARALLEL)
  const sequential = await runOnce(engine, join(work, 'handover-1'), 1)
  return {
    median_ms_max_parallel_1: median(sequential.handovers),
    median_ms_max_parallel_3: median(parallel.handovers),
    max_parallel_1_ms: sequential.handovers,
    max_parallel_3_ms: parallel.handovers
  }
}

/**
 * One more run at max-parallel 3 with the coordinator's git processes counted (`--git-calls
 * FILE` keeps each call with its arguments there).
 */
async function countedRun(engine) {
  const counted = await runOnce(engine, join(work, 'counted'), MAX_PARALLEL, { countGit: true })
  const calls = counted.gitCalls
  const perTask = round1(calls.length / PRIORITIES)
  log(`git processes of the coordinator: ${calls.length} (${perTask} per task)`)
  const callsFlag = process.argv.indexOf('--git-calls')
  if (callsFlag > 0) writeFileSync(resolve(process.argv[callsFlag + 1]), `${calls.join('\n')}\n`)
  return {
    per_task: perTask,
    total: calls.length,
    target_per_task: TARGETS.git_per_task,
    by_command: byCommand(calls)
  }
}

/**
 * 32 three-second agents at max-parallel 16 through runParallel, against the ideal (2 rounds)
 * and against the bare loop with 16 slots; the end of the run after the last agent.
 */
async function wideCase(engine) {
  const { priorities, maxParallel, sleepS, goalRatio } = WIDE
  const repo = makeRepository(join(work, 'wide-floor'), priorities)
  const floor = await bareLoop(repo, maxParallel, 'wide', priorities, sleepS)
  const madeFloor = await bareLoop(repo, maxParallel, 'wide-made', priorities, sleepS, {
    withWorktrees: true
  })
  rmSync(join(work, 'wide-floor'), { recursive: true, force: true })
  const { wall, endOfRun } = await runOnce(engine, join(work, 'wide'), maxParallel, {
    priorities,
    sleepS
  })
  const ideal = Math.ceil(priorities / maxParallel) * sleepS * 1000
  const ratio = Math.round((wall / ideal) * 100) / 100
  const floorRatio = Math.round((floor / ideal) * 100) / 100
  log(
    `wide: ${priorities} agents of ${sleepS} s at max-parallel ${maxParallel}: ${wall} ms (${ratio}x ideal; floor ${floor} ms, ${floorRatio}x; end of run ${endOfRun} ms)`
  )
  return {
    priorities,
    max_parallel: maxParallel,
    agent_sleep_s: sleepS,
    wall_ms: wall,
    ideal_ms: ideal,
    ratio,
    goal_ratio: goalRatio,
    pass: ratio <= goalRatio,
    floor_ms: floor,
    floor_ratio: floorRatio,
    floor_with_worktrees_ms: madeFloor,
    floor_with_worktrees_ratio: Math.round((madeFloor / ideal) * 100) / 100,
    goal_reachable_here: floorRatio <= goalRatio,
    end_of_run_ms: endOfRun
  }
}

/**
 * One run through runParallel on a fresh repository; wall time around the call, the
 * hand-overs (ms, in the order of the ends), and with `countGit` the coordinator's git calls.
 */
async function runOnce(
  engine,
  dir,
  maxParallel,
  { countGit = false, priorities = PRIORITIES, sleepS = SLEEP_S, repository = null } = {}
) {
  const repo = repository ?? makeRepository(dir, priorities)
  const record = join(dir, 'agents.record')
  const env = countGit ? countingEnv(dir) : ENV
  const settings = engine.parseSettings(
    {
      priorities: `1-${priorities}`,
      'agent-command': `node ${AGENT} --priority={priority} --sleep=${sleepS} --record=${record}`,
      'max-parallel': String(maxParallel),
      'max-cpu-percent': '100',
      'max-memory-percent': '100',
      'pr-comment': 'false',
      'log-dir': join(dir, 'logs')
    },
    repo,
    env
  )
  const starts = []
  let lastAgentEnd = 0
  const began = performance.now()
  const result = await engine.runParallel(settings, {
    logger: quiet,
    env,
    events: {
      processStarted: () => starts.push(Date.now()),
      processEnded: () => (lastAgentEnd = performance.now())
    }
  })
  const finished = performance.now()
  const wall = Math.round(finished - began)
  const ends = readFileSync(record, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('end '))
    .map((line) => Number(line.split(' ')[2]))
    .sort((a, b) => a - b)
  starts.sort((a, b) => a - b)
  // The k-th end frees the slot the (k + max-parallel)-th start takes (no priority waits).
  const handovers = ends
    .slice(0, Math.max(0, starts.length - maxParallel))
    .map((end, k) => starts[k + maxParallel] - end)
  const gitCalls = countGit
    ? readFileSync(join(dir, 'git-calls'), 'utf8').split('\n').filter(Boolean)
    : []
  const bad = result.tasks.filter((task) => task.merge !== 'merged')
  if (bad.length)
    throw new Error(
      `not merged: ${JSON.stringify(bad.map((t) => [t.priority, t.status, t.error]))}`
    )
  rmSync(dir, { recursive: true, force: true })
  return { wall, result, handovers, gitCalls, endOfRun: Math.round(finished - lastAgentEnd) }
}

/**
 * The environment of a counted run: a `git` first on PATH that notes the calls this process
 * makes (its parent is us) in `<dir>/git-calls`, one line each, and runs the real git.
 */
function countingEnv(dir) {
  const bin = join(dir, 'bin')
  mkdirSync(bin, { recursive: true })
  const real = execFileSync('sh', ['-c', 'command -v git'], { env: ENV, encoding: 'utf8' }).trim()
  const wrapper = join(bin, 'git')
  writeFileSync(
    wrapper,
    `#!/bin/sh\n[ "$PPID" = "${process.pid}" ] && printf '%s\\n' "$*" >> '${join(dir, 'git-calls')}'\nexec '${real}' "$@"\n`
  )
  chmodSync(wrapper, 0o755)
  writeFileSync(join(dir, 'git-calls'), '')
  return { ...ENV, PATH: `${bin}:${ENV.PATH}` }
}

/** The calls by command and first option (`rev-parse --verify`), most frequent first. */
function byCommand(calls) {
  const counts = new Map()
  for (const call of calls) {
    const [command, option = ''] = call.split(' ')
    const key = option.startsWith('-') ? `${command} ${option}` : command
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]))
}

/** `git worktree add` of the repository, median of 3. */
function timeWorktreeAdd(repo) {
  const times = []
  for (let i = 0; i < 3; i++) {
    const path = join(repo, '..', `probe-${i}`)
    const began = performance.now()
    git(repo, ['worktree', 'add', '-q', '-b', `probe-${i}`, path, 'roadmap'])
    times.push(performance.now() - began)
    git(repo, ['worktree', 'remove', '--force', path])
  }
  return Math.round(median(times))
}

/**
 * The floor: the 12 agents in `slots` loops, each loop running its share one after another in
 * a worktree of its own made beforehand (no plan, verdict, merge or cleanup). Wall time.
 */
async function bareLoop(
  repo,
  slots,
  run,
  priorities = PRIORITIES,
  sleepS = SLEEP_S,
  { withWorktrees = false } = {}
) {
  const paths = Array.from({ length: slots }, (_, slot) => join(repo, '..', `bare-${run}-${slot}`))
  const add = (path, slot) =>
    gitAsync(repo, ['worktree', 'add', '-q', '-b', `bare-${run}-${slot}`, path, 'roadmap'])
  if (!withWorktrees) for (const [slot, path] of paths.entries()) await add(path, slot)
  let next = 1
  const loop = async (cwd) => {
    while (next <= priorities) {
      const priority = next++
      await new Promise((done, fail) => {
        const child = spawn(
          process.execPath,
          [AGENT, `--priority=${priority}`, `--sleep=${sleepS}`],
          { cwd, env: ENV, stdio: 'ignore' }
        )
        child.on('error', fail)
        child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`agent exit ${code}`))))
      })
    }
  }
  const began = performance.now()
  if (withWorktrees) {
    // As a plain script would: each slot's worktree made (one at a time: git races with
    // itself otherwise), its agents started at once, every worktree removed at the end.
    const loops = []
    for (const [slot, path] of paths.entries()) {
      await add(path, slot)
      loops.push(loop(path))
    }
    await Promise.all(loops)
    for (const path of paths) await gitAsync(repo, ['worktree', 'remove', '--force', path])
    return Math.round(performance.now() - began)
  }
  await Promise.all(paths.map(loop))
  const wall = Math.round(performance.now() - began)
  for (const path of paths) git(repo, ['worktree', 'remove', '--force', path])
  return wall
}

/** The agent run 3 times in a worktree of its own, nothing around it: median wall time. */
function agentAlone(repo) {
  const worktree = join(repo, '..', 'solo-wt')
  git(repo, ['worktree', 'add', '-q', '-b', 'solo', worktree, 'roadmap'])
  const times = []
  for (let i = 1; i <= 3; i++) {
    const began = performance.now()
    execFileSync(process.execPath, [AGENT, `--priority=${i}`, `--sleep=${SLEEP_S}`], {
      cwd: worktree,
      env: ENV,
      stdio: 'ignore'
    })
    times.push(performance.now() - began)
  }
  return Math.round(median(times))
}

/**
 * 5,000 small files in 50 folders, a ROADMAP and one spec per priority naming a file of its
 * own (all priorities independent), committed on main; `roadmap` checked out.
 */
function makeRepository(dir, priorities = PRIORITIES) {
  const repo = join(dir, 'repo')
  mkdirSync(repo, { recursive: true })
  git(repo, ['init', '-q', '-b', 'main'])
  for (let d = 0; d < 50; d++) {
    mkdirSync(join(repo, `src/module-${d}`), { recursive: true })
    for (let f = 0; f < FILES / 50; f++) {
      writeFileSync(join(repo, `src/module-${d}/file-${f}.ts`), `export const v${d}_${f} = ${f}\n`)
    }
  }
  mkdirSync(join(repo, 'docs/architecture/specs'), { recursive: true })
  mkdirSync(join(repo, 'docs/roadmap'), { recursive: true })
  for (const [path, content] of Object.entries(planFiles(priorities))) {
    writeFileSync(join(repo, path), content)
  }
  git(repo, ['add', '-A'])
  git(repo, ['commit', '-q', '-m', 'initial'])
  // Objects in a pack, as a clone on a runner leaves them: 5,000 loose objects would make
  // every checkout open 5,000 object files, three times the cost of a checkout from a pack.
  git(repo, ['repack', '-a', '-d', '-q'])
  git(repo, ['checkout', '-q', '-b', 'roadmap'])
  return repo
}

/** A ROADMAP and one spec per priority naming a file of its own (all independent). */
function planFiles(priorities) {
  const files = {}
  let roadmap = '# Roadmap\n\n'
  for (let p = 1; p <= priorities; p++) {
    const us = 100 + p
    roadmap += `### PRIORITY ${p}: US-${us} - Feature ${p}\n\n**Status**: 📝 Planned\n\n`
    files[`docs/architecture/specs/SPEC-${us}-feature-${p}.md`] =
      `# SPEC-${us}: Feature ${p}\n\n## Files\n\n- \`src/features/feature-${p}.ts\`\n`
  }
  files['docs/roadmap/ROADMAP.md'] = roadmap
  return files
}

function round1(value) {
  return Math.round(value * 10) / 10
}
