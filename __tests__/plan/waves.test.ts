import { UNKNOWN_SCOPE, type Overlap } from '../../src/plan/overlap.js'
import { scheduleTasks } from '../../src/plan/waves.js'

// Priorities 65..69 as in the seed; overlaps by index: 65-67 on recipes, 67-68 on cli, 66-69.
const priorities = [65, 66, 67, 68, 69]
const overlaps: Overlap[] = [
  { first: 0, second: 2, paths: ['src/recipes.ts'] },
  { first: 1, second: 4, paths: ['a.ts', 'b.ts', 'c.ts', 'd.ts'] },
  { first: 2, second: 3, paths: ['src/cli.ts'] }
]
const known = priorities.map(() => false)

describe('scheduleTasks', () => {
  it('waves: a task waits only for the earlier tasks it overlaps; its wave is its longest chain', () => {
    const schedule = scheduleTasks('waves', { priorities, unknown: known, overlaps })
    expect(schedule.after).toEqual([[], [], [0], [2], [1]])
    expect(schedule.waves).toEqual([[0, 1], [2, 4], [3]])
    expect(schedule.skipReasons).toEqual([null, null, null, null, null])
  })

  it('waves: a task waits for every earlier one it overlaps, the wave follows the deepest', () => {
    const schedule = scheduleTasks('waves', {
      priorities: [1, 2, 3, 4],
      unknown: [false, false, false, false],
      overlaps: [
        { first: 0, second: 1, paths: ['x'] },
        { first: 0, second: 3, paths: ['y'] },
        { first: 1, second: 2, paths: ['z'] },
        { first: 2, second: 3, paths: ['w'] }
      ]
    })
    expect(schedule.after[3]).toEqual([0, 2])
    expect(schedule.waves).toEqual([[0], [1], [2], [3]])
  })

  it('strict: the greedy independent set in input order, the rest skipped with the reason', () => {
    const schedule = scheduleTasks('strict', { priorities, unknown: known, overlaps })
    expect(schedule.waves).toEqual([[0, 1, 3]])
    expect(schedule.after).toEqual([[], [], [], [], []])
    expect(schedule.skipReasons).toEqual([
      null,
      null,
      'overlaps 65 on src/recipes.ts',
      null, // 68 overlaps only 67, which was skipped
      'overlaps 66 on a.ts, b.ts, c.ts and 1 more'
    ])
  })

  it('strict: a task of unknown scope runs only when nothing ran before it', () => {
    const unknownOverlaps: Overlap[] = [
      { first: 0, second: 1, paths: [UNKNOWN_SCOPE] },
      { first: 1, second: 2, paths: [UNKNOWN_SCOPE] }
    ]
    const schedule = scheduleTasks('strict', {
      priorities: [7, 8, 9],
      unknown: [false, true, false],
      overlaps: unknownOverlaps
    })
    expect(schedule.waves).toEqual([[0, 2]])
    expect(schedule.skipReasons[1]).toBe(
      'scope unknown: it cannot be shown independent of 7, which runs'
    )
    const first = scheduleTasks('strict', {
      priorities: [8, 9],
      unknown: [true, false],
      overlaps: [{ first: 0, second: 1, paths: [UNKNOWN_SCOPE] }]
    })
    expect(first.skipReasons).toEqual([null, 'overlaps 8, whose scope is unknown'])
  })

  it('off: every task in one wave, nobody waits', () => {
    const schedule = scheduleTasks('off', { priorities, unknown: known, overlaps })
    expect(schedule.waves).toEqual([[0, 1, 2, 3, 4]])
    expect(schedule.after.flat()).toEqual([])
  })

  it('no tasks: no waves', () => {
    for (const mode of ['strict', 'waves', 'off'] as const) {
      expect(scheduleTasks(mode, { priorities: [], unknown: [], overlaps: [] }).waves).toEqual([])
    }
  })
})
