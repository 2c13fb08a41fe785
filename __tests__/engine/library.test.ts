import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

// The third face of the product: the engine as a typed library (package.json `exports`), built
// by `npm run build:lib` (run before packing). Built here into a folder where the package's
// dependencies resolve, then imported as a consumer would.
describe('the engine as a library', () => {
  const out = join(
    process.cwd(),
    'node_modules',
    '.cache',
    'parallel-worktree-tests',
    `lib-${process.pid}`
  )
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('builds to JavaScript with declarations, and exports the entry points', async () => {
    execFileSync(process.execPath, [tscPath(), '-p', 'tsconfig.lib.json', '--outDir', out])
    expect(existsSync(join(out, 'engine', 'index.d.ts'))).toBe(true)
    const declarations = readFileSync(join(out, 'engine', 'index.d.ts'), 'utf8')
    expect(declarations).toMatch(/runParallel/)
    const engine = (await import(pathToFileURL(join(out, 'engine', 'index.js')).href)) as Record<
      string,
      unknown
    >
    for (const name of ['execute', 'runParallel', 'planOnly', 'parseSettings', 'InputError']) {
      expect(typeof engine[name]).toBe('function')
    }
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      exports: { '.': { types: string; default: string } }
    }
    expect(pkg.exports['.']).toEqual({
      types: './lib/engine/index.d.ts',
      default: './lib/engine/index.js'
    })
  })
})

function tscPath(): string {
  return join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc')
}
