#!/usr/bin/env node
// The plan stage at scale: buildPlan over 250, 500 and 1,000 priorities of a repository with
// 1,000 specs, then 1,000 priorities whose specs name 4x and 16x more paths. Each figure is
// the median of 5 runs after a warm-up. `plan_ms` is the whole buildPlan (git reads, spec
// lookup, path extraction, overlaps, schedule); `overlap_ms` times findOverlaps alone on the
// paths that plan extracted, to show how the analysis grows with the number of touched paths;
// `independent_pairs_ms` the listing of every pair that does not overlap, which the plan makes
// when it is first read (by the result JSON), once.
// Goal: a plan of 1,000 priorities under 0.5 s (issue #14). Builds src/plan/plan.ts and src/plan/overlap.ts
// with ncc into a temp folder and prints one JSON object on stdout.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const SPECS = 'docs/architecture/specs'
const ROADMAP = 'docs/roadmap/ROADMAP.md'
const SPEC_COUNT = 1000
const RUNS = 5
const GOAL_MS = 500

const loadAverage = round(loadavg()[0])
const work = mkdtempSync(join(tmpdir(), 'pw-bench-plan-'))
try {
  const bundle = async (entry) => {
    process.stderr.write(`plan bench: building src/plan/${entry}.ts with ncc…\n`)
    const out = join(work, entry)
    const ncc = join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js')
    const source = join(root, `src/plan/${entry}.ts`)
    execFileSync(process.execPath, [ncc, 'build', source, '-o', out, '--quiet'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit']
    })
    return import(pathToFileURL(join(out, 'index.js')).href)
  }
  const { buildPlan } = await bundle('plan')
  const { findOverlaps } = await bundle('overlap')
  const measure = (repo, count) => measurePlan(buildPlan, findOverlaps, repo, count)

  const byPriorities = []
  const repo1x = makeRepository(join(work, 'repo-1x'), 1)
  for (const count of [250, 500, 1000]) {
    byPriorities.push({ priorities: count, ...(await measure(repo1x, count)) })
  }
  const byPaths = []
  for (const factor of [1, 4, 16]) {
    const repo = factor === 1 ? repo1x : makeRepository(join(work, `repo-${factor}x`), factor)
    byPaths.push({ paths_factor: factor, ...(await measure(repo, SPEC_COUNT)) })
  }
  const plan1000 = byPriorities[byPriorities.length - 1]
  const [first, , last] = byPaths
  const result = {
    goal: `buildPlan over ${SPEC_COUNT} priorities with ${SPEC_COUNT} specs under ${GOAL_MS} ms`,
    pass: plan1000.plan_ms < GOAL_MS,
    runs_per_figure: RUNS,
    load_average_at_start: loadAverage,
    cores: cpus().length,
    by_priorities: byPriorities,
    by_touched_paths: byPaths,
    growth_at_16x_paths: {
      touched_paths: round(last.touched_paths / first.touched_paths),
      plan_time: round(last.plan_ms / first.plan_ms),
      overlap_time: round(last.overlap_ms / first.overlap_ms),
      if_quadratic: round((last.touched_paths / first.touched_paths) ** 2)
    }
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
} finally {
  rmSync(work, { recursive: true, force: true })
}

async function measurePlan(buildPlan, findOverlaps, repo, count) {
  const settings = {
    repo,
    priorities: Array.from({ length: count }, (_x, index) => index + 1),
    baseBranch: 'roadmap',
    specsDir: SPECS,
    roadmapFile: ROADMAP,
    separation: 'waves'
  }
  let plan = await buildPlan(settings) // warm-up: JIT, git's caches
  const planTimes = []
  for (let run = 0; run < RUNS; run += 1) {
    const began = performance.now()
    plan = await buildPlan(settings)
    planTimes.push(performance.now() - began)
  }
  // Listed on first read (only the result JSON shows them): timed apart, on a fresh plan.
  const pairsBegan = performance.now()
  const independentPairs = plan.separation.independent_pairs.length
  const pairsMs = performance.now() - pairsBegan
  const scopes = plan.tasks.map((task) => ({ paths: task.paths, unknown: task.paths.length === 0 }))
  findOverlaps(scopes)
  const overlapTimes = []
  for (let run = 0; run < RUNS; run += 1) {
    const began = performance.now()
    findOverlaps(scopes)
    overlapTimes.push(performance.now() - began)
  }
  return {
    touched_paths: scopes.reduce((sum, scope) => sum + scope.paths.length, 0),
    plan_ms: round(median(planTimes)),
    overlap_ms: round(median(overlapTimes)),
    independent_pairs: independentPairs,
    independent_pairs_ms: round(pairsMs),
    overlapping_pairs: Object.keys(plan.separation.conflicts).length,
    waves: plan.separation.schedule.length
  }
}

/**
 * A repository whose roadmap branch holds a ROADMAP and 1,000 specs written in mixed styles
 * (inline code, a table, a Location line, a code block, prose), each naming about 5 paths
 * times `factor`: most its own, some shared (a registry every 50th spec edits, a folder one
 * spec in a hundred holds and the next one edits in, globs). Committed with one fast-import.
 */
function makeRepository(path, factor) {
  process.stderr.write(`plan bench: repository with ${SPEC_COUNT} specs, paths x${factor}…\n`)
  execFileSync('git', ['init', '-q', '-b', 'roadmap', path])
  const files = {}
  let roadmap = '# Roadmap\n\n'
  for (let p = 1; p <= SPEC_COUNT; p += 1) {
    const us = p + 100
    roadmap += `### PRIORITY ${p}: US-${us} - Feature ${p} 📝 Planned\n\n**Status**: 📝 Planned\n\n`
    files[`${SPECS}/SPEC-${String(us).padStart(3, '0')}-feature-${p}.md`] = specText(p, us, factor)
  }
  files[ROADMAP] = roadmap
  const chunks = [
    'commit refs/heads/roadmap\n',
    'committer Bench <bench@example.com> 1700000000 +0000\n'
  ]
  const data = (text) => {
    const bytes = Buffer.from(text)
    chunks.push(`data ${bytes.length}\n`, bytes, '\n')
  }
  data('specs')
  for (const [file, text] of Object.entries(files)) {
    chunks.push(`M 100644 inline ${file}\n`)
    data(text)
  }
  execFileSync('git', ['fast-import', '--quiet'], {
    cwd: path,
    input: Buffer.concat(
      chunks.map((chunk) => (Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)))
    )
  })
  return path
}

