/**
 * Hub files: the files many priorities touch for wiring though their specs never name them
 * (the manifest and its lock, the CLI entry, the main loop, the app and its routes). They are
 * no reason to serialise priorities; a merge that touches them is riskier, so it goes later.
 */
const MANIFESTS = new Set(
  (
    'package.json package-lock.json yarn.lock pnpm-lock.yaml bun.lockb bun.lock pyproject.toml ' +
    'poetry.lock uv.lock pdm.lock Pipfile Pipfile.lock setup.py setup.cfg requirements.txt ' +
    'go.mod go.sum Cargo.toml Cargo.lock Gemfile Gemfile.lock composer.json composer.lock ' +
    'pom.xml build.gradle build.gradle.kts'
  ).split(' ')
)
/** Entry points and wiring, by the name of the file without its extension. */
const ENTRY_NAMES = new Set(
  'main __main__ __init__ cli app index server daemon routes urls settings wsgi asgi mod lib'.split(
    ' '
  )
)
/** Deeper than this, a file of one of those names is a module's own, not the project's hub. */
const MAX_ENTRY_DEPTH = 3

export function isHubFile(path: string): boolean {
  const segments = path.split('/')
  const name = segments[segments.length - 1]
  if (MANIFESTS.has(name)) return true
  const stem = name.replace(/\.[^.]+$/, '')
  return ENTRY_NAMES.has(stem) && segments.length <= MAX_ENTRY_DEPTH
}
