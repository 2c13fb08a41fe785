import { impliedByLine } from '../../src/plan/implied-paths.js'
import { scopeIn } from './tree-listing.js'

// What a spec implies without writing the path: the manifest of a dependency or a script, the
// file of a dotted module. Each is found in the tree, never made up.
const PYTHON = [
  'pyproject.toml',
  'poetry.lock',
  'forge/__init__.py',
  'forge/metrics/__init__.py',
  'forge/metrics/report.py',
  'forge/storage/db/__init__.py',
  'src/lib/util.py',
  'tests/test_report.py'
]
const MIXED = [
  'package.json',
  'package-lock.json',
  'web/app.ts',
  'api/pyproject.toml',
  'api/uv.lock',
  'api/server.py'
]

describe('implied paths', () => {
  it('a dependency added implies the manifest and its lock file', () => {
    expect(scopeIn(PYTHON, '- Add dependency `jinja2` to render the prompt.\n').list).toEqual([
      'poetry.lock',
      'pyproject.toml'
    ])
    expect(scopeIn(PYTHON, 'Install it with `poetry add jinja2`.\n').list).toEqual([
      'poetry.lock',
      'pyproject.toml'
    ])
  })

  it('a CLI script registered, or a manifest table named, implies the manifest only', () => {
    expect(scopeIn(PYTHON, '- Register a CLI script `forge-metrics`.\n').list).toEqual([
      'pyproject.toml'
    ])
    expect(
      scopeIn(PYTHON, 'Point `forge-metrics` at it under `[project.scripts]`.\n')
    ).toMatchObject({
      list: ['pyproject.toml'],
      notes: []
    })
  })

  it('the manifest is the one of the command, or of the folder of the files the spec names', () => {
    expect(scopeIn(MIXED, '`npm install zod`\n').list).toEqual([
      'package-lock.json',
      'package.json'
    ])
    expect(scopeIn(MIXED, '- `api/server.py`: add dependency `httpx`\n').list).toEqual([
      'api/pyproject.toml',
      'api/server.py',
      'api/uv.lock'
    ])
  })

  it('installing, or a dependency not added, implies nothing', () => {
    expect(scopeIn(PYTHON, 'Run `pip install -r requirements.txt` first.\n').list).toEqual([])
    expect(
      scopeIn(PYTHON, 'Do this without adding a dependency; see `tests/test_report.py`.\n').list
    ).toEqual([])
    expect(impliedByLine('No new dependency is needed.')).toEqual([])
  })

  it('a dotted module names its file: imports, coverage targets, entry points', () => {
    expect(scopeIn(PYTHON, 'Update `forge.metrics.report` to print it.\n').list).toEqual([
      'forge/metrics/report.py'
    ])
    expect(scopeIn(PYTHON, '- Entry point: `forge.metrics.report:main`\n').list).toEqual([
      'forge/metrics/report.py'
    ])
    expect(
      scopeIn(PYTHON, 'Run `pytest --cov=forge.metrics.report tests/test_report.py`.\n').list
    ).toEqual(['forge/metrics/report.py', 'tests/test_report.py'])
    expect(scopeIn(PYTHON, '`from forge.storage.db import connect` keeps working.\n').list).toEqual(
      ['forge/storage/db/__init__.py']
    )
    expect(scopeIn(PYTHON, 'Use `lib.util` helpers.\n').list).toEqual(['src/lib/util.py'])
    // Not in the tree: a library, an attribute.
    expect(scopeIn(PYTHON, 'Call `os.path.join` and `self.name`.\n').list).toEqual([])
  })
})
