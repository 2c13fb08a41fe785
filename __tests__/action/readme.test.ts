import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

// What a newcomer reads first, checked against what is true: the README's quick start and
// Inputs table, and that the example workflows run as written.

interface Step {
  id?: string
  name?: string
  uses?: string
  run?: string
  with?: Record<string, string>
  env?: Record<string, string>
}
interface Job {
  steps?: Step[]
  needs?: string | string[]
  if?: string
  strategy?: { matrix?: unknown }
}

const readme = readFileSync('README.md', 'utf8')
const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>
}

/** The text of the README section under a `## ` heading. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`)
  expect(start).toBeGreaterThan(-1)
  const end = readme.indexOf('\n## ', start + 1)
  return readme.slice(start, end === -1 ? undefined : end)
}

/** The rows of the first Markdown table of a text: cells without their padding. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim())
    )
}

describe('the README', () => {
  it('keeps the quick start to two commands', () => {
    const block = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
    const commands = block
      .split('\n')
      .filter(Boolean)
      .map((line) => line.replace(/\s+#.*$/, ''))
    expect(commands).toEqual(['npm ci && npm run demo', 'npm ci && npm test'])
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: object })
      .scripts
    expect(scripts).toHaveProperty('demo')
    expect(scripts).toHaveProperty('test')
  })

  it("lists every input of action.yml in its Inputs table, and no other, with action.yml's default", () => {
    const rows = tableRows(section('Inputs'))
    const names = rows.map((row) => row[0].replace(/`/g, ''))
    const declared = Object.keys(action.inputs)
    const missing = declared.filter((name) => !names.includes(name))
    const extra = names.filter((name) => !declared.includes(name))
    expect({ missing, extra }).toEqual({ missing: [], extra: [] })
    for (const [name, defaultCell] of rows.map((row) => [row[0].replace(/`/g, ''), row[1]])) {
      const input = action.inputs[name]
      if (input.required) expect(defaultCell).toBe('required')
      else if (input.default?.includes('\n')) {
        // A list (separation-ignore) cannot sit in a cell: the README shows each of its lines.
        for (const line of input.default.split('\n')) expect(readme).toContain(line)
      } else if (input.default) expect(defaultCell).toContain(`\`${input.default}\``)
    }
  })

  it('says what org/ in org/parallel-worktree@v1 stands for', () => {
    expect(readme).toMatch(/`org\/parallel-worktree@v1` stands for the GitHub owner/)
  })

  it('names an install path for the CLI that .ci/run checks', () => {
    const commandLine = section('Command line')
    expect(commandLine).toContain('npm ci && npm pack')
    expect(commandLine).toContain('npm install -g ./parallel-worktree-*.tgz')
    const ci = readFileSync('.ci/run', 'utf8')
    expect(ci).toMatch(/npm pack .*--pack-destination/)
    expect(ci).toMatch(/npm install -g --prefix .*parallel-worktree-\*\.tgz/)
    expect(ci).toMatch(/parallel-worktree" --version/)
    expect(ci).toMatch(/parallel-worktree" --help/)
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      bin: Record<string, string>
      files: string[]
    }
    expect(pkg.bin['parallel-worktree']).toBe('dist/cli/index.js')
    expect(pkg.files).toContain('dist')
  })
})

/** Every workflow a newcomer may copy: the examples and the README's own. */
function workflows(): [string, Record<string, Job>][] {
  const files = readdirSync('examples/workflows')
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name): [string, Record<string, Job>] => [
      `examples/workflows/${name}`,
      (parse(readFileSync(`examples/workflows/${name}`, 'utf8')) as { jobs: Record<string, Job> })
        .jobs
    ])
  const inReadme = /```yaml\n(name: [\s\S]*?)```/.exec(readme)?.[1]
  expect(inReadme).toBeDefined()
  return [...files, ['README.md', (parse(inReadme!) as { jobs: Record<string, Job> }).jobs]]
}

const isThisAction = (step: Step): boolean => /(^|\/)parallel-worktree@/.test(step.uses ?? '')
const DEFAULT_AGENT = 'poetry run code-developer --priority={priority}'

