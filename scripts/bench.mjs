#!/usr/bin/env node
// `npm run bench`: runs every scripts/bench/*.mjs (or those named: `npm run bench -- plan`),
// each printing one JSON object, and prints them together as one JSON document.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpus, totalmem } from 'node:os'

const here = join(resolve(dirname(fileURLToPath(import.meta.url))), 'bench')
const wanted = process.argv.slice(2)
const benches = readdirSync(here)
  .filter((name) => name.endsWith('.mjs') && !name.startsWith('_'))
  .map((name) => name.replace(/\.mjs$/, ''))
  .filter((name) => wanted.length === 0 || wanted.includes(name))

const report = {
  machine: {
    node: process.version,
    cores: cpus().length,
    memory_gib: Math.round(totalmem() / 1024 ** 3)
  },
  benches: {}
}
let failed = false
for (const name of benches) {
  process.stderr.write(`bench ${name}…\n`)
  const run = spawnSync(process.execPath, [join(here, `${name}.mjs`)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  try {
    report.benches[name] = JSON.parse(run.stdout)
    if (report.benches[name].pass === false) failed = true
  } catch {
    report.benches[name] = { error: `exit ${run.status}`, output: run.stdout.slice(-2000) }
    failed = true
  }
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
process.exitCode = failed ? 1 : 0
