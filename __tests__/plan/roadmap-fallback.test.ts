import { buildPlan } from '../../src/plan/plan.js'
import { createRepo } from '../helpers/temp-repo.js'
import { planSettings, ROADMAP, SPECS } from './plan-settings.js'

// The contract's ROADMAP fallback: a priority with no spec file, whose own ROADMAP section
// names paths, is planned from that section (noted); only one with neither is unknown scope.
const roadmap = `# Roadmap

## PRIORITY 1: Local dev environment

No spec, small enough. Deliverables:

- \`docker-compose.yml\`: postgres and redis
- \`Makefile\`: \`make up\`, \`make down\`

## PRIORITY 2: Performance investigation

Find out why the list is slow. No code change planned yet.

## PRIORITY 3: US-030 - Slack notifications

Uses the existing client in \`src/slack.py\` (extend it with \`post_ticket()\`).

## PRIORITY 4: US-040 - Makefile targets for the docs

### US-041 - Docs hosting (later, its own story)

- \`src/hosting.py\`

### Deliverables

- \`Makefile\`: \`make docs\`
`
const files = {
  [ROADMAP]: roadmap,
  Makefile: '',
  'docker-compose.yml': 'services: {}\n',
  'src/slack.py': '',
  'src/list.py': '',
  'src/hosting.py': '',
  // Priority 3's spec names no path of its own: the section is what names the files.
  [`${SPECS}/SPEC-030-slack.md`]:
    '# SPEC-030: Slack notifications\n\nPost new urgent tickets to the support channel so the on-call agent sees them.\n'
}

describe('the ROADMAP fallback', () => {
  it("plans a priority with no spec from its own ROADMAP section, noted, with the ROADMAP's lines as evidence", async () => {
    using repo = createRepo(files)
    const plan = await buildPlan(planSettings(repo.repo, [1, 2, 3, 4]))
    const task = (priority: number) => plan.tasks.find((one) => one.priority === priority)
    expect(plan.separation.task_file_map['1']).toEqual(['Makefile', 'docker-compose.yml'])
    expect(task(1)?.notes.join('\n')).toMatch(
      /no spec file: planned from its docs\/roadmap\/ROADMAP\.md section \(line 3\), the ROADMAP fallback/
    )
    expect(task(1)?.notes.join('\n')).not.toMatch(/scope unknown/)
    expect(plan.separation.evidence?.['1']?.['Makefile']).toEqual([`${ROADMAP}:8`])
    // A spec that names no path: its section serves, and says so.
    expect(plan.separation.task_file_map['3']).toEqual(['src/slack.py'])
    expect(task(3)?.notes.join('\n')).toMatch(/its spec names no usable path: planned from its/)
    // The section's paths separate it like a spec's would. Another story's subsection nested
    // in it is not its own; its own subsections after it are.
    expect(plan.separation.task_file_map['4']).toEqual(['Makefile'])
    expect(plan.separation.conflicts['1,4']).toEqual(['Makefile'])
  })

  it('leaves unknown only a priority whose section names no path either', async () => {
    using repo = createRepo(files)
    const plan = await buildPlan(planSettings(repo.repo, [1, 2, 3, 4]))
    expect(plan.separation.unresolved).toEqual([2])
    expect(plan.tasks[1].notes.join('\n')).toMatch(/scope unknown: no spec found/)
  })
})
