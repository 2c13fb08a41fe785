import { execFileSync } from 'node:child_process'
import { buildPlan } from '../../src/plan/plan.js'
import { renderBranchTemplate } from '../../src/git/ref-names.js'
import { parsePriorities } from '../../src/inputs/priorities.js'
import { planSettings, ROADMAP, SPECS } from './plan-settings.js'
import { createRepo } from '../helpers/temp-repo.js'

const settings = planSettings

describe('buildPlan: which spec belongs to a priority', () => {
  const roadmap = `# Roadmap

## PRIORITY 5: US-105 - Architect CLI review command
## PRIORITY 6: US-106 - Notification digest
Related: [SPEC-101](../architecture/specs/SPEC-101-listener.md), [SPEC-103](../architecture/specs/SPEC-103-worktrees.md)
## PRIORITY 7: Settings validation
## PRIORITY 9: Something with no spec of its own
## PRIORITY 2.5: Hotfix for the metrics lock
## PRIORITY 12: US-112 - Dedupe
Spec: [v2](../architecture/specs/SPEC-112-dedupe-v2.md)
## PRIORITY 20: US-9 - The owner of SPEC-9
`
  const files = {
    [ROADMAP]: roadmap,
    'src/cli/architect.py': '',
    'src/notify.py': '',
    [`${SPECS}/SPEC-105-architect-cli.md`]:
      '# SPEC-105: Architect CLI\n\n- `src/cli/architect.py`\n',
    [`${SPECS}/SPEC-105-notification-digest-draft.md`]:
      '# Notification digest\n\n- `src/notify.py`\n',
    [`${SPECS}/SPEC-106-digest.md`]: '# Digest\n\n- `src/notify.py`\n',
    [`${SPECS}/SPEC-101-listener.md`]: '- `src/listener.py`\n',
    [`${SPECS}/SPEC-103-worktrees.md`]: '- `src/worktrees.py`\n',
    [`${SPECS}/SPEC-007-settings.md`]: '- `src/settings.py`\n',
    [`${SPECS}/SPEC-009-owned.md`]: '- `src/owned.py`\n',
    [`${SPECS}/SPEC-2-5-metrics-lock.md`]: '- `src/metrics.py`\n',
    [`${SPECS}/SPEC-002-other.md`]: '- `src/other.py`\n',
    [`${SPECS}/SPEC-112-dedupe.md`]: '- `src/dedupe.py`\n',
    [`${SPECS}/SPEC-112-dedupe-v2.md`]: '- `src/dedupe.py`\n- `src/keys.py`\n',
    [`${SPECS}/SPEC-112-partitions.md`]: '- `src/warehouse.py`\n'
  }

  it('keeps the story that matches, linked versions together, and notes every choice and guess', async () => {
    using repo = createRepo(files)
    const plan = await buildPlan(settings(repo.repo, [5, 6, 7, 9, 2.5, 12, 20]))
    const byPriority = new Map(plan.tasks.map((task) => [task.priority, task]))
    const specs = (p: number) => byPriority.get(p)?.spec_files.map((f) => f.split('/').at(-1))
    const notes = (p: number) => byPriority.get(p)?.notes.join('\n') ?? ''

    expect(specs(5)).toEqual(['SPEC-105-architect-cli.md'])
    expect(notes(5)).toMatch(
      /kept SPEC-105-architect-cli\.md \(its title matches.*dropped SPEC-105-notification-digest-draft\.md/
    )
    // A section's references to other stories' specs are not its spec.
    expect(specs(6)).toEqual(['SPEC-106-digest.md'])
    expect(notes(6)).toMatch(
      /links SPEC-101-listener\.md, the spec of another number \(101\): not read/
    )
    expect(specs(7)).toEqual(['SPEC-007-settings.md'])
    expect(notes(7)).toMatch(/guessed: the heading .* names no US id/)
    // SPEC-9 is US-9's, which PRIORITY 20 names: priority 9 does not take it.
    expect(specs(9)).toEqual([])
    expect(notes(9)).toMatch(/SPEC-9-\* belongs to PRIORITY 20 \(US-9\)/)
    expect(plan.separation.unresolved).toContain(9)
    // 2.5 is its own number: SPEC-2-5-*, never SPEC-002.
    expect(specs(2.5)).toEqual(['SPEC-2-5-metrics-lock.md'])
    expect(plan.separation.task_file_map['2.5']).toEqual(['src/metrics.py'])
    expect(specs(12)).toEqual(['SPEC-112-dedupe-v2.md', 'SPEC-112-dedupe.md'])
    expect(notes(12)).toMatch(/dropped SPEC-112-partitions\.md/)
    expect(specs(20)).toEqual(['SPEC-009-owned.md'])
  })

  it('says a heading is inside a code block left open, with the line it opened at', async () => {
    using repo = createRepo({
      [ROADMAP]: '# R\n\n## PRIORITY 1: US-1 - a\n\n```text\nexample\n\n## PRIORITY 2: US-2 - b\n',
      [`${SPECS}/SPEC-001-a.md`]: '- `src/a.py`\n'
    })
    const plan = await buildPlan(settings(repo.repo, [1, 2]))
    expect(plan.tasks[1].notes.join('\n')).toMatch(
      /the one on line 8 is inside a code block opened at line 5 and never closed/
    )
  })
})

describe('decimal priorities end to end', () => {
  it('are read from the input, kept as numbers, and give ref-safe branch names', () => {
    expect(parsePriorities('2, 2.5, 3')).toEqual([2, 2.5, 3])
    expect(() => parsePriorities('2.50')).toThrow(/write it as 2\.5/)
    expect(() => parsePriorities('2.5-3')).toThrow(/not a priority ID/)
    for (const [template, branch] of [
      ['feature/us-{priority:03d}', 'feature/us-002.5'],
      ['p-{priority}', 'p-2.5'],
      ['wave/{priority:2d}/x', 'wave/02.5/x']
    ]) {
      expect(renderBranchTemplate(template, 2.5)).toBe(branch)
      // git's own rule, not ours.
      expect(() =>
        execFileSync('git', ['check-ref-format', `refs/heads/${branch}`], { stdio: 'ignore' })
      ).not.toThrow()
    }
  })
})
