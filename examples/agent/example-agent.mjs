#!/usr/bin/env node
// A stand-in for `code_developer`: given a priority, it reads that priority's spec, edits the
// files the spec names, and commits on the current branch. Tests, the demo and the benchmark
// use it; flags make it slow, fail, hang or misbehave on chosen priorities.
//
//   example-agent.mjs --priority=65 [--sleep=2] [--fail-on=66] [--hang-on=67]
//                     [--noop-on=68] [--uncommitted-on=69] [--child-on=70]
//                     [--record=FILE] [--roadmap=docs/roadmap/ROADMAP.md]
//                     [--specs=docs/architecture/specs]
import { execFileSync, spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, ...rest] = arg.replace(/^--/, '').split('=')
    return [key, rest.length ? rest.join('=') : 'true']
  })
)
const priority = Number(args.priority ?? process.env.PRIORITY_ID)
if (!Number.isInteger(priority) || priority <= 0) {
  console.error('example-agent: give --priority=N or PRIORITY_ID')
  process.exit(64)
}
const on = (flag) =>
  String(args[flag] ?? '')
    .split(',')
    .map(Number)
    .includes(priority)
const record = (event) => {
  if (args.record)
    appendFileSync(args.record, `${event} ${priority} ${Date.now()} ${process.pid}\n`)
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

record('start')
console.log(`example-agent: working on priority ${priority} in ${process.cwd()}`)

if (on('child-on')) {
  // A grandchild that ignores TERM, as real tool chains sometimes do.
  const child = spawn(
    process.execPath,
    ['-e', "process.on('SIGTERM',()=>{});setInterval(()=>{},1000)"],
    {
      stdio: 'ignore'
    }
  )
  console.log(`example-agent: started helper process ${child.pid}`)
  if (args['child-pid-file']) appendFileSync(args['child-pid-file'], `${child.pid}\n`)
}
if (on('hang-on')) {
  console.log('example-agent: hanging (as told)')
  process.on('SIGTERM', () => console.log('example-agent: ignoring SIGTERM'))
  setInterval(() => {}, 1000)
  await new Promise(() => {})
}

await sleep(Number(args.sleep ?? 0) * 1000)

if (on('fail-on')) {
  record('end')
  console.error('example-agent: failing (as told)')
  process.exit(3)
}
if (on('noop-on')) {
  record('end')
  console.log('example-agent: nothing to do, exiting 0 without a commit')
  process.exit(0)
}

const roadmap = args.roadmap ?? 'docs/roadmap/ROADMAP.md'
const specsDir = args.specs ?? 'docs/architecture/specs'
const heading = new RegExp(`^#+\\s*PRIORITY\\s+${priority}\\b[^\\n]*`, 'm')
const us = existsSync(roadmap)
  ? /US-(\d+)/.exec(heading.exec(readFileSync(roadmap, 'utf8'))?.[0] ?? '')?.[1]
  : undefined
const number = Number(us ?? priority)
const specs = existsSync(specsDir)
  ? readdirSync(specsDir).filter((name) => new RegExp(`^SPEC-0*${number}-`).test(name))
  : []
const files = new Set()
for (const spec of specs) {
  const path = join(specsDir, spec)
  if (statSync(path).isDirectory()) continue
  for (const match of readFileSync(path, 'utf8').matchAll(
    /`([\w./-]+\.[\w]+|[\w./-]+\/[\w.-]+)`/g
  )) {
    if (!match[1].startsWith('/') && !match[1].includes('..')) files.add(match[1])
  }
}
if (files.size === 0) files.add(`work/priority-${priority}.md`)
for (const file of files) {
  mkdirSync(dirname(file), { recursive: true })
  appendFileSync(file, `// priority ${priority}: change made by example-agent\n`)
  console.log(`example-agent: edited ${file}`)
}
if (!on('uncommitted-on')) {
  // Only what it edited: `add -A` would scan every untracked file of a big repository.
  execFileSync('git', ['add', '--', ...files], { stdio: 'inherit' })
  execFileSync(
    'git',
    [
      '-c',
      'user.name=example-agent',
      '-c',
      'user.email=agent@example.com',
      'commit',
      '-q',
      '-m',
      `US-${number}: priority ${priority} by example-agent`
    ],
    { stdio: 'inherit' }
  )
  console.log(`example-agent: committed ${files.size} file(s)`)
} else {
  console.log('example-agent: leaving changes uncommitted (as told)')
}
record('end')
