#!/usr/bin/env node
// `npm run chaos -- --runs N [--seed S] [--faults a,b] [--kills k,l] [--keep]`: the CLI of the
// current sources (every file of src/ transpiled, by scripts/source-cli.mjs as for the tests)
// attacked N times. Each run: a fresh repository of a few thousand files with three priorities
// and an untracked `.env` that `worktree-files` copies; each agent misbehaves at random (crash,
// hang, flood, reset, moved base, unfinished merge, deleted worktree, a corrupt index, a stale
// index.lock, hooks and fsmonitor planted to steal the token, a branch planted for the next
// priority, the copied secret committed, or nothing); in most runs the coordinator is SIGKILLed:
// at a random moment, between a worktree's registration and its fill, or just as an agent ends
// (the end-of-task status); then a rerun with a well-behaved agent; then the invariants: `git
// fsck` clean, no MERGE_HEAD (nor conflict markers) in base, every commit any agent made
// reachable from a ref, base still holding every path no agent deleted, no secret in base, no
// hook of an agent run with the token, no planted commit merged, no agent process alive, no
// worktree left that the rerun does not name. Prints one JSON object: runs, faults injected,
// kills by kind, violations (each with its run and seed; replay one with `--replay <seed>`).
// SIGINT or SIGTERM ends it after the run under way, with the report.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSourceCli } from './source-cli.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const AGENT = join(root, 'examples', 'agent', 'example-agent.mjs')
const FAULTS = [
  'none',
  'crash',
  'hang',
  'flood',
  'reset',
  'moved-base',
  'unfinished-merge',
  'deleted-worktree',
  'corrupt-index',
  'index-lock',
  'planted-hooks',
  'planted-branch',
  'committed-secret'
]
/** Where the coordinator is killed: anywhere, inside a worktree's creation, as an agent ends. */
const KILLS = ['random', 'worktree-fill', 'task-end']
const PRIORITIES = [1, 2, 3]
/** Files of the base no agent touches: a checkout of them takes long enough to be killed in. */
const FILLER_FILES = 2000
/** What `worktree-files` copies into each worktree; it must never reach a commit of base. */
const SECRET = 'API_KEY=chaos-secret-4f1d9a'
/** The token the coordinator holds; no hook or command an agent planted may see it. */
const TOKEN = 'ghs_chaosTokenNeverSeenByHooks0123'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`)
  return at >= 0 ? args[at + 1] : fallback
}
const runs = option('replay', null) ? 1 : Number(option('runs', '10'))
let seed = Number(option('seed', String(Date.now() % 1_000_000)))
const keep = args.includes('--keep')
/** `--replay <run seed>`: that one run again, as a violation names it. */
const replay = option('replay', null)
/** `--faults a,b`: draw only from these (to chase one combination); all of them by default. */
const drawn = option('faults', null)?.split(',') ?? FAULTS
if (drawn.some((fault) => !FAULTS.includes(fault))) {
  console.error(`chaos: --faults takes a comma-separated list of ${FAULTS.join(', ')}`)
  process.exit(2)
}
/** `--kills a,b`: where the coordinator may be killed; all of them by default. */
const killKinds = option('kills', null)?.split(',') ?? KILLS
if (killKinds.some((kind) => !KILLS.includes(kind))) {
  console.error(`chaos: --kills takes a comma-separated list of ${KILLS.join(', ')}`)
  process.exit(2)
}
if (!Number.isSafeInteger(runs) || runs < 1) {
  console.error('chaos: --runs takes a whole number of at least 1')
  process.exit(2)
}

/** A small seeded generator (mulberry32): a run's faults can be replayed with its seed. */
function generator(start) {
  let state = start >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ENV = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LC_ALL: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'chaos',
  GIT_AUTHOR_EMAIL: 'chaos@example.com',
  GIT_COMMITTER_NAME: 'chaos',
  GIT_COMMITTER_EMAIL: 'chaos@example.com'
}
const git = (cwd, ...gitArgs) =>
  execFileSync('git', gitArgs, { cwd, env: ENV, encoding: 'utf8', stdio: 'pipe' }).trim()
const tryGit = (cwd, ...gitArgs) =>
  spawnSync('git', gitArgs, { cwd, env: ENV, encoding: 'utf8', input: '' })

function makeRepo(home) {
  const repo = join(home, 'repo')
  mkdirSync(repo)
  git(repo, 'init', '-q', '-b', 'main')
  const roadmap = ['# Roadmap', '']
  for (const p of PRIORITIES) {
    const id = String(p).padStart(3, '0')
    roadmap.push(`## PRIORITY ${p}: US-${id} - feature ${p}`, '')
    const spec = join(repo, 'docs', 'architecture', 'specs', `SPEC-${id}-feature-${p}.md`)
    mkdirSync(dirname(spec), { recursive: true })
    writeFileSync(spec, `# SPEC-${id}\n\nChanges \`src/file-${p}.ts\`.\n`)
    mkdirSync(join(repo, 'src'), { recursive: true })
    writeFileSync(join(repo, 'src', `file-${p}.ts`), `// file ${p}\n`)
  }
  for (let i = 0; i < FILLER_FILES; i++) {
    const file = join(repo, 'vendor', `lib-${i % 30}`, `module-${i}.js`)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, `export const value${i} = ${i}\n`)
  }
  mkdirSync(join(repo, 'docs', 'roadmap'), { recursive: true })
  writeFileSync(join(repo, 'docs', 'roadmap', 'ROADMAP.md'), roadmap.join('\n'))
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'initial')
  git(repo, 'checkout', '-q', '-b', 'roadmap')
  // Untracked and not ignored: only the tool's exclusion keeps it out of `git add -A`.
  writeFileSync(join(repo, '.env'), `${SECRET}\n`)
  // Every ref update any process makes is recorded: an agent's commit is seen whatever it
  // does next (the hooks folder is shared by all worktrees).
  const log = join(home, 'commits.log')
  writeFileSync(log, '')
  const recorder = join(home, 'record-commits.sh')
  writeFileSync(
    recorder,
    [
      '#!/bin/sh',
      '[ "$1" = committed ] || exit 0',
      'while read -r old new ref; do',
      `  case "$new" in *[!0]*) echo "$new" >> '${log}' ;; esac`,
      'done',
      ''
    ].join('\n')
  )
  chmodSync(recorder, 0o755)
  copyFileSync(recorder, join(repo, '.git', 'hooks', 'reference-transaction'))
  // What the `planted-hooks` agents install as hooks and as core.fsmonitor: it notes what it was
  // given of the token and fails; as reference-transaction it records commits as above.
  const steal = join(home, 'steal.sh')
  writeFileSync(
    steal,
    [
      '#!/bin/sh',
      `echo "$(basename "$0") ran with [$GITHUB_TOKEN$GH_TOKEN]" >> '${join(home, 'planted-ran')}'`,
      `[ "$(basename "$0")" = reference-transaction ] && exec '${recorder}' "$@"`,
      'exit 1',
      ''
    ].join('\n')
  )
  chmodSync(steal, 0o755)
  return { repo, log }
}

