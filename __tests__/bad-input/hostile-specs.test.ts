import { describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { execute } from '../../src/engine/execute.js'
import { silentLogger } from '../helpers/logger.js'
import type { Plan, RunResult } from '../../src/core/types.js'
import { parseSettings } from '../../src/inputs/settings.js'
import { createRepo, git, roadmapFiles, type TempRepo } from '../helpers/temp-repo.js'

// Specs and ROADMAPs that attack the plan: paths out of the repository, symbolic links to
// /etc/passwd, huge, binary and non-UTF-8 files. Each is handled safely: the plan reads only
// the base branch's tree (never the file system, never through a link), names only paths
// inside the repository, and an unreadable scope counts as unknown (overlapping everything).

const SPECS = 'docs/architecture/specs'

/** Commits raw files (Buffers or text) and symbolic links on the checked-out base. */
function commit(
  repo: TempRepo,
  files: Record<string, string | Buffer>,
  links: Record<string, string> = {}
): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo.repo, path)), { recursive: true })
    writeFileSync(join(repo.repo, path), content)
  }
  for (const [path, target] of Object.entries(links)) {
    mkdirSync(dirname(join(repo.repo, path)), { recursive: true })
    symlinkSync(target, join(repo.repo, path))
  }
  git(repo.repo, 'add', '-A')
  git(repo.repo, 'commit', '-q', '-m', 'hostile files')
}

async function plan(
  repo: TempRepo,
  priorities: string
): Promise<{ plan: Plan; result: RunResult }> {
  const settings = parseSettings({ mode: 'plan', priorities }, repo.repo, {})
  const refsBefore = git(repo.repo, 'for-each-ref', '--format=%(refname) %(objectname)')
  const statusBefore = git(repo.repo, 'status', '--porcelain')
  const execution = await execute(settings, { logger: silentLogger, env: {} })
  // Plan mode changes nothing, whatever the files hold.
  expect(git(repo.repo, 'for-each-ref', '--format=%(refname) %(objectname)')).toBe(refsBefore)
  expect(git(repo.repo, 'status', '--porcelain')).toBe(statusBefore)
  return { plan: execution.plan!, result: execution.result }
}

/** Everything the plan and the result say, as text. */
const said = (outcome: { plan: Plan; result: RunResult }): string =>
  JSON.stringify(outcome.plan) + JSON.stringify(outcome.result)

/** No path of the plan leaves the repository. */
function expectInside(outcome: { plan: Plan }): void {
  for (const task of outcome.plan.tasks) {
    for (const path of [...task.paths, ...task.spec_files]) {
      expect(path).not.toMatch(/^(\/|[A-Za-z]:|\\)|(^|\/)\.\.(\/|$)/)
    }
  }
}

