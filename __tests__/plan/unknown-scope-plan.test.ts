import { buildPlan } from '../../src/plan/plan.js'
import { formatPlan } from '../../src/plan/plan-text.js'
import { createRepo, roadmapFiles } from '../helpers/temp-repo.js'
import { planSettings } from './plan-settings.js'

// A priority whose spec names nothing usable, first in the given order, between two that
// overlap (both name src/a.ts).
const files = () =>
  roadmapFiles({ 1: { files: [] }, 2: { files: ['src/a.ts'] }, 3: { files: ['src/a.ts'] } })

describe('unknown-scope in the plan', () => {
  it('wait: the priority of unknown scope starts once every other one is merged; none waits for it', async () => {
    using repo = createRepo(files())
    const plan = await buildPlan({ ...planSettings(repo.repo, [1, 2, 3]), unknownScope: 'wait' })
    expect(plan.separation.schedule).toEqual([[2], [3], [1]])
    expect(plan.tasks.map((task) => task.after)).toEqual([[2, 3], [], [2]])
    expect(plan.separation.merge_last).toBeUndefined()
    expect(formatPlan(plan)).toMatch(
      /unknown scope: 1: .*start once every other priority is merged/
    )
  })

  it('parallel: it starts at once, is merged last, and overlaps nothing in the plan', async () => {
    using repo = createRepo(files())
    const plan = await buildPlan({
      ...planSettings(repo.repo, [1, 2, 3]),
      unknownScope: 'parallel'
    })
    expect(plan.separation.schedule).toEqual([[1, 2], [3]])
    expect(plan.separation.conflicts).toEqual({ '2,3': ['src/a.ts'] })
    expect(plan.separation.merge_last).toEqual([1])
    expect(plan.separation.unresolved).toEqual([1])
    expect(plan.tasks[0].notes.join('\n')).toMatch(/merged after the others/)
    expect(formatPlan(plan)).toMatch(/unknown scope: 1: .*merged after the others/)
  })
})
