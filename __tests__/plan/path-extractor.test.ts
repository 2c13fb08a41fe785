import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { extractPaths } from '../../src/plan/path-extractor.js'
import { normaliseMention, type MentionContext } from '../../src/plan/path-normaliser.js'

const here = dirname(fileURLToPath(import.meta.url))
const SPEC_DIR = 'docs/architecture/specs'

function pathsOf(markdown: string, name = 'SPEC-200-example.md'): string[] {
  return extractPaths(markdown, `${SPEC_DIR}/${name}`).sort()
}

describe('extractPaths on the seed spec (SPEC-108: Location lines, diagrams, python blocks)', () => {
  const seed = readFileSync(join(here, 'fixtures/SPEC-108-parallel-agent-execution.md'), 'utf8')
  const paths = pathsOf(seed, 'SPEC-108-parallel-agent-execution.md')

  it('finds the files of its Location lines, appendix and code blocks, dot and dash folders included', () => {
    expect(paths).toEqual(
      expect.arrayContaining([
        'coffee_maker/orchestrator/parallel_execution_coordinator.py',
        '.claude/skills/architect/task-separator/task_separator.py',
        '.claude/skills/architect/task-separator/SKILL.md',
        '.claude/skills/orchestrator/parallel-execution/SKILL.md',
        'coffee_maker/autonomous/daemon_cli.py',
        'tests/orchestrator/test_parallel_execution_coordinator.py',
        'tests/skills/test_task_separator.py',
        'docs/architecture/guidelines/GUIDELINE-008-git-worktree-best-practices.md'
      ])
    )
  })

  it('leaves out absolute paths, .. escapes, branch names, URLs and python attribute access', () => {
    const joined = paths.join('\n')
    expect(joined).not.toMatch(/Users|path\/to|feature\/us|MonolithicCoffeeMakerAgent|git-scm/)
    expect(paths.some((path) => path.startsWith('/') || path.includes('..'))).toBe(false)
    expect(paths).not.toContain('subprocess.Popen')
    expect(paths).not.toContain('worktree.worktree_path')
  })

  it('reads its markdown links as cross-references, not edits (ROADMAP, CFR docs)', () => {
    expect(paths.some((path) => path.includes('ROADMAP'))).toBe(false)
    expect(paths.some((path) => path.includes('CRITICAL_FUNCTIONAL_REQUIREMENTS'))).toBe(false)
  })
})

describe('extractPaths on other spec styles', () => {
  it('reads a change table of a python project, bare root files in cells, and drops versions, URLs, e-mail, domains, commands', () => {
    const spec = `# SPEC-042: Notification batching

**Status**: 📝 Planned | **Owner**: @ops-team

## Changes

| File | Change |
|------|--------|
| \`coffee_maker/notifications.py\` | add \`NotificationBatcher\` |
| coffee_maker/config/settings.toml | new \`[batching]\` section |
| tests/unit/test_notifications.py | new |
| \`__init__.py\` | export the batcher |
| Makefile | \`make test-batching\` target |
| README.md | one paragraph |

Version bump to 1.4.2 (see https://pypi.org/project/coffee-maker/ and the v2.0 plan).
Contact ops@example.com, or read example.com/batching and docs.python.org.
Run \`poetry run pytest tests/unit -k batching\` then \`npm run build\`.
`
    expect(pathsOf(spec)).toEqual([
      'Makefile',
      'README.md',
      '__init__.py',
      'coffee_maker/config/settings.toml',
      'coffee_maker/notifications.py',
      'tests/unit/test_notifications.py'
    ])
  })

  it('reads Location/Files lines, list items, links, globs, Windows and line:col paths, and drops the rest', () => {
    const spec = `## Design

Location: src/report/ (new folder)
**Files**: src/report/summary.ts, src/report/format.ts — rendering
- src/cli/index.ts: wire the \`--json\` flag
- [ ] ./scripts/release.sh
- Dockerfile
- Handle the input/output case

Tests live in \`__tests__/report/**/*.test.ts\`; the fixture is at __tests__\\fixtures\\summary.json.
See [the merge engine](../../../src/merge/merge-engine.ts#L40), [ADR 7](../decisions/ADR-007-merges.md)
and [docs](https://example.com/docs "Docs"); config in [\`.github/workflows/ci.yml\`](/.github/workflows/ci.yml).
A crash at src/report/summary.ts:120:7 was fixed.
Not paths: ~/.config/tool.toml, /etc/hosts, C:\\Users\\me\\file.ts, ../outside/file.ts, \`worktree-dir\`,
and/or, read/write, I/O, 2025/10/20, \`actions/checkout@v4\`, \`@actions/core\`, Node.js, e.g. this.
`
    expect(pathsOf(spec)).toEqual([
      '.github/workflows/ci.yml',
      'Dockerfile',
      '__tests__/fixtures/summary.json',
      '__tests__/report/**/*.test.ts',
      'scripts/release.sh',
      'src/cli/index.ts',
      // "See [the merge engine](…)" is a reference, not an edit.
      'src/report/',
      'src/report/format.ts',
      'src/report/summary.ts'
    ])
  })

  it('rebuilds paths from a directory drawing and reads YAML and Go blocks', () => {
    const spec = `### Layout

\`\`\`text
cmd/
├── server/
│   ├── main.go
│   └── routes/          # one file per resource
│       └── users.go
└── worker/main.go
internal/cache/lru.go
\`\`\`

\`\`\`yaml
paths:
  - "internal/**/*.go"
image: ghcr.io/org/app:v1.2.3
\`\`\`

~~~go
import "github.com/org/app/internal/cache"
x := a / b
~~~
`
    expect(pathsOf(spec)).toEqual([
      'cmd/',
      'cmd/server/',
      'cmd/server/main.go',
      'cmd/server/routes/',
      'cmd/server/routes/users.go',
      'cmd/worker/main.go',
      'internal/**/*.go',
      'internal/cache/lru.go'
    ])
  })

  it('reads quotes, numbered bold items and inline code with backslashes; skips HTML comments', () => {
    const spec = `> **Note**: touches \`src\\engine\\run-engine.ts\`
1. **\`src/engine/types.ts\`** - add a field
2. **src/engine/logger.ts**, then tests
<!-- old plan: src/legacy.ts -->
Folder: \`src/run\`
`
    expect(pathsOf(spec)).toEqual([
      'src/engine/logger.ts',
      'src/engine/run-engine.ts',
      'src/engine/types.ts',
      'src/run'
    ])
  })

  it('finds nothing in a spec that names no path', () => {
    const spec = `# SPEC-7: Make it faster

We should make the daemon faster (2-3x) and more reliable; see US-35 and CFR-013.
- Measure first
- Then optimise
`
    expect(pathsOf(spec)).toEqual([])
  })
})

