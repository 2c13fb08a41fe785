#!/usr/bin/env node
// Writes src/inputs/input-descriptions.ts from action.yml: the inputs' descriptions, so that
// the CLI's --help and the action say the same thing with one source. Run after changing an
// input in action.yml (`npm run descriptions`; `npm run bundle` runs it too);
// __tests__/cli/help.test.ts fails while the file is stale. `--check` only compares.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'
import { parse } from 'yaml'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const target = join(root, 'src', 'inputs', 'input-descriptions.ts')

/** The module's text, formatted as prettier keeps it (src/ is checked with prettier). */
export async function inputDescriptionsModule(actionYml) {
  const inputs = parse(actionYml).inputs ?? {}
  const entries = Object.entries(inputs).map(
    ([name, input]) =>
      `  ${JSON.stringify(name)}: ${JSON.stringify(String(input.description ?? '').trim())}`
  )
  const text = [
    '// Generated from action.yml by scripts/input-descriptions.mjs: do not edit, run',
    '// `npm run descriptions` instead.',
    '',
    "/** Each input's description in action.yml, for the CLI's --help. */",
    'export const INPUT_DESCRIPTIONS: Readonly<Record<string, string>> = {',
    entries.join(',\n'),
    '}',
    ''
  ].join('\n')
  const options = (await prettier.resolveConfig(target)) ?? {}
  return prettier.format(text, { ...options, filepath: target })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await inputDescriptionsModule(readFileSync(join(root, 'action.yml'), 'utf8'))
  const current = (() => {
    try {
      return readFileSync(target, 'utf8')
    } catch {
      return ''
    }
  })()
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error('src/inputs/input-descriptions.ts is stale: run `npm run descriptions`')
      process.exit(1)
    }
  } else if (current !== text) {
    writeFileSync(target, text)
    console.log('wrote src/inputs/input-descriptions.ts')
  }
}