const COMMIT = 'git -c user.name=agent -c user.email=agent@example.com commit -q --no-verify'

/** The bash lines of an agent that commits some work and then does `fault`. */
function faultLines(fault, pids, home) {
  const work = [
    'echo "work of $PRIORITY_ID" >> "src/file-$PRIORITY_ID.ts"',
    `git add -A && ${COMMIT} -m "priority $PRIORITY_ID: work"`
  ]
  switch (fault) {
    case 'crash':
      return [...work, 'echo unsaved > "unsaved-$PRIORITY_ID.txt"', 'kill -SEGV $$']
    case 'hang':
      return [
        ...work,
        `bash -c 'trap "" TERM; echo $$ >> ${pids}; while :; do sleep 1; done' &`,
        'trap "" TERM',
        'while :; do sleep 1; done'
      ]
    case 'flood':
      return ['yes "flooding the console and the log" | head -c 3000000', ...work]
    case 'reset':
      return ['start=$(git rev-parse HEAD)', ...work, 'git reset -q --hard "$start"']
    case 'moved-base':
      return [
        ...work,
        'other=$(git commit-tree -m "unrelated history" "$(git mktree </dev/null)")',
        'git update-ref refs/heads/roadmap "$other"'
      ]
    case 'unfinished-merge':
      return [
        ...work,
        'git checkout -q -b "side-$PRIORITY_ID"',
        'echo side > "src/file-$PRIORITY_ID.ts"',
        `git add -A && ${COMMIT} -m side`,
        'git checkout -q "$BRANCH_NAME"',
        'echo mine > "src/file-$PRIORITY_ID.ts"',
        `git add -A && ${COMMIT} -m mine`,
        'git merge -q "side-$PRIORITY_ID" || true'
      ]
    case 'deleted-worktree':
      return [...work, 'cd / && rm -rf "$WORKTREE_PATH"']
    case 'corrupt-index':
      return [
        ...work,
        'echo "unsaved work" > "unsaved-$PRIORITY_ID.txt"',
        'echo garbage > "$(git rev-parse --git-path index)"'
      ]
    case 'index-lock':
      return [
        ...work,
        'echo "unsaved work" > "unsaved-$PRIORITY_ID.txt"',
        ': > "$(git rev-parse --git-path index.lock)"'
      ]
    case 'planted-hooks':
      // Hooks of the repository and an fsmonitor command, each a copy of steal.sh (which
      // writes what it was given of the token and fails); then work for auto-commit to save.
      return [
        ...work,
        'hooks="$(git rev-parse --git-common-dir)/hooks"',
        'for hook in prepare-commit-msg post-commit post-index-change pre-push post-merge post-checkout reference-transaction; do',
        `  cp ${join(home, 'steal.sh')} "$hooks/$hook"`,
        'done',
        `git config core.fsmonitor ${join(home, 'steal.sh')}`,
        'echo "left for auto-commit" > "uncommitted-$PRIORITY_ID.txt"'
      ]
    case 'planted-branch':
      // The branch the next priority would use, made by this agent: base's files and one more.
      return [
        ...work,
        'next=$(( PRIORITY_ID % 3 + 1 ))',
        'scratch=$(mktemp)',
        'GIT_INDEX_FILE=$scratch git read-tree HEAD',
        'blob=$(echo planted | git hash-object -w --stdin)',
        'GIT_INDEX_FILE=$scratch git update-index --add --cacheinfo "100644,$blob,planted-$next.txt"',
        'planted=$(git commit-tree -p HEAD -m "planted for $next" "$(GIT_INDEX_FILE=$scratch git write-tree)")',
        'rm -f "$scratch"',
        'git branch "feature/us-00$next" "$planted" 2>/dev/null || true'
      ]
    case 'committed-secret':
      return ['git add -f .env 2>/dev/null || true', ...work]
    default:
      return work
  }
}

