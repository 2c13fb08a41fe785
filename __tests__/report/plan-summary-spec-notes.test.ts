import { execute } from '../../src/engine/execute.js'
import { formatPlan } from '../../src/plan/plan-text.js'
import { renderSummary } from '../../src/report/summary.js'
import { createRepo } from '../helpers/temp-repo.js'
import { silentLogger } from '../helpers/logger.js'
import { settingsFor } from '../run/run-helpers.js'

// Spec numbers get reused: when a priority's spec is chosen among several, the plan says so
// wherever it is read (the plan's text, the plan job's summary, the result's tasks[].notes).
const ROADMAP = 'docs/roadmap/ROADMAP.md'
const SPECS = 'docs/architecture/specs'

describe('a spec chosen among several for a priority', () => {
  test('is noted in the plan text, the plan summary and tasks[].notes', async () => {
    using repo = createRepo({
      [ROADMAP]: '# Roadmap\n\n## PRIORITY 5: US-105 - Architect CLI review command\n',
      'src/cli/architect.py': '',
      'src/notify.py': '',
      [`${SPECS}/SPEC-105-architect-cli.md`]:
        '# SPEC-105: Architect CLI\n\n- `src/cli/architect.py`\n',
      [`${SPECS}/SPEC-105-notification-digest.md`]: '# Notification digest\n\n- `src/notify.py`\n'
    })
    const { result, plan } = await execute(
      settingsFor(repo.repo, { mode: 'plan', priorities: '5', 'pr-comment': 'false' }),
      { logger: silentLogger }
    )
    const chosen = /kept .*SPEC-105-architect-cli\.md.*dropped SPEC-105-notification-digest\.md/
    expect(result.tasks[0].notes?.join('\n')).toMatch(chosen)
    expect(formatPlan(plan!)).toMatch(chosen)
    const summary = renderSummary(result)
    expect(summary).toContain('### Notes on the specs')
    expect(summary).toMatch(/^- \*\*5\*\*: .*kept .*SPEC-105-architect-cli\.md/m)
    expect(summary).toMatch(/dropped SPEC-105-notification-digest\.md/)
  })

  test('two candidates of one file name (a copy in another folder) are told apart by their paths', async () => {
    using repo = createRepo({
      [ROADMAP]: '# Roadmap\n\n## PRIORITY 1: US-1 - Alpha\n',
      [`${SPECS}/SPEC-001-alpha.md`]: '- `src/a.py`\n',
      [`${SPECS}/archive/SPEC-001-alpha.md`]: '- `src/old-a.py`\n'
    })
    const { result } = await execute(
      settingsFor(repo.repo, { mode: 'plan', priorities: '1', 'pr-comment': 'false' }),
      { logger: silentLogger }
    )
    const notes = result.tasks[0].notes?.join('\n') ?? ''
    expect(notes).toContain(`${SPECS}/SPEC-001-alpha.md, ${SPECS}/archive/SPEC-001-alpha.md`)
    expect(renderSummary(result)).toContain(`${SPECS}/archive/SPEC-001-alpha.md`)
  })
})
