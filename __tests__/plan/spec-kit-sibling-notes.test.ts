import { DEFAULT_SEPARATION_IGNORE, SeparationIgnore } from '../../src/plan/separation-ignore.js'
import { scopeOfSpec } from '../../src/plan/spec-scope.js'
import { treeOf } from './tree-listing.js'

// A spec-kit document names its siblings (`plan.md`, `tasks.md`) in passing: they are the
// feature's own documents, never a path of the repository to place (nor a note about one).
const TREE = treeOf([
  'specs/001-albums/spec.md',
  'specs/001-albums/plan.md',
  'specs/001-albums/tasks.md',
  'specs/002-export/plan.md',
  'specs/002-export/tasks.md',
  'src/models/album.ts',
  'src/cli/index.ts'
])
const ignore = new SeparationIgnore(DEFAULT_SEPARATION_IGNORE, (path) => path.startsWith('specs/'))

describe('spec-kit: a sibling document named by a bare name', () => {
  it('is not noted as a path that cannot be placed, and the real paths still count', () => {
    const tasks = [
      '# Tasks: Photo albums',
      '',
      '**Prerequisites**: `plan.md` (required), spec.md, research.md, `data-model.md`',
      '',
      '- [ ] T001 [US1] Album model in src/models/album.ts (see plan.md)',
      '- [ ] T002 [US1] Register `albums` in src/cli/index.ts'
    ].join('\n')
    const scope = scopeOfSpec(tasks, 'specs/001-albums/tasks.md', TREE, ignore)
    expect([...scope.paths.keys()].sort()).toEqual(['src/cli/index.ts', 'src/models/album.ts'])
    expect(scope.notes.filter((note) => /plan\.md|spec\.md|data-model/.test(note))).toEqual([])
  })

  it('a bare name outside a spec-kit folder is still placed or noted as before', () => {
    const spec = 'Stated change: create `album_view.ts`.\n'
    const scope = scopeOfSpec(spec, 'docs/specs/SPEC-1.md', TREE, ignore)
    expect(scope.notes.join('\n')).toMatch(/album_view\.ts \(a new file, no folder given\)/)
  })
})
