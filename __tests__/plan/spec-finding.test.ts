import { buildPlan } from '../../src/plan/plan.js'
import { createRepo } from '../helpers/temp-repo.js'

// Finding a priority's spec in a roadmap as people write it (issue 24, "Finding the spec").
const SPECS = 'docs/specs'
const ROADMAP = 'docs/roadmap/ROADMAP.md'
const roadmap = `# Roadmap

## PRIORITY 1: US-010 - CSV export

**Spec**: [SPEC-010](../specs/SPEC-010-csv-export.md)

### US-020 - Imports (split out, now PRIORITY 2)

**Spec**: [SPEC-020](../specs/SPEC-020-imports.md)

## PRIORITY 2: US-020 - Imports

## PRIORITY 3: Reports dashboard

Design: [the dashboard design](../specs/reports-dashboard.md).

Lots of history here, written over months.

Background only: [the old dashboard](../specs/legacy-dashboard.md).

## PRIORITY 4: Dark mode

- new \`web/theme.ts\`, toggled in \`web/settings.tsx\`

## PRIORITY 5: US-050 - Search

## PRIORITY 6: US-060 - Offline sync

## PRIORITY 7: Audit log

See [US-071](#us-071---audit-log-for-admins) for the story.

## PRIORITY 8: US-080 - Single sign-on

## PRIORITY 9: US-090 - Webhook retries

**Spec**: [SPEC-090](../specs/SPEC-090-webhook-retries.md)

## PRIORITY 10: Saved views

## PRIORITY 11: US-110 - Billing exports

## Stories

### US-071 - Audit log for admins

**Spec**: [SPEC-071](../specs/SPEC-071-audit-log.md)
`
const files: Record<string, string> = {
  [ROADMAP]: roadmap,
  'src/export.py': '',
  'src/imports.py': '',
  'src/reports.py': '',
  'src/legacy_dashboard.py': '',
  'web/settings.tsx': '',
  'src/search.py': '',
  'src/sync.py': '',
  'src/main.py': '',
  'src/audit.py': '',
  'src/auth.py': '',
  'src/webhooks.py': '',
  'src/views.py': '',
  'src/billing.py': '',
  // A title that says only what the document is contradicts no ROADMAP title.
  // "Priority: 1" is an importance here, not a claim on the roadmap's priority 1.
  [`${SPECS}/SPEC-110.md`]:
    '# SPEC-110: Technical Specification\n\n**Priority**: 1\n\n- `src/billing.py`\n',
  [`${SPECS}/SPEC-010-csv-export.md`]: '# CSV export\n\n- `src/export.py`\n',
  [`${SPECS}/SPEC-020-imports.md`]: '# Imports\n\n- `src/imports.py`\n',
  [`${SPECS}/reports-dashboard.md`]: '# Reports dashboard\n\n- `src/reports.py`\n',
  [`${SPECS}/legacy-dashboard.md`]: '# Legacy dashboard\n\n- `src/legacy_dashboard.py`\n',
  // Spec 4 belongs to a story of an earlier roadmap: numbers get reused.
  [`${SPECS}/SPEC-004-billing-export.md`]:
    '# SPEC-004: Billing export\n\n**User Story**: US-004\n\n- `src/billing.py`\n',
  [`${SPECS}/SPEC-050-search.md`]: '# SPEC-050: Search\n\nTBD, being written in Notion.\n',
  [`${SPECS}/exported/2025-03-11-notion-export.md`]:
    '---\nRoadmap Item: PRIORITY-5\n---\n\n# Search\n\n- `src/search.py`: the query parser\n',
  [`${SPECS}/SPEC-060-offline-sync.md`]:
    '# SPEC-060: Offline sync\n\nIn two phases, see the folder.\n',
  [`${SPECS}/SPEC-060-offline-sync/phase-1-queue.md`]: '# Phase 1\n\n- `src/sync.py`\n',
  [`${SPECS}/SPEC-060-offline-sync/phase-2-wiring.md`]: '# Phase 2\n\n- `src/main.py`\n',
  [`${SPECS}/SPEC-071-audit-log.md`]: '# Audit log\n\n- `src/audit.py`\n',
  [`${SPECS}/SPEC-080-sso.md`]: '# SPEC-080: Single sign-on\n\n- `src/auth.py`\n',
  [`${SPECS}/SPEC-080-technical-addendum.md`]:
    '# SPEC-080 technical addendum\n\nInclude the router in `src/main.py` before the sessions.\n',
  // The spec moved out of the specs folder since the ROADMAP linked it.
  'docs/design/SPEC-090-webhook-retries.md': '# Webhook retries\n\n- `src/webhooks.py`\n',
  'docs/rfcs/saved-views.md':
    '# RFC: Saved views\n\nA view is a named filter.\n\n- `src/views.py`: the router\n',
  [`${SPECS}/SPEC-048-rate-limits.md`]:
    '# SPEC-048: [FEATURE NAME]\n\n| File | Change |\n|---|---|\n| `path/to/file.py` | describe |\n'
}

