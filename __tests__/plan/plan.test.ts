import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { InputError } from '../../src/core/errors.js'
import { buildPlan } from '../../src/plan/plan.js'
import { planSettings, ROADMAP, SPECS } from './plan-settings.js'
import { createRepo, git, roadmapFiles, writeFiles } from '../helpers/temp-repo.js'
import { commitToBranch } from './fast-commit.js'

const here = dirname(fileURLToPath(import.meta.url))
const settings = planSettings

describe('buildPlan: the contract example (65 and 67 share src/recipes.ts)', () => {
  const files = roadmapFiles({
    65: { files: ['src/recipes.ts'] },
    66: { files: ['src/cli.ts'] },
    67: { files: ['src/recipes.ts'] }
  })

  it('waves: 67 waits for 65 only; the separation is filled as the contract shows', async () => {
    using repo = createRepo(files)
    const plan = await buildPlan(settings(repo.repo, [65, 66, 67]))
    expect(plan.separation).toEqual({
      valid: true,
      independent_pairs: [
        [65, 66],
        [66, 67]
      ],
      conflicts: { '65,67': ['src/recipes.ts'] },
      task_file_map: { '65': ['src/recipes.ts'], '66': ['src/cli.ts'], '67': ['src/recipes.ts'] },
      unresolved: [],
      schedule: [[65, 66], [67]],
      evidence: {
        '65': { 'src/recipes.ts': [`${SPECS}/SPEC-065-feature-65.md:5`] },
        '66': { 'src/cli.ts': [`${SPECS}/SPEC-066-feature-66.md:5`] },
        '67': { 'src/recipes.ts': [`${SPECS}/SPEC-067-feature-67.md:5`] }
      },
      start_order: [65, 66, 67],
      expected_length: {
        unit: 'priorities',
        parallel: 2,
        serial: 3,
        max_parallel: 2,
        estimated: []
      }
    })
    expect(plan.tasks.map((task) => [task.priority, task.after, task.skip_reason])).toEqual([
      [65, [], null],
      [66, [], null],
      [67, [65], null]
    ])
    expect(plan.tasks[0].spec_files).toEqual([`${SPECS}/SPEC-065-feature-65.md`])
  })

  it('strict: 67 is skipped with the reason; the analysis fields stay the same', async () => {
    using repo = createRepo(files)
    const plan = await buildPlan(settings(repo.repo, [65, 66, 67], 'strict'))
    expect(plan.separation.schedule).toEqual([[65, 66]])
    expect(plan.separation.conflicts).toEqual({ '65,67': ['src/recipes.ts'] })
    expect(plan.tasks[2].skip_reason).toBe('overlaps 65 on src/recipes.ts')
    expect(plan.tasks.map((task) => task.after)).toEqual([[], [], []])
  })

  it('off: no analysis, one wave, spec files still listed', async () => {
    using repo = createRepo(files)
    const plan = await buildPlan(settings(repo.repo, [65, 66, 67], 'off'))
    expect(plan.separation.schedule).toEqual([[65, 66, 67]])
    expect(plan.separation.conflicts).toEqual({})
    expect(plan.separation.independent_pairs).toHaveLength(3)
    expect(plan.tasks[2].spec_files).toEqual([`${SPECS}/SPEC-067-feature-67.md`])
  })

  it('lists the independent pairs when read, in the JSON and its copies, in the contract order', async () => {
    using repo = createRepo(files)
    const plan = await buildPlan(settings(repo.repo, [65, 66, 67]))
    const json = JSON.parse(JSON.stringify(plan.separation)) as Record<string, unknown>
    expect(Object.keys(json).slice(0, 3)).toEqual(['valid', 'independent_pairs', 'conflicts'])
    expect(json.independent_pairs).toEqual([
      [65, 66],
      [66, 67]
    ])
    expect({ ...plan.separation }.independent_pairs).toEqual(json.independent_pairs)
    expect(structuredClone(plan.separation).independent_pairs).toEqual(json.independent_pairs)
    plan.separation.independent_pairs = []
    const emptied = JSON.parse(JSON.stringify(plan.separation)) as Record<string, unknown>
    expect(emptied.independent_pairs).toEqual([])
  })
})

