import type { Plan, PlannedTask } from '../../src/core/types.js'
import { formatPlan } from '../../src/plan/plan-text.js'

function task(priority: number, paths: string[], extra: Partial<PlannedTask> = {}): PlannedTask {
  return {
    priority,
    spec_files: paths.length ? [`docs/architecture/specs/SPEC-${priority}-x.md`] : [],
    paths,
    after: [],
    skip_reason: null,
    notes: [],
    ...extra
  }
}

const manyPaths = Array.from({ length: 14 }, (_x, index) => `src/area/file-${index}.ts`)

const wavesPlan: Plan = {
  tasks: [
    task(65, ['src/recipes.ts', 'src/report/']),
    task(66, manyPaths),
    task(67, ['src/recipes.ts', 'src/report/format.ts'], { after: [65] }),
    task(68, [], {
      after: [65, 66, 67],
      notes: ['scope unknown: no spec found on roadmap. Looked for ...']
    })
  ],
  separation: {
    valid: false,
    independent_pairs: [[65, 66]],
    conflicts: {
      '65,67': ['src/recipes.ts', 'src/report/format.ts'],
      '65,68': ['(unknown scope)'],
      '66,68': ['(unknown scope)'],
      '67,68': ['(unknown scope)']
    },
    task_file_map: {},
    unresolved: [68],
    schedule: [[65, 66], [67], [68]]
  }
}

describe('formatPlan', () => {
  const text = formatPlan(wavesPlan)

  it('opens with the schedule: how many waves, which priorities in each', () => {
    const lines = text.split('\n')
    expect(lines[0]).toBe('Plan for 4 priorities in 3 waves, 1 with unknown scope')
    expect(lines[1]).toMatch(/^ {2}wave 1: 65, 66 {2}\(starts at once\)$/)
    expect(lines[2]).toMatch(/^ {2}wave 2: 67 /)
    expect(text).toMatch(/unknown scope: 68: no spec naming the paths/)
  })

  it('per priority: wave and what it waits for, spec files, touched paths, overlaps and why', () => {
    expect(text).toContain('PRIORITY 65: wave 1, starts at once')
    expect(text).toContain('PRIORITY 67: wave 2, starts after 65 is merged')
    expect(text).toContain('PRIORITY 68: wave 3, starts after 65, 66, 67 are merged')
    expect(text).toContain('  spec:      docs/architecture/specs/SPEC-65-x.md')
    expect(text).toMatch(/ {2}touches: {3}src\/recipes.ts\n {13}src\/report\/\n/)
    // The folder through which 65 touches the file 67 names is shown.
    expect(text).toContain(
      'overlaps:  67 on src/recipes.ts, src/report/format.ts (here: src/report/)'
    )
    expect(text).toContain(
      'overlaps:  65 on src/recipes.ts, src/report/format.ts (65: src/report/)'
    )
    expect(text).toContain('68 (its scope is unknown)')
  })

  it('says plainly when a priority has no spec, and shows its notes', () => {
    const block = text.slice(text.indexOf('PRIORITY 68'))
    expect(block).toContain('spec:      (none found)')
    expect(block).toContain('touches:   (unknown)')
    expect(block).toContain("overlaps:  every other priority: this priority's scope is unknown")
    expect(block).toContain('note:      scope unknown: no spec found on roadmap.')
  })

  it('cuts long lists of paths short', () => {
    expect(text).toContain('src/area/file-9.ts')
    expect(text).not.toContain('src/area/file-10.ts')
    expect(text).toContain('… and 4 more')
  })

  it('explains the ROADMAP rule once, at the end', () => {
    expect(text.trimEnd().split('\n').at(-1)).toMatch(
      /ROADMAP, the spec files and what separation-ignore matches .* do not count/
    )
  })

  it('shows skipped priorities and their reason (strict separation)', () => {
    const strictPlan: Plan = {
      tasks: [task(1, ['a.ts']), task(2, ['a.ts'], { skip_reason: 'overlaps 1 on a.ts' })],
      separation: {
        valid: true,
        independent_pairs: [],
        conflicts: { '1,2': ['a.ts'] },
        task_file_map: {},
        unresolved: [],
        schedule: [[1]]
      }
    }
    const strict = formatPlan(strictPlan)
    expect(strict.split('\n')[0]).toBe('Plan for 2 priorities in 1 wave, 1 skipped')
    expect(strict).toContain('  skipped 2: overlaps 1 on a.ts')
    expect(strict).toContain('PRIORITY 2: skipped (overlaps 1 on a.ts)')
  })

  it('an empty plan is one line', () => {
    const empty: Plan = {
      tasks: [],
      separation: {
        valid: true,
        independent_pairs: [],
        conflicts: {},
        task_file_map: {},
        unresolved: [],
        schedule: []
      }
    }
    expect(formatPlan(empty)).toBe('Plan: no priorities.\n')
  })
})

describe('formatPlan --explain', () => {
  const plan: Plan = {
    tasks: [
      task(1, ['src/a.ts', 'src/shared.ts'], { estimate_hours: 2 }),
      task(2, ['src/shared.ts'], { after: [1], estimate_hours: 8, notes: ['guessed: …'] })
    ],
    separation: {
      valid: true,
      independent_pairs: [],
      conflicts: { '1,2': ['src/shared.ts'] },
      task_file_map: { '1': ['src/a.ts', 'src/shared.ts'], '2': ['src/shared.ts'] },
      unresolved: [],
      schedule: [[1], [2]],
      evidence: {
        '1': {
          'src/a.ts': ['specs/SPEC-1-a.md:4'],
          'src/shared.ts': ['specs/SPEC-1-a.md:5', 'specs/SPEC-1-a.md:9']
        },
        '2': { 'src/shared.ts': ['specs/SPEC-2-b.md:12'] }
      },
      start_order: [2, 1],
      expected_length: {
        unit: 'hours',
        parallel: 10,
        serial: 10,
        max_parallel: 2,
        estimated: [1, 2]
      }
    }
  }

  it('prints the spec line behind every path, the start order and the expected length', () => {
    const text = formatPlan(plan, { explain: true })
    expect(text).toContain('src/shared.ts  ← specs/SPEC-1-a.md:5, :9')
    expect(text).toContain('src/shared.ts  ← specs/SPEC-2-b.md:12')
    expect(text).toContain('start order: 2, 1 (the longest estimate first)')
    expect(text).toContain('expected length: 10 h with 2 at once, against 10 h one at a time')
    expect(text).toContain('note:      guessed: …')
    expect(formatPlan(plan)).not.toContain('←')
  })
})