describe('normaliseMention', () => {
  const cases: [string, MentionContext, string | null][] = [
    ['./src/a.ts', 'span', 'src/a.ts'],
    ['src//a.ts', 'span', 'src/a.ts'],
    ['src/./a.ts', 'prose', 'src/a.ts'],
    ['src/a.ts:12', 'prose', 'src/a.ts'],
    ['src/a.ts#L3-L9', 'span', 'src/a.ts'],
    ['(src/a.ts),', 'prose', 'src/a.ts'],
    ['"src/a.ts".', 'prose', 'src/a.ts'],
    ['**src/a.ts**', 'prose', 'src/a.ts'],
    ['src/**', 'span', 'src/**'],
    ['src/{a,b}.ts', 'span', 'src/{a,b}.ts'],
    ['src/report', 'span', 'src/report'],
    ['src/report', 'prose', null],
    ['src/report/', 'prose', 'src/report/'],
    ['.github/workflows', 'prose', '.github/workflows'],
    ['my-app.v2/config.d/x.conf', 'prose', 'my-app.v2/config.d/x.conf'],
    ['docker/Dockerfile', 'code', 'docker/Dockerfile'],
    ['Makefile', 'slot', 'Makefile'],
    ['Makefile', 'prose', null],
    ['.env', 'span', '.env'],
    ['__init__.py', 'span', '__init__.py'],
    // A bare name in running text is kept: the scope step places it in the tree, or notes it.
    ['__init__.py', 'prose', '__init__.py'],
    ['POC-{number}-{slug}/', 'span', null],
    ['REVIEW_[date].md', 'span', null],
    ['SPEC-{number}-*.md', 'span', null],
    ['...origin/', 'code', null],
    ['N/A', 'prose', null],
    ['Sprint/milestone', 'prose', null],
    ['cli/roadmap_cli.py/Imports', 'prose', 'cli/roadmap_cli.py/Imports'],
    ['src\\a\\b.ts', 'span', 'src/a/b.ts'],
    ['/etc/hosts', 'span', null],
    ['~/x.ts', 'span', null],
    ['C:\\x\\y.ts', 'span', null],
    ['C:/x/y.ts', 'span', null],
    ['../x.ts', 'span', null],
    ['src/../../x.ts', 'span', null],
    ['https://example.com/a.ts', 'prose', null],
    ['example.com', 'span', null],
    ['github.com/org/repo', 'span', null],
    ['me@example.com', 'span', null],
    ['1.2.3', 'span', null],
    ['v2.0', 'span', null],
    ['2.5+', 'span', null],
    ['2025/10/20', 'span', null],
    ['*', 'prose', null],
    ['**kwargs', 'code', null],
    ['files[0]', 'code', null],
    ['{self.name}', 'code', null],
    ['--config', 'span', null],
    ['$HOME/x.ts', 'span', null],
    ['Node.js', 'span', null],
    ['feature/us-065', 'code', null]
  ]
  it.each(cases)('%s in %s → %s', (text, context, expected) => {
    expect(normaliseMention({ text, context }, '')).toBe(expected)
  })

  it('resolves link targets from the document folder, or the root for a leading slash', () => {
    const folder = 'docs/specs'
    expect(normaliseMention({ text: '../../src/a.ts', context: 'link' }, folder)).toBe('src/a.ts')
    expect(normaliseMention({ text: 'img/x.png', context: 'link' }, folder)).toBe(
      'docs/specs/img/x.png'
    )
    expect(normaliseMention({ text: '/src/a.ts?raw=1', context: 'link' }, folder)).toBe('src/a.ts')
    expect(normaliseMention({ text: '../../../x.ts', context: 'link' }, folder)).toBe(null)
    expect(normaliseMention({ text: '#anchor', context: 'link' }, folder)).toBe(null)
    expect(normaliseMention({ text: 'mailto:a@b.c', context: 'link' }, folder)).toBe(null)
  })
})
