#!/usr/bin/env node
// `npm run demo`: builds a throwaway repository with a roadmap, four priorities (two of which
// touch the same file), and runs the bundled CLI on it with the example agent: first the plan,
// then the whole job. It ends by saying where the repository is, to look at its history.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(root, 'dist', 'cli', 'index.js')
const agent = join(root, 'examples', 'agent', 'example-agent.mjs')
if (!existsSync(cli)) {
  console.error('dist/cli/index.js is missing: run `npm run package` first')
  process.exit(1)
}

const home = mkdtempSync(join(tmpdir(), 'parallel-worktree-demo-'))
const repo = join(home, 'coffee-maker')
const files = {
  'README.md': '# coffee-maker\n\nA demo repository for parallel-worktree.\n',
  'src/recipes.ts': 'export const recipes = ["espresso"]\n',
  'src/notifications.ts': 'export function notify(message: string) {\n  console.log(message)\n}\n',
  'src/cli.ts': 'import { recipes } from "./recipes"\nconsole.log(recipes)\n',
  'tests/recipes.test.ts': '// recipe tests\n',
  'docs/guide.md': '# Guide\n',
  'docs/roadmap/ROADMAP.md': `# Roadmap

### PRIORITY 1: US-065 - Recipe library 📝 Planned
Spec: [SPEC-065](../architecture/specs/SPEC-065-recipe-library.md)

### PRIORITY 2: US-066 - Notifications 📝 Planned

### PRIORITY 3: US-067 - Recipe commands in the CLI 📝 Planned

### PRIORITY 4: US-068 - User guide 📝 Planned
`,
  'docs/architecture/specs/SPEC-065-recipe-library.md': `# SPEC-065: Recipe library

**Location**: \`src/recipes.ts\`

| File | Change |
|---|---|
| \`src/recipes.ts\` | add latte and cappuccino |
| \`tests/recipes.test.ts\` | cover them |
`,
  'docs/architecture/specs/SPEC-066-notifications.md': `# SPEC-066: Notifications

Implementation files:
- \`src/notifications.ts\` - send a notification when a brew is done
`,
  'docs/architecture/specs/SPEC-067-cli-recipes.md': `# SPEC-067: Recipe commands in the CLI

Changes \`src/cli.ts\` and reads \`src/recipes.ts\` (shared with US-065: runs after it).
`,
  'docs/architecture/specs/SPEC-068-user-guide.md': `# SPEC-068: User guide

Write \`docs/guide.md\`.
`
}
for (const [path, content] of Object.entries(files)) {
  mkdirSync(dirname(join(repo, path)), { recursive: true })
  writeFileSync(join(repo, path), content)
}
const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' })
git('init', '-q', '-b', 'main')
git('config', 'user.name', 'Demo')
git('config', 'user.email', 'demo@example.com')
git('add', '-A')
git('commit', '-q', '-m', 'coffee-maker: initial version')
git('branch', 'roadmap')

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
const say = (text) => process.stdout.write(`\n\x1b[1m${text}\x1b[0m\n\n`)

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
