import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PACKAGE_NAME = 'parallel-worktree'

/**
 * This package's version, from its package.json: the nearest one named parallel-worktree
 * above this file, which is the repository's from src/ and from the bundle in dist/cli/, and
 * the installed package's own after `npm install`. `unknown` if none is found.
 */
export function packageVersion(from: string = import.meta.url): string {
  let folder = dirname(fileURLToPath(from))
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
        name?: string
        version?: string
      }
      if (manifest.name === PACKAGE_NAME && manifest.version) return manifest.version
    } catch {
      // No package.json here (or not ours): look further up.
    }
    const parent = dirname(folder)
    if (parent === folder) return 'unknown'
    folder = parent
  }
}