describe('specs and ROADMAPs that attack the plan are handled safely', () => {
  it('paths out of the repository (../../etc/passwd, /etc/passwd, C:\\x) are never named or read', async () => {
    using repo = createRepo({
      'docs/roadmap/ROADMAP.md': [
        '# Roadmap',
        '### PRIORITY 1: US-1 - Escape',
        'Spec: [one](../../etc/passwd), [two](/etc/passwd), [three](C:\\x), [four](file:///etc/passwd)',
        ''
      ].join('\n'),
      [`${SPECS}/SPEC-001-escape.md`]: [
        '# SPEC-1',
        '- `../../etc/passwd`',
        '- `/etc/passwd`',
        '- `C:\\x\\y.txt`',
        '- `src/../../outside.ts`',
        '- `src/inside.ts`',
        ''
      ].join('\n')
    })
    const outcome = await plan(repo, '1')
    expect(outcome.plan.tasks[0].spec_files).toEqual([`${SPECS}/SPEC-001-escape.md`])
    expect(outcome.plan.tasks[0].paths).toContain('src/inside.ts')
    expectInside(outcome)
    expect(said(outcome)).not.toMatch(/root:.*:0:0:/)
  })

  it('a spec that is a symbolic link to /etc/passwd on the base branch is not read: scope unknown', async () => {
    using repo = createRepo(roadmapFiles({ 2: { files: ['src/two.ts'] } }))
    commit(repo, {}, { [`${SPECS}/SPEC-001-linked.md`]: '/etc/passwd' })
    git(repo.repo, 'rm', '-q', 'docs/roadmap/ROADMAP.md')
    commit(repo, {
      'docs/roadmap/ROADMAP.md': `### PRIORITY 1: US-1\nSee [spec](../architecture/specs/SPEC-001-linked.md)\n### PRIORITY 2: US-2\n`
    })
    const outcome = await plan(repo, '1,2')
    expect(outcome.plan.tasks[0].spec_files).toEqual([])
    expect(outcome.result.separation.unresolved).toEqual([1])
    expect(outcome.plan.tasks[1].paths).toEqual(['src/two.ts'])
    expect(said(outcome)).not.toMatch(/root:.*:0:0:/)
  })

  it('a specs-dir that is a symbolic link out of the repository is not followed: scope unknown', async () => {
    using repo = createRepo({ 'README.md': '# demo\n' })
    commit(repo, { 'docs/roadmap/ROADMAP.md': '### PRIORITY 1: US-1\n' }, { [SPECS]: '/etc' })
    const outcome = await plan(repo, '1')
    expect(outcome.plan.tasks[0].spec_files).toEqual([])
    expect(outcome.result.separation.unresolved).toEqual([1])
  })

  it('a ROADMAP that is a symbolic link to /etc/passwd is not read: specs found by number', async () => {
    using repo = createRepo({ [`${SPECS}/SPEC-001-x.md`]: '- `src/one.ts`\n' })
    commit(repo, {}, { 'docs/roadmap/ROADMAP.md': '/etc/passwd' })
    const outcome = await plan(repo, '1')
    expect(outcome.plan.tasks[0].paths).toEqual(['src/one.ts'])
    expect(said(outcome)).not.toMatch(/root:.*:0:0:/)
  })

  // Read up to 5 MB since issue 23 (a 100 MB spec took 1.3 GB): __tests__/plan/oversized-spec.
  it('a 10 MB spec is read up to 5 MB: the path at its start is found, with a note', async () => {
    using repo = createRepo(roadmapFiles({ 1: { files: [] } }))
    const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n'.repeat(180_000)
    commit(repo, {
      [`${SPECS}/SPEC-001-feature-1.md`]: `- \`src/first.ts\`\n${filler}- \`src/last.ts\`\n`
    })
    const outcome = await plan(repo, '1')
    expect(outcome.plan.tasks[0].paths).toEqual(['src/first.ts'])
    expect(outcome.plan.tasks[0].notes.join('\n')).toContain('only its first 5 MB were read')
  })

  it('a binary spec does not break the plan; its paths are only those written out', async () => {
    using repo = createRepo(roadmapFiles({ 1: { files: [] }, 2: { files: ['src/two.ts'] } }))
    const noise = randomBytes(256 * 1024)
    commit(repo, {
      [`${SPECS}/SPEC-001-feature-1.md`]: Buffer.concat([
        noise,
        Buffer.from('\n- `src/in-binary.ts`\n'),
        noise
      ])
    })
    const outcome = await plan(repo, '1,2')
    expectInside(outcome)
    expect(outcome.plan.tasks[1].paths).toEqual(['src/two.ts'])
  })

  it('non-UTF-8 (Latin-1) specs and ROADMAP: headings and paths are still read', async () => {
    using repo = createRepo({ 'README.md': '# demo\n' })
    commit(repo, {
      'docs/roadmap/ROADMAP.md': Buffer.from(
        '### PRIORITY 1: US-7 - R\xe9sum\xe9 caf\xe9\n',
        'latin1'
      ),
      [`${SPECS}/SPEC-007-resume.md`]: Buffer.from(
        'Fichiers \xe0 changer :\n- `src/r\xe9sum\xe9.ts`\n- `src/plain.ts`\n',
        'latin1'
      )
    })
    const outcome = await plan(repo, '1')
    expect(outcome.plan.tasks[0].spec_files).toEqual([`${SPECS}/SPEC-007-resume.md`])
    expect(outcome.plan.tasks[0].paths).toContain('src/plain.ts')
    expectInside(outcome)
  })

  it('a ROADMAP of 100,000 lines: the heading at its end is found', async () => {
    using repo = createRepo({ [`${SPECS}/SPEC-108-parallel.md`]: '- `src/parallel.ts`\n' })
    const lines = Array.from({ length: 100_000 }, (_, i) =>
      i % 10 === 0 ? `## Section ${i}` : `- item ${i} of the backlog`
    )
    commit(repo, {
      'docs/roadmap/ROADMAP.md': `${lines.join('\n')}\n### PRIORITY 23: US-108 - Parallel\n`
    })
    const outcome = await plan(repo, '23')
    expect(outcome.plan.tasks[0].spec_files).toEqual([`${SPECS}/SPEC-108-parallel.md`])
    expect(outcome.plan.tasks[0].paths).toEqual(['src/parallel.ts'])
  })
})
