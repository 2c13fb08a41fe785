import { describe, expect, it } from '@jest/globals'
import { namesAny, priorityIds } from '../../src/plan/landed-phases.js'
import { buildPlan } from '../../src/plan/plan.js'
import { createRepo, git, writeFiles } from '../helpers/temp-repo.js'
import { planSettings, ROADMAP, SPECS } from './plan-settings.js'
import { scopeIn } from './tree-listing.js'

// A phase of a spec that already landed is left out of the priority's scope: marked done in
// the spec, or shown landed by base's history (commits naming the priority changed its files).

const phased = (first: string): string =>
  [
    '# SPEC-055: CSV export',
    '',
    `## ${first}`,
    '',
    '- Modify `src/export/schema.ts`',
    '- Create `src/export/columns.ts`',
    '',
    '## Phase 2: the writer',
    '',
    '- Create `src/export/csv.ts`',
    '- Modify `src/cli/main.ts`',
    ''
  ].join('\n')
const FILES = ['src/export/schema.ts', 'src/export/columns.ts', 'src/cli/main.ts']

describe('a phase marked landed in the spec', () => {
  it.each([
    ['checked off', '[x] Phase 1: the schema'],
    ['struck through', '~~Phase 1: the schema~~'],
    ['ticked', 'Phase 1: the schema ✅'],
    ['landed in a pull request', 'Phase 1: the schema (landed in #123)']
  ])('%s: its paths are left out, with why', (_how, heading) => {
    const scope = scopeIn(FILES, phased(heading))
    expect(scope.list).toEqual(['src/cli/main.ts', 'src/export/csv.ts'])
    expect(scope.dropped.get('src/export/schema.ts')).toEqual(['5 (done)'])
  })
})

describe('a phase shown landed by history', () => {
  const repoWithHistory = (message: string, changed: string[]) => {
    const repo = createRepo({
      [ROADMAP]:
        '# Roadmap\n\n## PRIORITY 1: US-055 CSV export\n\n## PRIORITY 2: US-056 Dark mode\n',
      [`${SPECS}/SPEC-055-csv-export.md`]: phased('Phase 1: the schema'),
      [`${SPECS}/SPEC-056-dark-mode.md`]:
        '# SPEC-056: Dark mode\n\n## Files\n\n- `src/export/schema.ts`\n',
      'src/export/schema.ts': '// v1\n',
      'src/cli/main.ts': '// v1\n'
    })
    writeFiles(repo.repo, Object.fromEntries(changed.map((file) => [file, `// ${message}\n`])))
    git(repo.repo, 'add', '-A')
    git(repo.repo, 'commit', '-q', '-m', message)
    return repo
  }

  it('leaves out a phase whose every file commits naming the story changed, with the commit as evidence', async () => {
    using repo = repoWithHistory('feat(export): US-055 phase 1, the schema and its columns', [
      'src/export/schema.ts',
      'src/export/columns.ts'
    ])
    const plan = await buildPlan(planSettings(repo.repo, [1, 2]))
    expect(plan.tasks[0].paths).toEqual(['src/cli/main.ts', 'src/export/csv.ts'])
    expect(plan.tasks[0].notes.join('\n')).toMatch(
      /phase 1 \("Phase 1: the schema"\) already landed on roadmap: [0-9a-f]{12} "feat\(export\): US-055 phase 1/
    )
    expect(plan.separation.not_counted?.['1']?.['src/export/schema.ts']).toEqual([
      expect.stringMatching(
        /SPEC-055-csv-export\.md:5 \(done: [0-9a-f]{12} "feat\(export\): US-055/
      )
    ])
    // The landed phase's file no longer makes priority 1 and 2 overlap.
    expect(plan.separation.conflicts).toEqual({})
  })

  it('keeps a phase when the commits naming the story changed only some of its files, or name another story', async () => {
    using partly = repoWithHistory('US-055: start on the schema', ['src/export/schema.ts'])
    expect((await buildPlan(planSettings(partly.repo, [1]))).tasks[0].paths).toContain(
      'src/export/schema.ts'
    )
    using other = repoWithHistory('US-0551: unrelated', [
      'src/export/schema.ts',
      'src/export/columns.ts'
    ])
    expect((await buildPlan(planSettings(other.repo, [1]))).tasks[0].paths).toContain(
      'src/export/schema.ts'
    )
  })

  it('a commit naming another phase does not land this one', async () => {
    using repo = repoWithHistory('US-055 phase 2: prework', [
      'src/export/schema.ts',
      'src/export/columns.ts'
    ])
    expect((await buildPlan(planSettings(repo.repo, [1]))).tasks[0].paths).toContain(
      'src/export/schema.ts'
    )
  })

  it('a commit naming this phase lands it when it changed most of its files (the rest only read)', async () => {
    using repo = repoWithHistory('US-055 phase 1: the schema', ['src/export/schema.ts'])
    expect((await buildPlan(planSettings(repo.repo, [1]))).tasks[0].paths).toEqual([
      'src/cli/main.ts',
      'src/export/csv.ts'
    ])
  })
})

describe('the ids a commit names a priority by', () => {
  it('its story and its spec id, not its number when it has those (priorities get renumbered)', () => {
    const ids = priorityIds(5, 55, ['docs/specs/SPEC-301-multi-currency.md'])
    expect(namesAny('feat: US-055 phase 1', ids)).toBe(true)
    expect(namesAny('SPEC 301: the schema', ids)).toBe(true)
    expect(namesAny('PRIORITY 5: something else', ids)).toBe(false)
    expect(namesAny('US-0551 and SPEC-3010', ids)).toBe(false)
    expect(namesAny('PRIORITY 5: the only name it has', priorityIds(5, null, []))).toBe(true)
  })
})