describe('buildPlan reads the base branch, not the checkout', () => {
  it('finds specs that exist only on the base branch while main is checked out', async () => {
    using repo = createRepo({ 'README.md': '# app\n' })
    writeFiles(repo.repo, roadmapFiles({ 5: { files: ['src/a.ts'] }, 6: { files: ['src/b.ts'] } }))
    git(repo.repo, 'add', '-A')
    git(repo.repo, 'commit', '-q', '-m', 'specs')
    git(repo.repo, 'checkout', '-q', 'main')
    // An untracked spec in the checkout is not on the base branch: it must not be read.
    writeFiles(repo.repo, {
      [`${SPECS}/SPEC-007-local.md`]: '- `src/local.ts`\n',
      [ROADMAP]: '## PRIORITY 7: US-7 - only in the working tree\n'
    })
    const plan = await buildPlan(settings(repo.repo, [5, 6, 7]))
    expect(plan.separation.task_file_map).toEqual({ '5': ['src/a.ts'], '6': ['src/b.ts'], '7': [] })
    expect(plan.separation.unresolved).toEqual([7])
    expect(git(repo.repo, 'status', '--porcelain')).toContain('docs/')
    expect(git(repo.repo, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main')
  })

  it('refuses a base branch that does not exist, naming it', async () => {
    using repo = createRepo()
    const plan = buildPlan({ ...settings(repo.repo, [1]), baseBranch: 'nope' })
    await expect(plan).rejects.toThrow(InputError)
    await expect(plan).rejects.toThrow(/"nope"/)
  })

  it('reads specs with emoji and bytes that are not UTF-8 without mixing files up', async () => {
    using repo = createRepo(
      roadmapFiles({ 1: { files: ['src/one.ts'] }, 2: { files: ['src/two.ts'] } }),
      { checkout: false }
    )
    git(repo.repo, 'checkout', '-q', 'roadmap')
    writeFileSync(
      join(repo.repo, SPECS, 'SPEC-001-feature-1.md'),
      Buffer.concat([
        Buffer.from('# Caf'),
        Buffer.from([0xe9, 0xff, 0xfe]),
        Buffer.from(' ☕ 📝\n\n- `src/one.ts`\n')
      ])
    )
    git(repo.repo, 'commit', '-q', '-am', 'latin-1 spec')
    const plan = await buildPlan(settings(repo.repo, [1, 2]))
    expect(plan.separation.task_file_map).toEqual({ '1': ['src/one.ts'], '2': ['src/two.ts'] })
  })
})

describe('buildPlan: finding the spec of a priority', () => {
  const roadmap = `# Roadmap

### PRIORITY 23: US-108 - Parallel Agent Execution 📝 Planned
**Spec**: [SPEC-108](../architecture/specs/SPEC-108-parallel-agent-execution.md)

### PRIORITY 8: US-8 - Zero padded
### PRIORITY 70: US-70 - A spec folder
### PRIORITY 66: Several files match
### PRIORITY 9: Linked from elsewhere
See [the proposal](../proposals/SPEC-9-import.md) and [the guide](../../README.md).

### PRIORITY 31: Named in text
Spec: SPEC-31-billing.md (reviewed)

### PRIORITY 40: US-400 - Story without spec
`
  const files = {
    [ROADMAP]: roadmap,
    [`${SPECS}/SPEC-108-parallel-agent-execution.md`]: readFileSync(
      join(here, 'fixtures/SPEC-108-parallel-agent-execution.md'),
      'utf8'
    ),
    // Priority 23's own number names another story's spec: it must not be used.
    [`${SPECS}/SPEC-023-other-story.md`]: '- `src/other.ts`\n',
    [`${SPECS}/SPEC-008-padded.md`]: 'Location: `src/padded.ts`\n',
    [`${SPECS}/SPEC-70-notifications/README.md`]: '| `src/notify/` | new |\n|---|---|\n',
    [`${SPECS}/SPEC-70-notifications/api.md`]: '```ts\n// src/notify/api.ts\n```\n',
    [`${SPECS}/SPEC-70-notifications/diagram.png`]: 'not markdown',
    [`${SPECS}/SPEC-66-a.md`]: '- `src/a.ts`\n',
    [`${SPECS}/archive/SPEC-066-b.md`]: '- `src/b.ts`\n',
    ['docs/proposals/SPEC-9-import.md']: '- src/import.ts\n',
    [`${SPECS}/SPEC-31-billing.md`]: '- `src/billing.ts`\n',
    [`${SPECS}/SPEC-1080-not-108.md`]: '- `src/wrong.ts`\n'
  }

  it('uses the user story number, zero padding, spec folders, links and names in the section', async () => {
    using repo = createRepo(files)
    const plan = await buildPlan(settings(repo.repo, [23, 8, 70, 66, 9, 31]))
    const specs = Object.fromEntries(plan.tasks.map((task) => [task.priority, task.spec_files]))
    expect(specs).toEqual({
      23: [`${SPECS}/SPEC-108-parallel-agent-execution.md`],
      8: [`${SPECS}/SPEC-008-padded.md`],
      70: [`${SPECS}/SPEC-70-notifications/README.md`, `${SPECS}/SPEC-70-notifications/api.md`],
      66: [`${SPECS}/SPEC-66-a.md`, `${SPECS}/archive/SPEC-066-b.md`],
      9: ['docs/proposals/SPEC-9-import.md'],
      31: [`${SPECS}/SPEC-31-billing.md`]
    })
    const map = plan.separation.task_file_map
    expect(map['23']).toContain('coffee_maker/orchestrator/parallel_execution_coordinator.py')
    expect(map['23']).not.toContain('src/other.ts')
    // The folder one spec names is context: another spec of the story names a file inside it.
    expect(map['70']).toEqual(['src/notify/api.ts'])
    expect(map['66']).toEqual(['src/a.ts', 'src/b.ts'])
    expect(plan.separation.unresolved).toEqual([])
    expect(plan.tasks[3].notes).toContain('2 spec files found: all of them are read')
  })

  it('fails closed: no spec means unknown scope, overlapping everything, with where it looked', async () => {
    using repo = createRepo(files)
    const plan = await buildPlan(settings(repo.repo, [8, 40, 31, 77]))
    expect(plan.separation.valid).toBe(false)
    expect(plan.separation.unresolved).toEqual([40, 77])
    expect(plan.separation.conflicts).toEqual({
      '8,40': ['(unknown scope)'],
      '8,77': ['(unknown scope)'],
      '40,31': ['(unknown scope)'],
      '40,77': ['(unknown scope)'],
      '31,77': ['(unknown scope)']
    })
    expect(plan.separation.independent_pairs).toEqual([[8, 31]])
    // Those of unknown scope wait for every other one; the others do not wait for them.
    expect(plan.separation.schedule).toEqual([[8, 31], [40], [77]])
    const [, story, , missing] = plan.tasks
    expect(story.notes.join('\n')).toMatch(
      /Looked in the "PRIORITY 40" section of docs\/roadmap\/ROADMAP.md .*SPEC-400-\*\.md .*\(named by US-400\) under docs\/architecture\/specs\//
    )
    expect(missing.notes.join('\n')).toMatch(
      /a "PRIORITY 77" heading .*\(there is none\).*SPEC-77-\*\.md, SPEC-077-\*\.md or a SPEC-77-\*\/ folder/
    )
  })

  it('fails closed: a spec naming no path, or only the ROADMAP and specs, is unknown scope', async () => {
    using repo = createRepo({
      ...roadmapFiles({ 1: { files: ['src/one.ts'] } }),
      [`${SPECS}/SPEC-002-vague.md`]: '# SPEC-2\n\nMake it faster (2-3x). See US-35.\n',
      [`${SPECS}/SPEC-003-bookkeeping.md`]:
        '- `docs/roadmap/ROADMAP.md`: mark US-3 done\n- `docs/architecture/specs/SPEC-003-bookkeeping.md`\n'
    })
    const plan = await buildPlan(settings(repo.repo, [1, 2, 3]))
    expect(plan.separation.unresolved).toEqual([2, 3])
    expect(plan.tasks[1].notes.join('\n')).toMatch(/names no usable repository path/)
    expect(plan.tasks[1].notes.join('\n')).toMatch(/by priority number/)
  })

  it('the ROADMAP, spec files and specs-dir never make priorities overlap', async () => {
    const mentions =
      '- `docs/roadmap/ROADMAP.md` (status line)\n- docs/architecture/specs/\n' +
      '- [SPEC-2](SPEC-002-b.md)\n- `docs/architecture/specs/SPEC-001-a.md`\n'
    using repo = createRepo({
      [ROADMAP]: '## PRIORITY 1: US-1 - a\n## PRIORITY 2: US-2 - b\n',
      [`${SPECS}/SPEC-001-a.md`]: `${mentions}- \`src/a.ts\`\n`,
      [`${SPECS}/SPEC-002-b.md`]: `${mentions}- \`src/b.ts\`\n`
    })
    const plan = await buildPlan(settings(repo.repo, [1, 2]))
    expect(plan.separation.conflicts).toEqual({})
    expect(plan.separation.task_file_map).toEqual({ '1': ['src/a.ts'], '2': ['src/b.ts'] })
  })

  it('reads the ROADMAP as missing when it is not on the base branch, and says so', async () => {
    using repo = createRepo({ [`${SPECS}/SPEC-4-x.md`]: '- `src/x.ts`\n' })
    const plan = await buildPlan(settings(repo.repo, [4, 5]))
    expect(plan.tasks[0].spec_files).toEqual([`${SPECS}/SPEC-4-x.md`])
    expect(plan.tasks[0].notes).toEqual([
      'docs/roadmap/ROADMAP.md is not on roadmap: the spec was found by priority number (a guess)'
    ])
    expect(plan.tasks[1].notes.join('\n')).toMatch(
      /Looked for docs\/roadmap\/ROADMAP.md \(not on roadmap\)/
    )
  })
})

describe('buildPlan over 1,000 priorities', () => {
  it('finds exactly the planted overlaps and schedules them in waves', async () => {
    const specs: Record<number, { files: string[] }> = {}
    for (let p = 1; p <= 1000; p += 1) {
      const files = [`src/area-${p}/index.ts`, `src/area-${p}/model.ts`, `tests/area-${p}/`]
      if (p % 250 === 0) files.push('src/registry.ts') // 250, 500, 750, 1000 form a chain
      if (p === 10) files.push('src/area-11/') // 10 holds the folder of 11
      specs[p] = { files }
    }
    // Only the ROADMAP and the specs: the files they name need not exist.
    const docs = Object.entries(roadmapFiles(specs)).filter(([path]) => path.startsWith('docs/'))
    using repo = createRepo()
    commitToBranch(repo.repo, 'roadmap', Object.fromEntries(docs))
    const priorities = Array.from({ length: 1000 }, (_x, index) => index + 1)
    const plan = await buildPlan(settings(repo.repo, priorities))
    expect(plan.separation.conflicts).toEqual({
      '10,11': ['src/area-11/index.ts', 'src/area-11/model.ts'],
      '250,500': ['src/registry.ts'],
      '250,750': ['src/registry.ts'],
      '250,1000': ['src/registry.ts'],
      '500,750': ['src/registry.ts'],
      '500,1000': ['src/registry.ts'],
      '750,1000': ['src/registry.ts']
    })
    expect(plan.separation.schedule.map((wave) => wave.length)).toEqual([996, 2, 1, 1])
    expect(plan.separation.schedule.slice(1)).toEqual([[11, 500], [750], [1000]])
    expect(plan.separation.independent_pairs).toHaveLength((1000 * 999) / 2 - 7)
  })
})
