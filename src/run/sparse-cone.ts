import { posix } from 'node:path'

/**
 * The folders a sparse worktree checks out (sparse-checkout: true, git's cone mode, which adds
 * the root's files itself): the folder of each path the priority's spec names (a folder named
 * as such, `src/api/`, is its own; a glob stands for the folder before its first wildcard),
 * of its spec files and of the ROADMAP. A folder inside another is covered by it. Empty when
 * the plan found no path for the priority: then it gets every file.
 */
export function sparseCone(paths: readonly string[], alsoNeeded: readonly string[] = []): string[] {
  if (paths.length === 0) return []
  const folders = new Set<string>()
  for (const given of [...paths, ...alsoNeeded]) {
    let path = given.replace(/^\.\//, '')
    const wildcard = path.search(/[*?[{]/)
    if (wildcard >= 0) path = path.slice(0, wildcard)
    const folder = path.endsWith('/') ? path.replace(/\/+$/, '') : posix.dirname(path)
    if (folder && folder !== '.' && folder !== '/') folders.add(folder)
  }
  const sorted = [...folders].sort()
  return sorted.filter((folder) => !sorted.some((other) => folder.startsWith(`${other}/`)))
}