function specText(p, us, factor) {
  const lines = [
    `# SPEC-${us}: Feature ${p}`,
    '',
    `**Status**: Draft · see [US-${us}](../../roadmap/ROADMAP.md#priority-${p}) and https://example.com/docs/v2.0`,
    '',
    'This feature makes the daemon 2-3x faster for users on v1.2.3 and later; run `npm run build` first.',
    ''
  ]
  for (let k = 0; k < factor; k += 1) {
    const area = `src/features/area-${p}${k ? `-${k}` : ''}`
    lines.push(
      `## Part ${k + 1}`,
      '',
      `**Location**: \`${area}/service.ts\``,
      '',
      '| File | Change |',
      '|------|--------|',
      `| \`${area}/model.ts\` | new fields |`,
      `| ${area}/view.tsx | render them |`,
      '',
      '```ts',
      `import { thing } from '${area}/helpers.ts'`,
      '```',
      '',
      `Tests: \`tests/area-${p}-${k}/**/*.test.ts\`.`,
      ''
    )
  }
  if (p % 50 === 0) lines.push('- `src/shared/registry.ts`: register the feature')
  if (p % 100 === 7) lines.push(`- \`src/features/area-${p + 1}/\`: takes over the next area`)
  return `${lines.join('\n')}\n`
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function round(value) {
  return Math.round(value * 10) / 10
}
