import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { renderSummary } from '../../src/report/summary.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from '../run/run-helpers.js'

// A whole run with the gate: priority 2's agent breaks the tests.
const AGENT = `
mkdir -p src && echo "feature $PRIORITY_ID" > "src/feature-$PRIORITY_ID.ts"
[ "$PRIORITY_ID" = 2 ] && echo "broken" > src/BROKEN
git add -A && git commit -qm "priority $PRIORITY_ID"
`

describe('a run with verify-command', () => {
  test('the branch that breaks verify-command is verify-failed and kept, the others land, the result counts the runs', async () => {
    using dir = createRepo(
      roadmapFiles({
        1: { files: ['src/feature-1.ts'] },
        2: { files: ['src/feature-2.ts'] },
        3: { files: ['src/feature-3.ts'] }
      })
    )
    const agent = script(join(dir.path, 'agent.sh'), AGENT)
    const result = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1-3',
        'max-parallel': '3',
        'agent-command': `bash ${agent}`,
        'verify-command': 'test ! -e src/BROKEN',
        'pr-comment': 'false'
      }),
      testEngineOptions()
    )
    expect(result.tasks.map((t) => t.merge)).toEqual(['merged', 'verify-failed', 'merged'])
    expect(result.verify_runs).toBeGreaterThan(0)
    expect(result.verify_runs).toBe(result.verify!.runs)
    expect(result.verify!.culprits.map((c) => c.priority)).toEqual([2])
    expect(git(dir.repo, 'ls-tree', '-r', '--name-only', 'roadmap')).not.toContain('src/BROKEN')
    expect(git(dir.repo, 'rev-parse', '--verify', 'refs/heads/feature/us-002')).toMatch(
      /^[0-9a-f]{40}$/
    )
    expect(result.success).toBe(false)
    expect(renderSummary(result)).toContain(
      '**Priority 2** (`feature/us-002`) broke `verify-command`'
    )
  })
})