describe('the example workflows', () => {
  it.each(workflows())(
    '%s: install Poetry before an agent that uses it, and its dependencies in each worktree (setup-command)',
    (_file, jobs) => {
      for (const [name, job] of Object.entries(jobs)) {
        const steps = job.steps ?? []
        steps.forEach((step, index) => {
          if (!isThisAction(step)) return
          const mode = step.with?.mode ?? 'run'
          if (mode !== 'run' && mode !== 'task') return
          // A preset other than code-developer runs its own CLI, not Poetry.
          const preset = step.with?.agent ?? ''
          const agent =
            step.with?.['agent-command'] ??
            (preset && preset !== 'code-developer' ? preset : DEFAULT_AGENT)
          if (!agent.startsWith('poetry ')) return
          const before = steps.slice(0, index).map((earlier) => earlier.run ?? '')
          expect({
            job: name,
            poetry: before.some((run) => /pipx install poetry/.test(run))
          }).toEqual({ job: name, poetry: true })
          const setup = step.with?.['setup-command'] ?? ''
          expect({ job: name, setup: /^poetry install/.test(setup) }).toEqual({
            job: name,
            setup: true
          })
        })
      }
    }
  )

  it.each(workflows())('%s: keeps the logs as the artifact the summary names', (_file, jobs) => {
    for (const job of Object.values(jobs)) {
      const steps = job.steps ?? []
      const runs = steps.filter(
        (step) => isThisAction(step) && ['run', 'task'].includes(step.with?.mode ?? 'run')
      )
      const mode = runs.map((step) => step.with?.mode ?? 'run')
      if (!mode.includes('run')) continue
      const upload = steps.find(
        (step) =>
          step.uses?.startsWith('actions/upload-artifact@') &&
          (step.with?.path ?? '').includes('outputs.log-dir')
      )
      expect(upload?.with?.name).toBe('parallel-worktree-logs')
    }
  })

  describe('fan-out.yml', () => {
    const jobs = (
      parse(readFileSync('examples/workflows/fan-out.yml', 'utf8')) as { jobs: Record<string, Job> }
    ).jobs
    const laterStep = jobs.plan.steps!.find((step) => step.id === 'later')!

    /** What the plan job's `later` step outputs for these waves, run as a runner runs it. */
    function laterPriorities(waves: number[][]): string {
      const dir = mkdtempSync(join(tmpdir(), 'pw-fanout-'))
      try {
        const output = join(dir, 'output')
        execFileSync('bash', ['-e', '-c', laterStep.run!], {
          env: { PATH: process.env.PATH, WAVES: JSON.stringify(waves), GITHUB_OUTPUT: output }
        })
        const line = readFileSync(output, 'utf8').trim()
        expect(line).toMatch(/^priorities=/)
        return line.slice('priorities='.length)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }

    it.each([1, 2, 3, 4, 7])(
      'runs every priority of a plan with %i wave(s), each once',
      (count) => {
        const waves = Array.from({ length: count }, (_, index) => [10 * index + 1, 10 * index + 2])
        const ran = [
          ...(waves[0] ?? []), // wave-1: matrix-wave-1
          ...(waves[1] ?? []), // wave-2: matrix-wave-2
          ...laterPriorities(waves).split(',').filter(Boolean).map(Number) // later-waves: run mode on one runner
        ]
        expect(ran.sort((a, b) => a - b)).toEqual(waves.flat().sort((a, b) => a - b))
      }
    )

    it('runs the later waves after wave 2 is merged, in run mode, from the plan job', () => {
      const later = jobs['later-waves']
      expect(later.needs).toEqual(['plan', 'merge-2'])
      expect(later.if).toContain("needs.plan.outputs.later != ''")
      const step = later.steps!.find(isThisAction)!
      expect(step.with?.priorities).toBe('${{ needs.plan.outputs.later }}')
      expect(step.with?.mode ?? 'run').toBe('run')
      expect(jobs.plan.steps!.find((s) => s.id === 'later')!.env?.WAVES).toBe(
        '${{ steps.plan.outputs.waves }}'
      )
    })
  })
})
