import { describe, expect, it } from '@jest/globals'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { riskOrder } from '../../src/merge/risk-order.js'
import { importHubs, importsOf } from '../../src/plan/import-graph.js'
import { buildPlan } from '../../src/plan/plan.js'
import { createRepo, git, writeFiles } from '../helpers/temp-repo.js'
import { planSettings, ROADMAP, SPECS } from './plan-settings.js'
import { treeOf } from './tree-listing.js'

// The import graph of the files priorities name: a weight for the merge order (a file the
// named files of several priorities import merges later), never a conflict.

const TREE = treeOf([
  'app/__init__.py',
  'app/db.py',
  'app/models/__init__.py',
  'app/models/user.py',
  'app/api/routes.py',
  'web/src/db.ts',
  'web/src/lib/index.ts',
  'web/src/pages/home.tsx',
  'go.mod',
  'internal/store/store.go',
  'internal/store/store_test.go',
  'internal/api/server.go'
])

describe('the imports of a file', () => {
  it('Python: absolute and relative modules, and `from pkg import mod`', () => {
    const text =
      'import os\nfrom app.db import session\nfrom .. import models\nfrom ..models import user\n'
    expect(importsOf('app/api/routes.py', text, TREE, null).sort()).toEqual([
      'app/__init__.py',
      'app/db.py',
      'app/models/__init__.py',
      'app/models/user.py'
    ])
  })

  it("TS/JS: relative specifiers (`.js` for `.ts`, a folder's index), never a package's", () => {
    const text =
      "import React from 'react'\nimport { db } from '../db.js'\nexport * from '../lib'\nconst x = require('./missing')\n"
    expect(importsOf('web/src/pages/home.tsx', text, TREE, null).sort()).toEqual([
      'web/src/db.ts',
      'web/src/lib/index.ts'
    ])
  })

  it("Go: the module's own packages (their files, not their tests), never the standard library's", () => {
    const text = 'package api\n\nimport (\n\t"context"\n\t"example.com/ledger/internal/store"\n)\n'
    expect(importsOf('internal/api/server.go', text, TREE, 'example.com/ledger')).toEqual([
      'internal/store/store.go'
    ])
  })

  it('a hub is a file the named files of two priorities or more import', () => {
    const texts = new Map([
      ['app/api/routes.py', 'from app.db import session\n'],
      ['app/models/user.py', 'from app import db\n'],
      ['web/src/pages/home.tsx', "import { db } from '../db'\n"]
    ])
    const named = new Map([
      [1, ['app/api/routes.py']],
      [2, ['app/models/user.py']],
      [3, ['web/src/pages/home.tsx']]
    ])
    expect(importHubs(named, texts, TREE, null)).toEqual(new Map([['app/db.py', 2]]))
  })
})

describe('import hubs in the plan and the merge order', () => {
  it('are listed in separation.hub_files, and make no conflict', async () => {
    const spec = (us: number, file: string): string =>
      `# SPEC-${us}: Feature ${us}\n\n## Files\n\n- \`${file}\`\n`
    using repo = createRepo({
      [ROADMAP]: '# Roadmap\n\n## PRIORITY 1: US-1 Users\n\n## PRIORITY 2: US-2 Orders\n',
      [`${SPECS}/SPEC-001-users.md`]: spec(1, 'app/users.py'),
      [`${SPECS}/SPEC-002-orders.md`]: spec(2, 'app/orders.py'),
      'app/__init__.py': '',
      'app/db.py': 'session = None\n',
      'app/users.py': 'from app.db import session\n',
      'app/orders.py': 'from .db import session\n'
    })
    const plan = await buildPlan(planSettings(repo.repo, [1, 2]))
    expect(plan.separation.hub_files).toEqual({ 'app/db.py': 2 })
    expect(plan.separation.conflicts).toEqual({})
  }, 30_000)

  it('a branch changing an import hub merges after one changing more lines elsewhere', async () => {
    using repo = createRepo({ 'app/db.py': 'a = 1\n', 'app/other.py': 'b = 1\n' })
    const base = git(repo.repo, 'rev-parse', 'HEAD').trim()
    const tipChanging = (file: string, lines: number): string => {
      git(repo.repo, 'checkout', '-q', '-B', `change-${file.replace(/\W/g, '-')}`, base)
      writeFiles(repo.repo, { [file]: 'x = 2\n'.repeat(lines) })
      git(repo.repo, 'commit', '-q', '-am', `change ${file}`)
      return git(repo.repo, 'rev-parse', 'HEAD').trim()
    }
    const hubTip = tipChanging('app/db.py', 1)
    const otherTip = tipChanging('app/other.py', 20)
    const manager = new GitCommandManager(repo.repo)
    // By size alone the small change to the hub goes first; as an import hub, last.
    expect(await riskOrder(manager, base, [hubTip, otherTip])).toEqual([0, 1])
    expect(await riskOrder(manager, base, [hubTip, otherTip], new Set(['app/db.py']))).toEqual([
      1, 0
    ])
  }, 30_000)
})
