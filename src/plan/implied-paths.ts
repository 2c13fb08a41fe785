import type { TreeListing } from './base-tree.js'
import { posix } from 'node:path'

/**
 * Paths a spec implies without writing them:
 * - "add dependency `x`", `poetry add x`, "as a dependency": the package manifest and its
 *   lock file (`pyproject.toml` and `poetry.lock`, `package.json` and its lock, ...);
 * - "register a CLI script", `[project.scripts]`, `console_scripts`: the manifest;
 * - a dotted module (`from pkg.mod import f`, `--cov=pkg.mod`, `pkg.mod:main`): its file.
 * Each is looked up in the tree: what the tree does not hold is not implied.
 */
export type ImpliedKind = 'dependency' | 'script'

export type Ecosystem = 'python' | 'node' | 'go' | 'rust' | 'ruby'

export interface Implied {
  kind: ImpliedKind
  /** Named by the command or the table (`npm install` → node), else null. */
  ecosystem: Ecosystem | null
}

const MANIFESTS: Record<Ecosystem, { manifests: string[]; locks: string[] }> = {
  python: {
    manifests: ['pyproject.toml', 'requirements.txt', 'setup.py', 'setup.cfg', 'Pipfile'],
    locks: ['poetry.lock', 'uv.lock', 'pdm.lock', 'Pipfile.lock']
  },
  node: {
    manifests: ['package.json'],
    locks: ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock']
  },
  go: { manifests: ['go.mod'], locks: ['go.sum'] },
  rust: { manifests: ['Cargo.toml'], locks: ['Cargo.lock'] },
  ruby: { manifests: ['Gemfile'], locks: ['Gemfile.lock'] }
}

const ECOSYSTEM_OF_EXTENSION: Record<string, Ecosystem> = {
  py: 'python',
  pyi: 'python',
  ts: 'node',
  tsx: 'node',
  js: 'node',
  jsx: 'node',
  mjs: 'node',
  cjs: 'node',
  go: 'go',
  rs: 'rust',
  rb: 'ruby'
}