function agentScript(home, faults, pids) {
  const lines = [
    '#!/usr/bin/env bash',
    `echo $$ >> ${pids}`,
    `if [ -e ${join(home, 'rerun')} ]; then exec node ${AGENT} --priority="$PRIORITY_ID"; fi`,
    // Random pauses, so that the kill finds agents at every stage.
    'sleep "0.$((RANDOM % 10))"',
    'case "$PRIORITY_ID" in'
  ]
  for (const p of PRIORITIES) {
    lines.push(
      `  ${p})`,
      ...faultLines(faults[p], pids, home).map((line) => `    ${line}`),
      '    ;;'
    )
  }
  // The last thing an agent does: the `task-end` kill waits for it.
  lines.push('esac', `echo "$PRIORITY_ID" >> ${join(home, 'ended')}`, '')
  const path = join(home, 'agent.sh')
  writeFileSync(path, lines.join('\n'))
  chmodSync(path, 0o755)
  return path
}

function startCli(entry, repo, home, agent) {
  const child = spawn(
    process.execPath,
    [
      entry,
      'run',
      PRIORITIES.join(','),
      '--repo',
      repo,
      '--agent-command',
      agent,
      '--max-parallel',
      '3',
      '--task-timeout-minutes',
      '0.08',
      '--log-max-mb',
      '1',
      '--no-pr-comment',
      '--max-cpu-percent',
      '100',
      '--max-memory-percent',
      '100',
      '--log-dir',
      join(home, 'logs'),
      '--worktree-files',
      '.env',
      '--json'
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...ENV, RUNNER_TEMP: home, GITHUB_TOKEN: TOKEN, GH_TOKEN: TOKEN }
    }
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return { child, exited: once(child, 'close'), stdout: () => stdout, stderr: () => stderr }
}

function alive(pid) {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return process.platform !== 'linux'
  }
}

const pidsIn = (file) =>
  existsSync(file)
    ? [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number))].filter(
        (pid) => Number.isSafeInteger(pid) && pid > 1
      )
    : []

const sleep = (ms) => new Promise((done) => setTimeout(done, ms))

