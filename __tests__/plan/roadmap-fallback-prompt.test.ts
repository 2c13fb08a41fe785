import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildPlan } from '../../src/plan/plan.js'
import { writePromptFile } from '../../src/run/agent-prompt.js'
import { createRepo, tempDir } from '../helpers/temp-repo.js'
import { planSettings, ROADMAP, SPECS } from './plan-settings.js'

// A priority planned from its ROADMAP section (no spec file): that section is its spec, so
// its agent's prompt holds it, with the story section it links; another story's stays out.
const roadmap = [
  '# Roadmap',
  '',
  '## PRIORITY 1: Export to CSV',
  '',
  'Deliverables:',
  '- `src/export/csv.ts`: the writer, quoting per RFC 4180',
  '- Details in [US-055](#us-055-csv-export).',
  '',
  '### US-055: CSV export',
  '',
  'Add `--format csv` to `src/cli/main.ts`; dates as ISO 8601.',
  '',
  '## PRIORITY 2: Dark mode',
  '',
  'See [the spec](../architecture/specs/SPEC-002-dark-mode.md).',
  ''
].join('\n')

describe("the ROADMAP fallback in the agent's prompt", () => {
  it('gives the agent the ROADMAP section the priority was planned from, and the story section it links', async () => {
    using repo = createRepo({
      [ROADMAP]: roadmap,
      [`${SPECS}/SPEC-002-dark-mode.md`]:
        '# SPEC-002: Dark mode\n\n## Files\n\n- `src/ui/theme.ts`\n',
      'src/export/index.ts': '',
      'src/cli/main.ts': '',
      'src/ui/theme.ts': ''
    })
    const plan = await buildPlan(planSettings(repo.repo, [1, 2]))
    const [first, second] = plan.tasks
    expect(first.paths).toEqual(['src/cli/main.ts', 'src/export/csv.ts'])
    expect(second.roadmap_sections).toBeUndefined()

    using folder = tempDir()
    const prompt = join(folder.path, 'prompt.md')
    await writePromptFile(
      prompt,
      {
        priority: 1,
        title: first.title ?? null,
        branch: 'feature/us-001',
        worktree: folder.path,
        base: 'roadmap',
        specFiles: first.spec_files,
        files: first.paths,
        roadmapSections: first.roadmap_sections,
        autoCommit: true
      },
      null
    )
    const text = readFileSync(prompt, 'utf8')
    expect(text).toContain(`## Spec: ${ROADMAP}, the section at line 3`)
    expect(text).toContain('the writer, quoting per RFC 4180')
    expect(text).toContain('dates as ISO 8601')
    expect(text).not.toContain('no spec file was found')
    expect(text).not.toContain('Dark mode')
  }, 30_000)
})