/** Most lines name none of these words: one test before the rest. */
const MAY_IMPLY =
  /depend|install|\badd\b|\bget\b|regist|script|entry|\[(?:project|tool|build-system|package|features|workspace)\b/i
const DEPENDENCY_WORDS =
  /\b(?:add(?:s|ed|ing)?|introduc(?:e|es|ed|ing)|bump(?:s|ed)?|upgrad(?:e|es|ed|ing)|pin(?:s|ned)?|new)\s+(?:(?:a|an|the|new|runtime|dev|development|optional|python|npm|go|third-party|external)\s+){0,3}(?:dev-)?(?:dependency|dependencies|crate|gem)\b|\bas an? (?:dev[- ]?|runtime |new )?dependency\b|\bto (?:the )?(?:dev[- ]?)?dependencies\b/i
const COMMAND =
  /\b(poetry add|uv add|pdm add|pipenv install|pip3? install|npm (?:install|i|add)|yarn add|pnpm add|bun add|go get|cargo add|bundle add)((?:\s+-{1,2}[\w-]+)*)\s+([\w@][\w@./=<>~^-]*)/i
const SCRIPT_WORDS =
  /\bregist(?:er|ers|ered|ering|ration of)\s+(?:(?:a|an|the|new|its|cli|console|command[- ]line)\s+){0,3}(?:script|entry[- ]?point|console[_ ]script|executable|bin)s?\b|\bconsole_scripts\b|\bentry_points\b/i
/** TOML tables of a manifest: `[project.scripts]`, `[tool.poetry.dependencies]`, `[dependencies]`. */
const PYTHON_TABLE = /\[(?:project|tool\.poetry|build-system)(?:\.[\w.-]+)?\]/
const RUST_TABLE =
  /\[(?:dependencies|dev-dependencies|build-dependencies|package|features|workspace)\]/
const NEGATED_BEFORE = /\b(?:no|not|without|never|avoid|don'?t|doesn'?t|instead of)\b[^.;:]*$/i

const COMMAND_ECOSYSTEM: [RegExp, Ecosystem][] = [
  [/^(?:poetry|uv|pdm|pipenv|pip3?)\b/i, 'python'],
  [/^(?:npm|yarn|pnpm|bun)\b/i, 'node'],
  [/^go\b/i, 'go'],
  [/^cargo\b/i, 'rust'],
  [/^bundle\b/i, 'ruby']
]

/** What one line of a spec implies (see the module's comment); most lines: nothing. */
export function impliedByLine(line: string): Implied[] {
  if (!MAY_IMPLY.test(line)) return []
  const found: Implied[] = []
  const unless = (index: number): boolean => NEGATED_BEFORE.test(line.slice(0, index))
  const command = COMMAND.exec(line)
  if (command && !unless(command.index)) {
    const flags = command[2] ?? ''
    const argument = command[3]
    // `pip install -r requirements.txt`, `pip install -e .`: installing, not adding.
    if (!/\s-[re]\b/.test(flags) && !/\.(?:txt|toml|cfg)$/.test(argument)) {
      const ecosystem = COMMAND_ECOSYSTEM.find(([pattern]) => pattern.test(command[1]))?.[1]
      found.push({ kind: 'dependency', ecosystem: ecosystem ?? null })
    }
  }
  const words = DEPENDENCY_WORDS.exec(line)
  if (words && !unless(words.index) && found.length === 0) {
    found.push({ kind: 'dependency', ecosystem: null })
  }
  const script = SCRIPT_WORDS.exec(line)
  if (script && !unless(script.index)) found.push({ kind: 'script', ecosystem: null })
  const python = PYTHON_TABLE.exec(line)
  if (python && !unless(python.index)) {
    const dependencies = /depend/i.test(python[0])
    found.push({ kind: dependencies ? 'dependency' : 'script', ecosystem: 'python' })
  }
  const rust = RUST_TABLE.exec(line)
  if (rust && !unless(rust.index)) found.push({ kind: 'dependency', ecosystem: 'rust' })
  return found
}

/** A TOML or INI table written as a token (`[project.scripts]`): never a path. */
export function isTableName(token: string): boolean {
  return /^\[[\w.-]+\]$/.test(token.replace(/^`|`$/g, ''))
}

const MODULE = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/

/**
 * The path a dotted module name stands for (`pkg.mod` → `pkg/mod`), or null. `pkg.mod:main`
 * and `--cov=pkg.mod` are read too. Names whose last part is a file extension (`utils.py`)
 * are file names, not modules.
 */
export function modulePath(token: string, fileExtensions: ReadonlySet<string>): string | null {
  const name = token
    .replace(/^--?[\w-]+=/, '')
    .replace(/:[A-Za-z_]\w*$/, '')
    .replace(/^[`'"(]+|[`'",.;)]+$/g, '')
  if (!MODULE.test(name)) return null
  const parts = name.split('.')
  if (fileExtensions.has(parts[parts.length - 1].toLowerCase()) && !token.includes(':')) return null
  return parts.join('/')
}

/** The file of a module path in the tree: `pkg/mod.py`, `pkg/mod/__init__.py`, under `src/` too. */
export function moduleFile(path: string, tree: TreeListing): string | null {
  for (const root of ['', 'src/']) {
    for (const file of [`${root}${path}.py`, `${root}${path}/__init__.py`]) {
      if (tree.hasFile(file)) return file
    }
  }
  return null
}

/**
 * The manifest (and, for a dependency, its lock files) an implied change touches: of the
 * ecosystem named (`npm install`), else of the spec's own files (`.py`: python), else of the
 * manifests at the root; in the folder nearest the spec's files that holds one, else the
 * root. Empty when the tree holds none.
 */
export function manifestFiles(
  implied: Implied,
  namedPaths: readonly string[],
  tree: TreeListing
): string[] {
  const ofFiles = new Set(
    namedPaths.flatMap((path) => {
      const extension = /\.(\w+)$/.exec(path)?.[1]?.toLowerCase() ?? ''
      const ecosystem = ECOSYSTEM_OF_EXTENSION[extension]
      return ecosystem ? [ecosystem] : []
    })
  )
  const atRoot = (Object.keys(MANIFESTS) as Ecosystem[]).filter((ecosystem) =>
    hasManifest(tree, '', ecosystem)
  )
  const ecosystems: Ecosystem[] = implied.ecosystem
    ? [implied.ecosystem]
    : ofFiles.size
      ? [...ofFiles]
      : atRoot
  const files: string[] = []
  for (const ecosystem of ecosystems) {
    const folders = new Set(
      namedPaths.map((path) => nearestManifestFolder(tree, folderOf(path), ecosystem))
    )
    if (folders.size === 0) folders.add('')
    for (const folder of folders) {
      if (folder === null) continue
      const { manifests, locks } = MANIFESTS[ecosystem]
      const at = (name: string): string => (folder ? `${folder}/${name}` : name)
      const manifest = manifests.map(at).find((file) => tree.hasFile(file))
      if (!manifest) continue
      files.push(manifest)
      if (implied.kind === 'dependency')
        files.push(...locks.map(at).filter((file) => tree.hasFile(file)))
    }
  }
  return [...new Set(files)]
}

function folderOf(path: string): string {
  const folder = posix.dirname(path)
  return folder === '.' ? '' : folder
}

function hasManifest(tree: TreeListing, folder: string, ecosystem: Ecosystem): boolean {
  return MANIFESTS[ecosystem].manifests.some((name) =>
    tree.hasFile(folder ? `${folder}/${name}` : name)
  )
}

/** The folder at or above `folder` holding a manifest of the ecosystem, or null. */
function nearestManifestFolder(
  tree: TreeListing,
  folder: string,
  ecosystem: Ecosystem
): string | null {
  for (let at = folder; ; at = folderOf(at)) {
    if (hasManifest(tree, at, ecosystem)) return at
    if (at === '') return null
  }
}
