import type { TreeListing } from '../../src/plan/base-tree.js'
import { DEFAULT_SEPARATION_IGNORE, SeparationIgnore } from '../../src/plan/separation-ignore.js'
import { scopeOfSpec, type SpecScope } from '../../src/plan/spec-scope.js'

/** A base tree from a list of files (what BaseTree answers, without git). */
export function treeOf(files: string[]): TreeListing {
  const set = new Set(files)
  const folders = new Set(
    files.flatMap((file) =>
      file
        .split('/')
        .slice(0, -1)
        .map((_s, i, parts) => parts.slice(0, i + 1).join('/'))
    )
  )
  return {
    hasFile: (path) => set.has(path),
    hasFolder: (path) => folders.has(path),
    files: () => set,
    filesUnder: (folder) =>
      folder ? files.filter((file) => file.startsWith(`${folder.replace(/\/$/, '')}/`)) : files,
    filesNamed: (name) => files.filter((file) => file.split('/').at(-1) === name)
  }
}

export const SPEC = 'docs/specs/SPEC-401-x.md'

/** The scope of one spec against a tree, with the default separation-ignore. */
export function scopeIn(files: string[], markdown: string): SpecScope & { list: string[] } {
  const ignore = new SeparationIgnore(DEFAULT_SEPARATION_IGNORE, (path) =>
    path.startsWith('docs/specs')
  )
  const scope = scopeOfSpec(markdown, SPEC, treeOf(files), ignore)
  return { ...scope, list: [...scope.paths.keys()].sort() }
}
