// The CLI of the current sources, runnable with `node`: every file of src/ transpiled one by
// one (the project uses isolatedModules, so that is exact) into a folder under node_modules,
// where the bundled dependencies resolve as they do for src/. Under a second, where an ncc
// build takes twenty and stops at the first type error of a file being edited. Plain ESM, so
// that scripts/chaos.mjs and the tests (through __tests__/cli/source-cli.ts) share it.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import ts from 'typescript'

/**
 * Transpiles `<root>/src` into `<root>/node_modules/.cache/<cache>/`, a folder of its own for
 * each call; disposing the result removes that folder.
 */
export function buildSourceCli(root = process.cwd(), cache = 'parallel-worktree-tests') {
  const out = join(root, 'node_modules', '.cache', cache, `cli-${process.pid}-${Date.now()}`)
  const src = join(root, 'src')
  for (const file of typeScriptFiles(src)) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        verbatimModuleSyntax: false
      }
    })
    const target = join(out, relative(src, file)).replace(/\.ts$/, '.js')
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, outputText)
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n')
  return {
    entry: join(out, 'cli', 'index.js'),
    [Symbol.dispose]: () => rmSync(out, { recursive: true, force: true })
  }
}

function typeScriptFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name)
    if (entry.isDirectory()) return typeScriptFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}
