// The demo repository that `npm run demo` and `npm run local-action` run on: a roadmap branch,
// a ROADMAP with four priorities, and their specs, written in several styles; US-065 and
// US-067 both touch src/recipes.ts.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const FILES = {
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
/** Creates the demo repository in a new temp folder; returns { home, repo }. */
export function createDemoRepo() {
  const home = mkdtempSync(join(tmpdir(), 'parallel-worktree-demo-'))
  const repo = join(home, 'coffee-maker')
  for (const [path, content] of Object.entries(FILES)) {
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
  return { home, repo }
}
