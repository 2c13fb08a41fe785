import { buildPlan } from '../../src/plan/plan.js'
import { tempDir } from '../helpers/temp-repo.js'
import { measureCorpus } from './corpus/measure.js'

// A quality bar on the corpus (48 specs in four styles with the traps of real projects, and the
// truth of what each priority touches), not a timing: plan time is in `npm run bench`.
describe('the separation on the corpus', () => {
  it('flags few false pairs, misses few named ones, and needs about the waves the truth needs', async () => {
    using work = tempDir()
    const figures = await measureCorpus(buildPlan, work.path)
    expect(figures.repositories.reduce((sum, repo) => sum + repo.specs, 0)).toBeGreaterThanOrEqual(
      40
    )
    // Of the pairs flagged, those that truly share a file.
    expect(figures.precision).toBeGreaterThanOrEqual(0.8)
    // Of the pairs that share a file one of their specs names, those flagged. The issue asks
    // for 0.9; this corpus, written without regard to the extractor, gives 21 of 24: the three
    // misses are a bare `__init__.py` that three of its spec's folders hold (noted, not
    // counted, as the issue wants) and a file one spec calls "the recipes route on the server".
    expect(figures.recall).toBeGreaterThanOrEqual(0.9)
    const offBy = figures.repositories.map((repo) => [
      repo.repository,
      Math.abs(repo.waves - repo.truth_waves)
    ])
    expect(offBy.filter(([, off]) => Number(off) > 1)).toEqual([])
  })
})
