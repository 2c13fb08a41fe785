#!/usr/bin/env node
// `npm run demo`: builds a throwaway repository with a roadmap, four priorities (two of which
// touch the same file), and runs the bundled CLI on it with the example agent: first the plan,
// then the whole job. It ends by saying where the repository is, to look at its history.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDemoRepo } from './demo-repo.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(root, 'dist', 'cli', 'index.js')
const agent = join(root, 'examples', 'agent', 'example-agent.mjs')
if (!existsSync(cli)) {
  console.error('dist/cli/index.js is missing: run `npm run package` first')
  process.exit(1)
}

const { home, repo } = createDemoRepo()
const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' })

const common = [
  '1-4',
  '--repo',
  repo,
  '--agent-command',
  `node ${JSON.stringify(agent)} --priority={priority} --sleep=2`,
  '--max-parallel',
  '3',
  '--log-dir',
  join(home, 'logs')
]
// Bold headings only in a terminal, and not with NO_COLOR (https://no-color.org); the CLI
// below follows the same rule for what it relays.
const bold = process.stdout.isTTY && !process.env.NO_COLOR
const say = (text) => process.stdout.write(bold ? `\n\x1b[1m${text}\x1b[0m\n\n` : `\n${text}\n\n`)

say(`Demo repository: ${repo}`)
say('1. The plan: which priorities may run together (parallel-worktree plan)')
spawnSync(process.execPath, [cli, 'plan', ...common], { stdio: 'inherit' })

say('2. The run: worktrees, agents in parallel, merges into roadmap (parallel-worktree run)')
const run = spawnSync(process.execPath, [cli, 'run', ...common], { stdio: 'inherit' })

say('3. The history of roadmap')
process.stdout.write(git('log', '--graph', '--oneline', '--decorate', 'roadmap').toString())
say(`Look around: cd ${repo} && git log --graph --oneline roadmap`)
say(`Agent logs: ${join(home, 'logs')}`)
process.exit(run.status ?? 1)
