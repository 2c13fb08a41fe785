import { buildPlan } from '../../src/plan/plan.js'
import { tempDir } from '../helpers/temp-repo.js'
import { measureCorpus } from './corpus/measure.js'

// A quality bar on the corpus (specs in four styles with the traps of real projects, a long
// roadmap written over months, a spec-kit repository with no ROADMAP, and the truth of what
// each priority touches), not a timing: plan time is in `npm run bench`.
describe('the separation on the corpus', () => {
  it('flags few false pairs, misses few named ones, and needs about the waves the truth needs', async () => {
    using work = tempDir()
    const figures = await measureCorpus(buildPlan, work.path)
    expect(figures.repositories.reduce((sum, repo) => sum + repo.specs, 0)).toBeGreaterThanOrEqual(
      90
    )
    // Unresolved only where neither a spec nor a ROADMAP section names a path (a spike).
    expect(figures.repositories.map((repo) => [repo.repository, repo.unresolved])).toEqual(
      figures.repositories.map((repo) => [repo.repository, repo.expected_unresolved])
    )
    // Of the pairs flagged, those that truly share a file.
    expect(figures.precision).toBeGreaterThanOrEqual(0.8)
    // Of the pairs that share a file one of their specs names, those flagged. The issue asks
    // for 0.9; this corpus, written without regard to the extractor, gives 118 of 131. The
    // misses: a file one spec calls "the recipes route on the server", and hub files one side
    // names and the other only describes: in the long roadmap ("registered like the other
    // jobs", "the official notion-client"), in agent-platform the main loop and the CLI entry
    // ("the daemon publishes", "register the sub-app with the top-level CLI app"), in
    // ts-monorepo the server's app ("Mount the keys router").
    expect(figures.recall).toBeGreaterThanOrEqual(0.9)
    const offBy = figures.repositories.map((repo) => [
      repo.repository,
      Math.abs(repo.waves - repo.truth_waves)
    ])
    expect(offBy.filter(([, off]) => Number(off) > 1)).toEqual([])
  })
})
