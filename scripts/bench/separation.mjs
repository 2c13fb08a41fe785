#!/usr/bin/env node
// The separation's quality on the corpus in __tests__/plan/corpus (fake repositories with
// specs in several styles and the truth of what each priority touches), per repository and in
// total: precision of the overlapping pairs, recall on the pairs a spec names and on all pairs
// (hub files no spec names included), unresolved priorities, waves against the truth's, the
// expected length (2 at once) against the truth's and one at a time, and plan time (median of
// 5 runs per repository, summed). Builds src/plan/plan.ts and the corpus measure with ncc into a temp
// folder; SEPARATION_PLAN_SOURCE=<folder holding src/> measures another version of the plan
// (e.g. the previous commit, exported with `git archive`). Prints one JSON object on stdout.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const planRoot = resolve(process.env.SEPARATION_PLAN_SOURCE || root)
const work = mkdtempSync(join(tmpdir(), 'pw-bench-separation-'))
try {
  const bundle = async (source, name) => {
    process.stderr.write(`separation bench: building ${source} with ncc…\n`)
    const out = join(work, name)
    const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js')
    execFileSync(process.execPath, [ncc, 'build', source, '-o', out, '--quiet'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit']
    })
    return import(pathToFileURL(join(out, 'index.js')).href)
  }
  const { buildPlan } = await bundle(join(planRoot, 'src/plan/plan.ts'), 'plan')
  const { measureCorpus } = await bundle(join(root, '__tests__/plan/corpus/measure.ts'), 'measure')
  const figures = await measureCorpus(
    buildPlan,
    join(work, 'repos'),
    join(root, '__tests__/plan/corpus'),
    5
  )
  const result = {
    goal: 'precision >= 0.8, recall on named pairs >= 0.9, unresolved only where nothing names a path, waves within one of the truth in every repository',
    pass:
      figures.precision >= 0.8 &&
      figures.recall >= 0.9 &&
      figures.unexpected_unresolved === 0 &&
      figures.waves_within_one,
    plan_source: planRoot === root ? 'this checkout' : planRoot,
    // One line per repository, for reading; the details follow in `repositories`.
    table: figures.repositories.map(
      (repo) =>
        `${repo.repository}: ${repo.priorities} priorities, precision ${repo.precision}, ` +
        `recall ${repo.recall} (named) ${repo.recall_all} (all), unresolved ${repo.unresolved.length}, ` +
        `waves ${repo.waves} (truth ${repo.truth_waves}), length ${repo.expected_length.plan} ` +
        `(truth ${repo.expected_length.truth}, one at a time ${repo.expected_length.one_at_a_time} ${repo.expected_length.unit})`
    ),
    ...figures
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
