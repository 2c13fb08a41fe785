import { extractPaths } from '../../src/plan/path-extractor.js'
import { DEFAULT_SEPARATION_IGNORE, SeparationIgnore } from '../../src/plan/separation-ignore.js'
import { scopeOfSpec } from '../../src/plan/spec-scope.js'
import { treeOf } from './tree-listing.js'

const SPEC = 'docs/specs/SPEC-101-x.md'

const TREE = treeOf([
  'pyproject.toml',
  '.claude/CLAUDE.md',
  '.claude/agents/code_developer.md',
  '.claude/skills/separator/task_separator.py',
  'pkg/__init__.py',
  'pkg/daemon.py',
  'pkg/cli/__init__.py',
  'pkg/cli/roadmap_cli.py',
  'pkg/cli/architect_cli.py',
  'pkg/listeners/__init__.py',
  'pkg/listeners/base_listener.py',
  'pkg/utils/__init__.py',
  'pkg/utils/file_io.py',
  'data/metrics.db',
  'data/roadmap.json',
  'docs/reviews/REVIEW_2025-10-01.md',
  'tests/test_daemon.py'
])

function scope(markdown: string, ignore = DEFAULT_SEPARATION_IGNORE) {
  const result = scopeOfSpec(markdown, SPEC, TREE, new SeparationIgnore(ignore))
  return { paths: [...result.paths.keys()].sort(), notes: result.notes, evidence: result.paths }
}

