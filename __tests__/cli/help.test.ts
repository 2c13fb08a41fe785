import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { InputError } from '../../src/core/errors.js'
import { parseCliArguments } from '../../src/cli/args.js'
import { firstSentence, usage } from '../../src/cli/help.js'
import { packageVersion } from '../../src/cli/package-version.js'
import { closestWord, editDistance } from '../../src/cli/suggest.js'
import { INPUT_NAMES } from '../../src/inputs/input-definitions.js'
import { INPUT_DESCRIPTIONS } from '../../src/inputs/input-descriptions.js'

const root = process.cwd()
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { description: string }>
}

function refusal(...argv: string[]): string {
  try {
    parseCliArguments(argv, root)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error(`${JSON.stringify(argv)} was not refused`)
}

describe('--help', () => {
  it('src/inputs/input-descriptions.ts is the one generated from action.yml (npm run descriptions)', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/input-descriptions.mjs', '--check'], {
        cwd: root,
        stdio: 'pipe'
      })
    ).not.toThrow()
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(INPUT_DESCRIPTIONS[name]).toBe(input.description.trim())
    }
  })

  it.each(INPUT_NAMES.filter((name) => name !== 'mode'))(
    'has one line for --%s with the first sentence of its action.yml description',
    (name) => {
      // An option's entry: its line, and the lines that continue it under its description.
      const entries = usage()
        .replace(/\n {26}/g, ' ')
        .split('\n')
        .filter((line) => new RegExp(`^  --(\\[no-\\])?${name} `).test(line))
      expect(entries).toHaveLength(1)
      expect(entries[0]).toContain(firstSentence(action.inputs[name].description))
    }
  )

  it('reads the words a user needs for the common options', () => {
    const help = usage().replace(/\n {26}/g, ' ')
    expect(help).toMatch(
      /--max-parallel +Agents running at once, 1 to 32, or auto \(from CPU cores and available memory\)\. \[default: 2\]/
    )
    expect(help).toMatch(/--\[no-\]push +Push base-branch, .* \[default: false\]/)
    expect(help).toMatch(/--version +Print the version/)
  })

  it('fits a terminal: no line longer than 100 characters', () => {
    for (const line of usage().split('\n')) expect(line.length).toBeLessThanOrEqual(100)
  })

  it('takes the first sentence, not a cut at a full stop inside a word', () => {
    expect(firstSentence('Globs of files (such as .env) to copy. More here.')).toBe(
      'Globs of files (such as .env) to copy.'
    )
    expect(firstSentence('No full stop')).toBe('No full stop')
  })
})

describe('--version', () => {
  it("is package.json's version", () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version: string
    }
    expect(packageVersion()).toBe(version)
  })
})

describe('did you mean', () => {
  it('suggests the flag meant by a typo', () => {
    expect(refusal('run', '1', '--max-paralel', '3')).toBe(
      '--max-paralel is not an option. Did you mean --max-parallel? (parallel-worktree --help lists them all)'
    )
    expect(refusal('run', '1', '--agnet-command', 'x')).toContain('Did you mean --agent-command?')
    expect(refusal('run', '1', '--no-pus')).toContain('Did you mean --no-push?')
    expect(refusal('run', '1', '--log-d')).toContain('Did you mean --log-dir?')
  })

  it('suggests a mode', () => {
    expect(refusal('plna', '1')).toBe(
      '"plna" is not a mode: use one of run, plan, task, merge, status, clean. Did you mean plan?'
    )
  })

  it('suggests nothing when no flag is close', () => {
    const message = refusal('run', '1', '--frobnicate')
    expect(message).toBe('--frobnicate is not an option. (parallel-worktree --help lists them all)')
  })

  it('measures swaps as one edit', () => {
    expect(editDistance('paralel', 'parallel')).toBe(1)
    expect(editDistance('ab', 'ba')).toBe(1)
    expect(closestWord('jsno', ['json', 'repo'])).toBe('json')
  })
})
