#!/usr/bin/env node
// `npm run local-action`: runs the action's TypeScript source through @github/local-action on a
// fresh demo repository, with the inputs of .env.example and the example agent.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDemoRepo } from './demo-repo.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const { home, repo } = createDemoRepo()
const agent = join(root, 'examples', 'agent', 'example-agent.mjs')
const envFile = join(home, '.env')
const summary = join(home, 'summary.md')
writeFileSync(summary, '')
writeFileSync(
  envFile,
  readFileSync(join(root, '.env.example'), 'utf8') +
    `GITHUB_WORKSPACE=${repo}\nRUNNER_TEMP=${home}\nGITHUB_STEP_SUMMARY=${summary}\n` +
    `INPUT_AGENT-COMMAND=node ${agent} --priority={priority} --sleep=1\n`
)
const bin = join(root, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js')
const run = spawnSync(process.execPath, [bin, 'run', root, 'src/main.ts', envFile], {
  stdio: 'inherit',
  cwd: root
})
console.log(`\nJob summary: ${summary}\nDemo repository: ${repo}`)
process.exit(run.status ?? 1)
