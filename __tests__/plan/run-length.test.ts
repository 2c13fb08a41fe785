import { planOnly } from '../../src/engine/plan-mode.js'
import { parseSettings } from '../../src/inputs/settings.js'
import { expectedLength, startOrder } from '../../src/plan/run-length.js'
import { createRepo } from '../helpers/temp-repo.js'

describe('start order and expected length', () => {
  const input = {
    priorities: [1, 2, 3, 4],
    estimates: [2, 8, null, 4],
    after: [[], [], [0], []],
    skipped: [false, false, false, false],
    maxParallel: 2 as const
  }

  it('starts the longest estimate first; one without counts as the mean; ties keep the given order', () => {
    // 3 has no estimate: the mean of 2, 8 and 4 is 4.67.
    expect(startOrder(input)).toEqual([1, 2, 3, 0])
    expect(startOrder({ ...input, estimates: [null, null, null, null] })).toEqual([0, 1, 2, 3])
  })

  it('simulates the run with its waits and slots, against one at a time', () => {
    // 2 (8 h) and 4 (4 h) start; 1 takes the slot 4 frees; 3 waits for 1: 10.67 h in all.
    expect(expectedLength(input)).toEqual({
      unit: 'hours',
      parallel: 10.67,
      serial: 18.67,
      max_parallel: 2,
      estimated: [1, 2, 4]
    })
    expect(expectedLength({ ...input, estimates: [null, null, null, null] })).toMatchObject({
      unit: 'priorities',
      parallel: 2,
      serial: 4
    })
  })
})

describe('plan mode: the notes and the evidence are in the result JSON', () => {
  it('puts every note in tasks[].notes and every path with its spec line in separation.evidence', async () => {
    using repo = createRepo({
      'docs/roadmap/ROADMAP.md': '## PRIORITY 1: Guess me\nEstimate: 2h\n## PRIORITY 2: US-2 - b\n',
      'docs/architecture/specs/SPEC-001-guess.md': '# x\n\n- `src/a.ts`\n',
      'src/a.ts': ''
    })
    const { result } = await planOnly(
      parseSettings({ priorities: '1, 2', mode: 'plan' }, repo.repo)
    )
    const json = JSON.parse(JSON.stringify(result)) as typeof result
    expect(json.tasks[0].notes?.join('\n')).toMatch(/guessed/)
    expect(json.tasks[1].notes?.join('\n')).toMatch(/scope unknown/)
    expect(json.separation.evidence).toEqual({
      '1': { 'src/a.ts': ['docs/architecture/specs/SPEC-001-guess.md:3'] },
      '2': {}
    })
  })
})
