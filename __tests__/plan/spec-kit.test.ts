import { spawnSync } from 'node:child_process'
import { buildSourceCli, type SourceCli } from '../cli/source-cli.js'
import type { Separation } from '../../src/core/types.js'
import { buildPlan } from '../../src/plan/plan.js'
import { createRepo } from '../helpers/temp-repo.js'

// GitHub's spec-kit layout: `specs/NNN-name/` with spec.md, plan.md, tasks.md and no ROADMAP.
const feature = (title: string, tree: string, tasks: string[]): Record<string, string> => ({
  'spec.md': `# Feature Specification: ${title}\n\n**Status**: Draft\n\n## User Scenarios\n\nA user does it.\n`,
  'plan.md': `# Implementation Plan: ${title}\n\n## Project Structure\n\n\`\`\`text\n${tree}\n\`\`\`\n`,
  'tasks.md': `# Tasks: ${title}\n\n**Prerequisites**: plan.md, data-model.md, contracts/\n\n${tasks.map((task, index) => `- [ ] T${String(index + 1).padStart(3, '0')} ${task}`).join('\n')}\n`
})
const TREE =
  'src/\n├── models/\n│   └── user.ts\n├── services/\n├── cli/\n│   └── index.ts\n└── lib/\n    └── db.ts\ntests/\n└── unit/'
const files: Record<string, string> = {
  'src/models/user.ts': '',
  'src/cli/index.ts': '',
  'src/lib/db.ts': '',
  'specs/001-albums/contracts/albums.yaml': 'openapi: 3.0.3\n'
}
const features = {
  '001-albums': feature('Photo albums', TREE, [
    '[P] [US1] Album model in src/models/album.ts',
    '[US1] AlbumService in src/services/album-service.ts',
    'Add the albums table to src/lib/db.ts'
  ]),
  '002-export': feature('Export', TREE, [
    '[P] [US1] Exporter in src/services/exporter.ts',
    '[US1] Register `export` in src/cli/index.ts'
  ]),
  '003-import': feature('Import', TREE, [
    '[P] [US1] Importer in src/services/importer.ts',
    '[US1] Register `import` in src/cli/index.ts'
  ])
}
for (const [folder, documents] of Object.entries(features)) {
  for (const [name, text] of Object.entries(documents)) files[`specs/${folder}/${name}`] = text
}

describe('spec-kit: specs-dir `specs` with feature folders and no ROADMAP', () => {
  let cli: SourceCli
  beforeAll(() => {
    cli = buildSourceCli()
  })
  afterAll(() => cli[Symbol.dispose]())

  it('plans priority n from the folder NNN-*, from the files its tasks.md names, with no unresolved feature', () => {
    using repo = createRepo(files)
    const run = spawnSync(
      process.execPath,
      [
        cli.entry,
        'plan',
        '1-3',
        '--repo',
        repo.repo,
        '--base-branch',
        'roadmap',
        '--specs-dir',
        'specs',
        '--json'
      ],
      { encoding: 'utf8' }
    )
    expect(run.stderr).not.toMatch(/error/i)
    expect(run.status).toBe(0)
    const result = JSON.parse(run.stdout) as {
      separation: Pick<Separation, 'unresolved' | 'task_file_map' | 'schedule'>
      tasks: { priority: number; spec_files: string[]; notes: string[] }[]
    }
    expect(result.separation.unresolved).toEqual([])
    expect(result.separation.task_file_map).toEqual({
      // The plan's structure tree (src/models/user.ts, tests/) is context, `contracts/` the
      // feature's own document: only the files the tasks name are touched.
      '1': ['src/lib/db.ts', 'src/models/album.ts', 'src/services/album-service.ts'],
      '2': ['src/cli/index.ts', 'src/services/exporter.ts'],
      '3': ['src/cli/index.ts', 'src/services/importer.ts']
    })
    expect(result.separation.schedule).toEqual([[1, 2], [3]])
    const first = result.tasks.find((task) => task.priority === 1)
    // Every markdown file of the folder is read; the title is spec.md's first heading.
    expect(first?.spec_files).toEqual([
      'specs/001-albums/plan.md',
      'specs/001-albums/spec.md',
      'specs/001-albums/tasks.md'
    ])
    expect(first?.notes.join('\n')).toMatch(/spec-kit feature folder specs\/001-albums\//)
  })

  it("takes a feature's title from spec.md's first heading (the prompt's title)", async () => {
    using repo = createRepo(files)
    const plan = await buildPlan({
      repo: repo.repo,
      priorities: [2],
      baseBranch: 'roadmap',
      specsDir: 'specs',
      roadmapFile: 'docs/roadmap/ROADMAP.md',
      separation: 'waves'
    })
    expect(plan.tasks[0].title).toBe('Feature Specification: Export')
  })
})