/** Every promise the chaos attacks; returns what is broken. */
async function violations(repo, log, pids, home, result) {
  const problems = []
  const fsck = tryGit(repo, 'fsck', '--no-progress', '--no-dangling')
  if (fsck.status !== 0)
    problems.push(`git fsck: ${(fsck.stderr + fsck.stdout).trim().slice(0, 400)}`)
  const worktrees = git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length))
  const baseCheckouts = [repo]
  for (const path of baseCheckouts) {
    const mergeHead = git(path, 'rev-parse', '--path-format=absolute', '--git-path', 'MERGE_HEAD')
    if (existsSync(mergeHead)) problems.push(`MERGE_HEAD in ${path}`)
  }
  const markers = tryGit(
    repo,
    'grep',
    '-I',
    '-l',
    '-E',
    '^(<<<<<<<|>>>>>>>)( |$)',
    'refs/heads/roadmap',
    '--'
  )
  if (markers.status === 0) problems.push(`conflict markers in base: ${markers.stdout.trim()}`)
  const commits = [
    ...new Set(
      readFileSync(log, 'utf8')
        .split('\n')
        .filter((id) => /^[0-9a-f]{40,64}$/.test(id))
    )
  ].filter((id) => tryGit(repo, 'cat-file', '-e', `${id}^{commit}`).status === 0)
  if (commits.length) {
    const lost = spawnSync('git', ['rev-list', '--stdin', '--not', '--all'], {
      cwd: repo,
      env: ENV,
      encoding: 'utf8',
      input: `${commits.join('\n')}\n`
    })
    if (lost.status !== 0) problems.push(`rev-list: ${lost.stderr.trim()}`)
    else if (lost.stdout.trim()) {
      problems.push(`commits reachable from no ref: ${lost.stdout.trim().split('\n').join(', ')}`)
    }
  }
  // No agent deletes a file of the first commit: base must still hold every one of them.
  const paths = (ref) => new Set(git(repo, 'ls-tree', '-r', '--name-only', ref).split('\n'))
  const base = paths('refs/heads/roadmap')
  const lostPaths = [...paths('refs/heads/main')].filter((path) => !base.has(path))
  if (lostPaths.length) {
    problems.push(
      `base lost ${lostPaths.length} path(s) no agent deleted: ${lostPaths.slice(0, 5).join(', ')}`
    )
  }
  const secret = tryGit(repo, 'grep', '-l', '-F', SECRET, 'refs/heads/roadmap', '--')
  if (secret.status === 0) problems.push(`the copied secret is in base: ${secret.stdout.trim()}`)
  const planted = [...base].filter((path) => /^planted-\d+\.txt$/.test(path))
  if (planted.length) problems.push(`a planted branch's commit was merged: ${planted.join(', ')}`)
  const ran = join(home, 'planted-ran')
  if (existsSync(ran) && readFileSync(ran, 'utf8').includes(TOKEN)) {
    const lines = readFileSync(ran, 'utf8')
      .split('\n')
      .filter((line) => line.includes(TOKEN))
    problems.push(`a planted command ran with the token: ${[...new Set(lines)].join('; ')}`)
  }
  const living = pidsIn(pids).filter(alive)
  if (living.length) problems.push(`agent processes alive: ${living.join(', ')}`)
  // A worktree git could not read is kept on purpose, and the rerun names it.
  const named = JSON.stringify(result ?? {})
  const unnamed = worktrees.slice(1).filter((path) => !named.includes(path))
  if (unnamed.length) problems.push(`worktrees left: ${unnamed.join(', ')}`)
  return problems
}

/**
 * Resolves when the coordinator is to be killed: after `afterMs` (random); as soon as a
 * worktree is registered but not yet filled (its admin folder has no index); or `delayMs`
 * after the first agent's last line (the end-of-task status and save). Gives up after 20 s.
 */
async function killMoment(kind, repo, home, afterMs, delayMs) {
  if (kind === 'random') return sleep(afterMs)
  const until = Date.now() + 20_000
  const admin = join(repo, '.git', 'worktrees')
  const unfilled = () =>
    existsSync(admin) &&
    readdirSync(admin).some(
      (name) => existsSync(join(admin, name, 'gitdir')) && !existsSync(join(admin, name, 'index'))
    )
  const ended = () => existsSync(join(home, 'ended'))
  const seen = kind === 'worktree-fill' ? unfilled : ended
  while (Date.now() < until) {
    if (seen()) return sleep(kind === 'task-end' ? delayMs : 0)
    await sleep(1)
  }
}

