import { posix } from 'node:path'
import type { TreeListing } from './base-tree.js'
import { moduleFile } from './implied-paths.js'

/**
 * The import graph of the files priorities name, one level deep, read from the base tree:
 * Python `import`/`from`, TS/JS `import … from`/`export … from`/`require` of relative
 * specifiers, Go imports of the module's own packages. Not a conflict (a file two
 * priorities import is no reason to serialise them) but a weight: a file the named files of
 * several priorities import is a hub they are likely to touch for wiring, so a merge that
 * changes it goes later (see src/merge/risk-order.ts).
 */

/** Files read for their imports, at most: the graph is a weight, not worth a slow plan. */
export const MAX_GRAPH_FILES = 2000
const SOURCE = /\.(?:py|ts|tsx|mts|cts|js|jsx|mjs|cjs|go)$/
const JS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']

/** The source files among the paths that the tree holds and whose imports can be read. */
export function graphFiles(paths: Iterable<string>, tree: TreeListing): string[] {
  const files: string[] = []
  for (const path of paths) {
    if (files.length >= MAX_GRAPH_FILES) break
    if (SOURCE.test(path) && tree.hasFile(path)) files.push(path)
  }
  return files
}

/** The files of the tree one file imports (see the module's comment). */
export function importsOf(
  file: string,
  text: string,
  tree: TreeListing,
  goModule: string | null
): string[] {
  const found = new Set<string>()
  if (file.endsWith('.py')) {
    for (const module of pythonImports(text)) {
      const target = pythonFile(module, file, tree)
      if (target) found.add(target)
    }
  } else if (file.endsWith('.go')) {
    if (goModule) {
      for (const target of goImports(text, goModule, tree)) found.add(target)
    }
  } else {
    for (const specifier of jsImports(text)) {
      const target = jsFile(specifier, file, tree)
      if (target) found.add(target)
    }
  }
  found.delete(file)
  return [...found]
}

/**
 * Import hubs: each file that the named files of two priorities or more import, or that a
 * named file of another priority imports when a priority names it, with how many
 * priorities reach it that way. `named`: each priority's paths; `texts`: the files read.
 */
export function importHubs(
  named: ReadonlyMap<number, readonly string[]>,
  texts: ReadonlyMap<string, string>,
  tree: TreeListing,
  goModule: string | null
): Map<string, number> {
  const importsCache = new Map<string, string[]>()
  const importsFrom = (file: string): string[] => {
    let imports = importsCache.get(file)
    if (!imports) {
      const text = texts.get(file)
      imports = text === undefined ? [] : importsOf(file, text, tree, goModule)
      importsCache.set(file, imports)
    }
    return imports
  }
  const reachedBy = new Map<string, Set<number>>()
  for (const [priority, paths] of named) {
    for (const path of paths) {
      for (const target of importsFrom(path)) {
        let priorities = reachedBy.get(target)
        if (!priorities) reachedBy.set(target, (priorities = new Set()))
        priorities.add(priority)
      }
    }
  }
  // A named file that other priorities' files import: they all lean on it.
  for (const [priority, paths] of named) {
    for (const path of paths) reachedBy.get(path)?.add(priority)
  }
  const hubs = new Map<string, number>()
  for (const [path, priorities] of reachedBy) {
    if (priorities.size >= 2) hubs.set(path, priorities.size)
  }
  return new Map([...hubs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))
}

/** `module example.com/ledger` of a go.mod, or null. */
export function goModuleOf(goMod: string | undefined): string | null {
  return goMod ? (/^\s*module\s+(\S+)/m.exec(goMod)?.[1] ?? null) : null
}

function pythonImports(text: string): string[] {
  const modules: string[] = []
  for (const match of text.matchAll(
    /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([^\n#)]*)/gm
  )) {
    const base = match[1]
    modules.push(base)
    // `from pkg import mod`: `mod` may be a module of the package.
    for (const name of match[2].split(',')) {
      const word = name.trim().split(/\s+/)[0]
      if (/^\w+$/.test(word))
        modules.push(base.endsWith('.') ? `${base}${word}` : `${base}.${word}`)
    }
  }
  for (const match of text.matchAll(/^[ \t]*import[ \t]+([\w., \t]+)/gm)) {
    for (const name of match[1].split(',')) {
      const module = name.trim().split(/\s+/)[0]
      if (module) modules.push(module)
    }
  }
  return modules
}

function pythonFile(module: string, from: string, tree: TreeListing): string | null {
  const dots = /^\.*/.exec(module)?.[0].length ?? 0
  const rest = module.slice(dots).replace(/\./g, '/')
  if (dots > 0) {
    let folder = posix.dirname(from)
    for (let up = 1; up < dots; up += 1) folder = posix.dirname(folder)
    const path = rest ? posix.join(folder, rest) : folder
    for (const file of [`${path}.py`, `${path}/__init__.py`]) {
      if (tree.hasFile(file.replace(/^\.\//, ''))) return file.replace(/^\.\//, '')
    }
    return null
  }
  return rest ? moduleFile(rest, tree) : null
}

function jsImports(text: string): string[] {
  const specifiers: string[] = []
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g
  ]
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) specifiers.push(match[1])
  }
  return specifiers.filter((specifier) => specifier.startsWith('.'))
}

function jsFile(specifier: string, from: string, tree: TreeListing): string | null {
  const path = posix.normalize(posix.join(posix.dirname(from), specifier))
  if (path.startsWith('..')) return null
  const stem = path.replace(/\.(?:js|jsx|mjs|cjs)$/, '')
  const candidates = [
    path,
    ...JS_EXTENSIONS.map((extension) => `${stem}${extension}`),
    ...JS_EXTENSIONS.map((extension) => `${path}/index${extension}`)
  ]
  return candidates.find((candidate) => tree.hasFile(candidate)) ?? null
}

function goImports(text: string, goModule: string, tree: TreeListing): string[] {
  const paths: string[] = []
  const blocks = [...text.matchAll(/^import\s*\(([^)]*)\)/gm)].map((match) => match[1])
  const singles = [...text.matchAll(/^import\s+(?:[\w.]+\s+)?"([^"]+)"/gm)].map(
    (match) => `"${match[1]}"`
  )
  for (const block of [...blocks, ...singles]) {
    for (const match of block.matchAll(/"([^"]+)"/g)) {
      const imported = match[1]
      if (!imported.startsWith(`${goModule}/`)) continue
      const folder = imported.slice(goModule.length + 1)
      paths.push(
        ...tree
          .filesUnder(folder)
          .filter((file) => /\.go$/.test(file) && !file.endsWith('_test.go'))
          .filter((file) => posix.dirname(file) === folder)
      )
    }
  }
  return paths
}
