import { buildPlan } from '../../src/plan/plan.js'
import { createRepo } from '../helpers/temp-repo.js'
import { planSettings, ROADMAP, SPECS } from './plan-settings.js'

// Two ways an outside roadmap lost the right spec: a story's `-technical-addendum` (the only
// document naming the agents it changes) was dropped as "another story", and a dropped
// story's spec whose number was reused was read instead of the priority's ROADMAP section.
describe('buildPlan: a story keeps its addendum, a dropped spec is no spec', () => {
  const roadmap = `# Roadmap

## PRIORITY 6: US-108 Prompt templates v2

**Spec**: [SPEC-108-prompt-templates.md](../architecture/specs/SPEC-108-prompt-templates.md)
(+ the [technical addendum](../architecture/specs/SPEC-108-prompt-templates-technical-addendum.md))

## PRIORITY 9: US-109 Slack notifications

No spec needed (the old SPEC-109 was the email digest we dropped). Deliverables:

- \`orbit/notifications/slack.py\`: Block Kit messages
- \`tests/unit/test_notifications.py\`: threads
`
  const files = {
    [ROADMAP]: roadmap,
    'orbit/prompts/loader.py': '',
    'orbit/agents/code_developer.py': '',
    'orbit/notifications/slack.py': '',
    'orbit/notifications/email.py': '',
    'orbit/daemon/scheduler.py': '',
    'tests/unit/test_notifications.py': '',
    [`${SPECS}/SPEC-108-prompt-templates.md`]:
      '# SPEC-108: Prompt templates v2\n\n**File**: `orbit/prompts/loader.py`\n',
    [`${SPECS}/SPEC-108-prompt-templates-technical-addendum.md`]:
      '# SPEC-108 technical addendum\n\n| Agent | File | Change |\n|---|---|---|\n| developer | `orbit/agents/code_developer.py` | call the loader |\n',
    [`${SPECS}/SPEC-109-email-digest.md`]:
      '# SPEC-109: Weekly email digest\n\n**Story**: US-109 · **Status**: ❌ Dropped\n\n- `orbit/notifications/email.py`\n- `orbit/daemon/scheduler.py`\n'
  }

  it('reads the addendum with its story, and plans a dropped spec’s priority from its section', async () => {
    using repo = createRepo(files)
    const plan = await buildPlan(planSettings(repo.repo, [6, 9]))
    const task = (p: number) => plan.tasks.find((t) => t.priority === p)
    expect(task(6)?.spec_files.map((f) => f.split('/').at(-1))).toEqual([
      'SPEC-108-prompt-templates-technical-addendum.md',
      'SPEC-108-prompt-templates.md'
    ])
    expect(plan.separation.task_file_map['6']).toEqual([
      'orbit/agents/code_developer.py',
      'orbit/prompts/loader.py'
    ])
    expect(task(9)?.spec_files).toEqual([])
    expect(plan.separation.task_file_map['9']).toEqual([
      'orbit/notifications/slack.py',
      'tests/unit/test_notifications.py'
    ])
    expect(task(9)?.notes.join('\n')).toMatch(
      /dropped, treated as absent: SPEC-109-email-digest\.md/
    )
  })
})