describe('scopeOfSpec: the classes of mistakes of real specs', () => {
  it('1. unwraps emphasis before reading tokens', () => {
    const { paths } = scope(
      '**Hour 1-2: Create user_listener.py** in `pkg/listeners/`\n' +
        'The **file/code parsing** is 2.5x** faster; **I/O** and **CLAUDE.md** stay.\n' +
        '(**pkg/daemon.py**) registers it.\n'
    )
    // The new file goes into the folder its line names (the folder is then context).
    expect(paths).toEqual(['pkg/daemon.py', 'pkg/listeners/user_listener.py'])
    expect(paths.join(' ')).not.toMatch(/\*|file\/code|I\/O|2\.5x/)
  })

  it('2. leaves prose and code that only look like paths', () => {
    const { paths } = scope(
      '**Location**: N/A\n\n' +
        'Compare `f"{branch}...origin/{branch}"` per Sprint/milestone.\n\n' +
        '### pkg/cli/roadmap_cli.py/Imports\n\n' +
        '```python\nfrom pkg.utils import x  # reads pkg/utils/file_io.py\nresult = a/b.c\n```\n'
    )
    expect(paths).toEqual(['pkg/cli/roadmap_cli.py', 'pkg/utils/file_io.py'])
  })

  it('3. a folder is context when files inside it are named; negated and referred paths never count', () => {
    const { paths, notes } = scope(
      '**Scope**: `pkg/`\n\n' +
        '- `pkg/cli/architect_cli.py`: new command\n' +
        'The helpers are not moved to `pkg/utils/`; see `pkg/daemon.py` for how it starts.\n' +
        'The agent files in `.claude/` are read at start.\n\n' +
        '## Non-goals\n\n- rewriting `tests/test_daemon.py`\n'
    )
    expect(paths).toEqual(['pkg/cli/architect_cli.py'])
    expect(notes.join('\n')).toMatch(/folders taken as context.*pkg\//)
  })

  it('4 and 6. documents, bookkeeping, runtime data and placeholders are not touched paths', () => {
    const { paths, notes } = scope(
      '- `.claude/CLAUDE.md`, `.claude/agents/code_developer.md`, `VELOCITY_ANALYSIS_2025.md`\n' +
        '- `docs/reviews/REVIEW_[date].md`, `POC-{number}-{slug}/`, `SPEC-{number}-*.md`\n' +
        '- reads `data/metrics.db` and `data/*.json`\n'
    )
    expect(paths).toEqual([])
    expect(notes.join('\n')).toMatch(/separation-ignore/)
  })

  it('7. bare names: the one file of that name, through the spec folders when many hold it, else noted', () => {
    const { paths, notes } = scope(
      'Change `architect_cli.py` and export it from `__init__.py`.\n\n' +
        '| File | Change |\n|---|---|\n| `pkg/cli/roadmap_cli.py` | flag |\n| `new_module.py` | new |\n'
    )
    expect(paths).toEqual([
      'pkg/cli/__init__.py',
      'pkg/cli/architect_cli.py',
      'pkg/cli/roadmap_cli.py'
    ])
    expect(notes.join('\n')).toMatch(/new_module\.py \(a new file, no folder given\)/)
    const ambiguous = scope(
      'Export it from `__init__.py`; see the daemon.\n- `tests/test_daemon.py`\n'
    )
    expect(ambiguous.paths).toEqual(['tests/test_daemon.py'])
    expect(ambiguous.notes.join('\n')).toMatch(
      /__init__\.py \(4 files of that name, 0 in the spec's folders\)/
    )
  })

  it('7. a name many folders hold: through the folders of the bare names placed, else the folder the line names in words', () => {
    // `file_io.py` is only in pkg/utils/: the package's `__init__.py` is that folder's.
    expect(scope('Add `file_io.py` helpers and export them from `__init__.py`.\n').paths).toEqual([
      'pkg/utils/__init__.py',
      'pkg/utils/file_io.py'
    ])
    // Named in words: "the listeners package", singular or plural.
    expect(scope('Register it in the listener package `__init__.py`.\n').paths).toEqual([
      'pkg/listeners/__init__.py'
    ])
    // A word naming no folder of the candidates settles nothing: noted, not counted.
    const unsettled = scope('Export it from the package `__init__.py`.\n')
    expect(unsettled.paths).toEqual([])
    expect(unsettled.notes.join('\n')).toMatch(/__init__\.py \(4 files of that name/)
  })

  it('counts a stated new file and an unstated new file only in an existing folder', () => {
    const { paths } = scope(
      '## Files\n\n- `pkg/listeners/user_listener.py` (new)\n- `newpkg/feature.py` (new)\n\n' +
        '## Notes\n\nIt mentions pkg/cli/brand_new.py and elsewhere/nothing.py in passing.\n'
    )
    expect(paths).toEqual([
      'newpkg/feature.py',
      'pkg/cli/brand_new.py',
      'pkg/listeners/user_listener.py'
    ])
  })

  it('gives the spec line of every path, and never a path outside the repository', () => {
    const { evidence } = scope(
      '# Title\n\n- `pkg/daemon.py`\n\nLater: pkg/daemon.py and ../outside.py, /etc/hosts.\n'
    )
    expect([...evidence.entries()]).toEqual([['pkg/daemon.py', [3, 5]]])
  })

  it('notes a folder named in passing as context, unless separation-ignore drops it anyway', () => {
    const { paths, notes } = scope(
      '## Files\n\n- `pkg/daemon.py`\n\n## Notes\n\nThe lock is on `data/*.db`; the CLI in `pkg/cli/` reads it.\n'
    )
    expect(paths).toEqual(['pkg/daemon.py'])
    expect(notes).toEqual([`${SPEC}: folders named only in passing, context: pkg/cli/`])
  })

  it('separation-ignore: a team can take paths back or ignore more', () => {
    expect(scope('- `pkg/daemon.py`\n- `pyproject.toml`\n', ['pyproject.toml']).paths).toEqual([
      'pkg/daemon.py'
    ])
    expect(scope('- `data/roadmap.json`\n', ['data/**', '!data/*.json']).paths).toEqual([
      'data/roadmap.json'
    ])
  })
})

describe('extractPaths: code blocks are read for comments, headers, listings and drawings only', () => {
  it('skips imports, calls and strings; keeps a header comment and a lone path', () => {
    const markdown =
      '```python\n# pkg/listeners/user_listener.py\nimport pkg.daemon\nopen("pkg/cli/x.py")\n```\n\n' +
      '```text\npkg/utils/file_io.py\n```\n'
    expect(extractPaths(markdown, SPEC).sort()).toEqual([
      'pkg/listeners/user_listener.py',
      'pkg/utils/file_io.py'
    ])
  })
})