async function oneRun(entry, index, runSeed) {
  const random = generator(runSeed)
  const home = realpathSync(mkdtempSync(join(tmpdir(), 'pw-chaos-')))
  const faults = Object.fromEntries(
    PRIORITIES.map((p) => [p, drawn[Math.floor(random() * drawn.length)]])
  )
  const kill = random() < 0.7
  const killAfterMs = Math.round(300 + random() * 4000)
  const killKind = killKinds[Math.floor(random() * killKinds.length)]
  const killDelayMs = Math.floor(random() * 60)
  try {
    const { repo, log } = makeRepo(home)
    const pids = join(home, 'pids')
    const agent = agentScript(home, faults, pids)
    const first = startCli(entry, repo, home, agent)
    let killed = false
    if (kill) {
      await Promise.race([first.exited, killMoment(killKind, repo, home, killAfterMs, killDelayMs)])
      if (first.child.exitCode === null && first.child.signalCode === null) {
        first.child.kill('SIGKILL')
        killed = true
      }
    }
    await first.exited
    if (keep) writeFileSync(join(home, 'first.log'), `${first.stderr()}\n${first.stdout()}`)
    // The dead coordinator's watchdog has 15 s; the rerun does not wait for it.
    writeFileSync(join(home, 'rerun'), '')
    let second = startCli(entry, repo, home, agent)
    await second.exited
    // An agent moved base off its history: the rerun refuses until base is put back, and
    // says how. A user does what it says, then reruns.
    const putBack =
      /(?:git update-ref (refs\/parallel-worktree\/moved-base\/\S+) ([0-9a-f]+) && )?git update-ref (refs\/heads\/roadmap) (refs\/parallel-worktree\/base\/\S+)/.exec(
        second.stderr()
      )
    if (second.child.exitCode === 2 && putBack) {
      if (putBack[1]) git(repo, 'update-ref', putBack[1], putBack[2])
      git(repo, 'update-ref', putBack[3], putBack[4])
      second = startCli(entry, repo, home, agent)
      await second.exited
    }
    if (keep) writeFileSync(join(home, 'rerun.log'), `${second.stderr()}\n${second.stdout()}`)
    let code = second.child.exitCode
    let result = null
    try {
      result = JSON.parse(second.stdout())
    } catch {
      code = `no JSON (exit ${second.child.exitCode})`
    }
    // Agents of the first run (a hung one) are given the watchdog's 15 s to be stopped.
    const deadline = Date.now() + 15_000
    while (pidsIn(pids).some(alive) && Date.now() < deadline) await sleep(200)
    const problems = await violations(repo, log, pids, home, result)
    if (result === null) problems.push(`the rerun gave ${code}`)
    return {
      index,
      seed: runSeed,
      faults,
      killed: killed ? killKind : null,
      killAfterMs: killed && killKind === 'random' ? killAfterMs : null,
      problems,
      home
    }
  } finally {
    if (!keep) rmSync(home, { recursive: true, force: true })
  }
}

const began = Date.now()
const master = generator(seed)
const cli = buildSourceCli(root, 'parallel-worktree-chaos')
const report = {
  runs: 0,
  seed,
  faults: {},
  kills: 0,
  kills_by_kind: Object.fromEntries(KILLS.map((kind) => [kind, 0])),
  violations: [],
  seconds: 0,
  seconds_per_run: 0
}
for (const fault of FAULTS) report.faults[fault] = 0
// SIGINT/SIGTERM: the run under way finishes, then the report of the runs made is printed.
let stopping = false
for (const name of ['SIGINT', 'SIGTERM']) process.on(name, () => (stopping = true))
try {
  for (let index = 0; index < runs && !stopping; index++) {
    // Each run's own seed, drawn from the first: consecutive seeds would start alike.
    const runSeed = replay ? Number(replay) : Math.floor(master() * 2 ** 31)
    const run = await oneRun(cli.entry, index, runSeed)
    report.runs += 1
    for (const fault of Object.values(run.faults)) report.faults[fault] += 1
    if (run.killed) {
      report.kills += 1
      report.kills_by_kind[run.killed] += 1
    }
    for (const problem of run.problems) {
      report.violations.push({
        run: index,
        seed: runSeed,
        faults: run.faults,
        killed: run.killed,
        killed_after_ms: run.killAfterMs,
        problem,
        ...(keep ? { home: run.home } : {})
      })
    }
    process.stderr.write(
      `chaos run ${index + 1}/${runs} (seed ${runSeed}): ${JSON.stringify(run.faults)}${run.killed ? ` killed (${run.killed}${run.killAfterMs ? ` at ${run.killAfterMs} ms` : ''})` : ''}: ${run.problems.length ? run.problems.join('; ') : 'ok'}\n`
    )
  }
} finally {
  cli[Symbol.dispose]()
}
report.seconds = Math.round((Date.now() - began) / 1000)
report.seconds_per_run = Math.round(((Date.now() - began) / 1000 / report.runs) * 10) / 10
console.log(JSON.stringify(report, null, 2))
process.exit(report.violations.length ? 1 : 0)