describe('finding the spec of a priority in a long roadmap', () => {
  const plan = (() => {
    let built: ReturnType<typeof buildPlan> | undefined
    return () => {
      built ??= (async () => {
        using repo = createRepo(files)
        return await buildPlan({
          repo: repo.repo,
          priorities: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 48],
          baseBranch: 'roadmap',
          specsDir: SPECS,
          roadmapFile: ROADMAP,
          separation: 'waves'
        })
      })()
      return built
    }
  })()
  const task = async (priority: number) => {
    const found = (await plan()).tasks.find((one) => one.priority === priority)
    if (!found) throw new Error(`no task ${priority}`)
    return { ...found, specs: found.spec_files.map((file) => file.split('/').at(-1)) }
  }

  it("ends a section at a nested heading of another story: its link is not the priority's spec", async () => {
    expect((await task(1)).specs).toEqual(['SPEC-010-csv-export.md'])
    expect((await task(1)).paths).toEqual(['src/export.py'])
  })

  it('weighs links by their distance from the heading: the nearest story is the spec', async () => {
    const reports = await task(3)
    expect(reports.specs).toEqual(['reports-dashboard.md'])
    expect(reports.notes.join('\n')).toMatch(/linked nearest its ROADMAP heading/)
  })

  it('does not read a spec of its number that declares another story, and plans from its section', async () => {
    expect((await task(11)).specs).toEqual(['SPEC-110.md'])
    const dark = await task(4)
    expect(dark.spec_files).toEqual([])
    expect(dark.notes.join('\n')).toMatch(
      /another story's spec .*SPEC-004-billing-export\.md \(it declares US-4\)/
    )
    expect(dark.paths).toEqual(['web/settings.tsx', 'web/theme.ts'])
  })

  it('treats a placeholder as absent and finds the spec by its front matter', async () => {
    const search = await task(5)
    expect(search.specs).toEqual(['2025-03-11-notion-export.md'])
    expect(search.paths).toEqual(['src/search.py'])
    expect(search.notes.join('\n')).toMatch(/placeholder, treated as absent: SPEC-050-search\.md/)
    // A template's `path/to/file.py` is never a path; the template alone is unknown scope.
    expect((await task(48)).paths).toEqual([])
  })

  it('reads a spec and its phase folder as one spec', async () => {
    const sync = await task(6)
    expect(sync.specs).toEqual([
      'SPEC-060-offline-sync.md',
      'phase-1-queue.md',
      'phase-2-wiring.md'
    ])
    expect(sync.paths).toEqual(['src/main.py', 'src/sync.py'])
  })

  it("follows an in-page link to the story's section and the spec it links", async () => {
    const audit = await task(7)
    expect(audit.specs).toEqual(['SPEC-071-audit-log.md'])
    expect(audit.paths).toEqual(['src/audit.py'])
  })

  it("reads a story's technical addendum with its spec", async () => {
    const sso = await task(8)
    expect(sso.specs).toEqual(['SPEC-080-sso.md', 'SPEC-080-technical-addendum.md'])
    expect(sso.paths).toEqual(['src/auth.py', 'src/main.py'])
  })

  it('finds a linked spec that has moved by its name, and a spec in another folder by its title', async () => {
    const retries = await task(9)
    expect(retries.spec_files).toEqual(['docs/design/SPEC-090-webhook-retries.md'])
    expect(retries.notes.join('\n')).toMatch(/which is not on roadmap: read docs\/design\//)
    const views = await task(10)
    expect(views.spec_files).toEqual(['docs/rfcs/saved-views.md'])
    expect(views.paths).toEqual(['src/views.py'])
  })
})
