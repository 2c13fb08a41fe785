import { extractMentions } from '../../src/plan/path-extractor.js'

// Outside roadmaps say a file is not changed in many ways the corpus first missed: a table
// row whose change column says "no change", a list item whose note says the tests "must still
// pass", a parenthesis that opens on the path, a sentence wrapped over two lines, a dash
// that sets a task's file apart from a negation before it, a struck-out code span, an
// annotated directory drawing whose other entries are the layout, an HTTP route.
const kinds = (markdown: string): [string, string | null | undefined][] =>
  extractMentions(markdown, 'docs/specs/SPEC-401-x.md', { all: true }).map((mention) => [
    mention.path,
    mention.kind
  ])

describe('mentions that say a path is not changed', () => {
  it('a table row whose other cell says "no change" is context; the others are changes', () => {
    const table = [
      '| Tool | File | Change |',
      '|---|---|---|',
      '| shell | `orbit/tools/shell.py` | wrap every command |',
      '| git | `orbit/tools/git_tools.py` | no change (runs through shell) |',
      '| web | `orbit/tools/web_fetch.py` | unchanged |',
      ''
    ].join('\n')
    expect(kinds(table)).toEqual([
      ['orbit/tools/shell.py', null],
      ['orbit/tools/git_tools.py', 'not'],
      ['orbit/tools/web_fetch.py', 'not']
    ])
  })

  it('a list item whose note says its tests must still pass, or that needs no change', () => {
    expect(kinds('- `tests/unit/test_cli.py`: existing status tests must still pass\n')).toEqual([
      ['tests/unit/test_cli.py', 'not']
    ])
    expect(kinds('- `tests/unit/test_cli.py`: add a doctor case\n')).toEqual([
      ['tests/unit/test_cli.py', null]
    ])
    expect(
      kinds('(`orbit/agents/code_developer.py` itself needs no change since it passes kwargs.)\n')
    ).toEqual([['orbit/agents/code_developer.py', 'not']])
    expect(
      kinds('The base class (`orbit/agents/base.py`) keeps its name; nothing to change there.\n')
    ).toEqual([['orbit/agents/base.py', 'not']])
  })

  it('a parenthesis opening on a path says what it is, even wrapped onto the next line', () => {
    const spec =
      'The login page copies the layout (`orbit/web/templates/dashboard.html`,\nused as the pattern to reuse; not edited).\n'
    expect(kinds(spec)).toEqual([['orbit/web/templates/dashboard.html', 'reuse']])
  })

  it('a dash sets a task file apart from the negation before it', () => {
    expect(
      kinds(
        '- [ ] T001 [P] TTL set on complete, not on retry, `0` keeps forever — packages/core/src/store/redis.test.ts\n'
      )
    ).toEqual([['packages/core/src/store/redis.test.ts', null]])
  })

  it('a struck-out code span is not a change', () => {
    expect(
      kinds('- [ ] ~~`scripts/install_hooks.sh`~~ (dropped)\n- [ ] `Makefile`: targets\n')
    ).toEqual([
      ['scripts/install_hooks.sh', 'not'],
      ['Makefile', null]
    ])
  })

  it('an annotated drawing changes what its comments say; its other entries are the layout', () => {
    const plan = [
      '```',
      'packages/ui/src/',
      '├── main.tsx        # apply theme before createRoot',
      '├── theme.ts        # new',
      '├── pages/',
      '│   └── Jobs.tsx',
      '└── components/',
      '    ├── JobTable.tsx   # unchanged',
      '    └── Badge.tsx      # pattern for the toggle',
      '```',
      ''
    ].join('\n')
    expect(kinds(plan)).toEqual([
      ['packages/ui/src/', 'see'],
      ['packages/ui/src/main.tsx', null],
      ['packages/ui/src/theme.ts', null],
      ['packages/ui/src/pages/', 'see'],
      ['packages/ui/src/pages/Jobs.tsx', 'see'],
      ['packages/ui/src/components/', 'see'],
      ['packages/ui/src/components/JobTable.tsx', 'not'],
      ['packages/ui/src/components/Badge.tsx', 'reuse']
    ])
  })

  it('a parenthesis after a path that says its tests still pass', () => {
    expect(
      kinds(
        '| client | `tests/unit/test_llm.py` (existing cases still pass; no new case needed) |\n'
      )
    ).toEqual([['tests/unit/test_llm.py', 'not']])
    // An aside on its own subject, or one that only says the file exists, changes nothing.
    expect(
      kinds('A bucket in `orbit/llm/rate.py` (the middleware file exists but only logs today).\n')
    ).toEqual([['orbit/llm/rate.py', null]])
    expect(
      kinds(
        '- [ ] T5 Scores in orbit/store/redis.ts (the memory store sorts on read, no change there)\n'
      )
    ).toEqual([['orbit/store/redis.ts', null]])
    expect(kinds('- Modify `orbit/daemon.py` (already exists) to add a flag\n')).toEqual([
      ['orbit/daemon.py', 'modify']
    ])
  })

  it('a package added under a "Dependencies" heading is a change, unlike a roadmap dependency', () => {
    const spec =
      '## Design\n\n### Dependencies\n\nAdd dependency `aiolimiter` (`poetry add aiolimiter`).\n'
    const [implied] = extractMentions(spec, 'docs/specs/SPEC-401-x.md', { all: true })
    expect([implied.implied?.kind, implied.negated]).toEqual(['dependency', false])
    expect(kinds('## Dependencies\n\n- `orbit/llm/client.py` from PRIORITY 2\n')).toEqual([
      ['orbit/llm/client.py', 'see']
    ])
  })

  it('an HTTP route is no path', () => {
    expect(
      kinds('- [ ] T003 `GET /jobs/:id/logs?after=` in packages/server/src/routes/jobs.ts\n')
    ).toEqual([['packages/server/src/routes/jobs.ts', null]])
  })
})
