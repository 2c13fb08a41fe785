import { describe, expect, it } from '@jest/globals'
import { renderSummary } from '../../src/report/summary.js'
import { resultOutputs } from '../../src/report/result.js'
import { result, task } from './fixtures.js'

describe('the merge queue in the summary', () => {
  const culprit = task(5, {
    merge: 'verify-failed',
    merge_commit: null,
    error: 'verify-command failed on roadmap with feature/us-005 merged',
    out_of_scope: ['src/main.ts'],
    attempts: 2
  })
  const reproduce =
    "git worktree add --detach ../verify-5 refs/parallel-worktree/verify-failed/5 && (cd ../verify-5 && bash -c 'npm test')"
  const run = result([task(4), culprit, task(6, { kept_branches: ['feature/us-006-first'] })], {
    verify_runs: 7,
    verify: {
      rounds: 4,
      runs: 7,
      flaky: 1,
      culprits: [{ priority: 5, branch: 'feature/us-005', reproduce }]
    }
  })

  it('shows the verify rounds, the culprit and the command that reproduces it', () => {
    const markdown = renderSummary(run)
    expect(markdown).toContain('### 🧪 Verify gate')
    expect(markdown).toContain('4 rounds, 7 runs of `verify-command`')
    expect(markdown).toContain('flaky: nobody blamed')
    expect(markdown).toContain('**Priority 5** (`feature/us-005`) broke `verify-command`')
    expect(markdown).toContain(reproduce)
    expect(markdown).toContain('🧪 verify failed')
  })

  it('names the files changed outside the spec and the branches a re-run kept', () => {
    const markdown = renderSummary(run)
    expect(markdown).toContain('Priority 5: changed files its spec did not name: `src/main.ts`')
    expect(markdown).toContain('Priority 6: earlier branch kept: `feature/us-006-first`')
  })

  it('counts a verify-failed merge as failed in the outputs', () => {
    expect(resultOutputs(run).failed).toBe('5')
    expect(JSON.parse(resultOutputs(run).result)).toMatchObject({ verify_runs: 7, success: false })
  })
})
