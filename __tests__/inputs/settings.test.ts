import { symlinkSync, writeFileSync } from 'node:fs'
import { DEFAULT_SEPARATION_IGNORE } from '../../src/core/separation-ignore-defaults.js'
import { join } from 'node:path'
import { tempDir, writeFiles } from '../helpers/temp-repo.js'
import { InputError } from '../../src/core/errors.js'
import { INPUT_NAMES, type RawInputs } from '../../src/inputs/input-definitions.js'
import { parseSettings } from '../../src/inputs/settings.js'

const REPO = '/srv/repo'
const ENV = { RUNNER_TEMP: '/runner/temp', GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '3' }

/** Settings from the given inputs plus one priority (every run needs one). */
function settings(raw: RawInputs) {
  return parseSettings({ priorities: '65', ...raw }, REPO, ENV)
}

/** The message of the InputError that these inputs are refused with. */
function refusal(raw: RawInputs): string {
  try {
    settings(raw)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).message
  }
  throw new Error(`${JSON.stringify(raw)} was not refused`)
}

describe('parseSettings', () => {
  it('applies the contract defaults when only priorities are given', () => {
    expect(settings({})).toEqual({
      mode: 'run',
      repo: REPO,
      priorities: [65],
      baseBranch: 'roadmap',
      fetchBase: true,
      agentCommand: 'poetry run code-developer --priority={priority}',
      agent: null,
      promptTemplate: '',
      maxCostUsd: null,
      startSpacingMs: 0,
      maxParallel: 2,
      separation: 'waves',
      specsDir: 'docs/architecture/specs',
      roadmapFile: 'docs/roadmap/ROADMAP.md',
      separationIgnore: [...DEFAULT_SEPARATION_IGNORE],
      branchTemplate: 'feature/us-{priority:03d}',
      worktreeDir: '..',
      worktreeFiles: [],
      sparseCheckout: false,
      setupCommand: '',
      taskTimeoutMs: 60 * 60_000,
      maxCpuPercent: 80,
      maxMemoryPercent: 80,
      autoCommit: true,
      merge: true,
      push: false,
      cleanup: true,
      prComment: true,
      checkRun: true,
      prNumber: null,
      githubToken: '',
      logDir: join('/runner/temp', 'parallel-worktree-logs', '42-3'),
      resultsDir: join('/runner/temp', 'parallel-worktree-results'),
      resume: 'auto',
      skipMerged: true,
      logMaxBytes: 64 * 1024 * 1024,
      agentEnvPass: [],
      verifyCommand: '',
      verifyTimeoutMs: 30 * 60_000,
      onConflict: 'rerun',
      resolveCommand: '',
      maxRetries: 0,
      unknownScope: 'wait'
    })
  })

  describe('resume, log-max-mb and agent-env-pass', () => {
    it('reads them', () => {
      expect(
        settings({ resume: 'never', 'log-max-mb': '0.5', 'agent-env-pass': 'GH_TOKEN, MY_KEY\nX' })
      ).toMatchObject({
        resume: 'never',
        logMaxBytes: 512 * 1024,
        agentEnvPass: ['GH_TOKEN', 'MY_KEY', 'X']
      })
    })
    it.each([
      [{ resume: 'always' }, 'resume: "always" is not one of auto, never'],
      [{ 'log-max-mb': '0' }, 'log-max-mb: "0" is not a number'],
      [{ 'log-max-mb': '-1' }, 'log-max-mb: "-1"'],
      [
        { 'agent-env-pass': 'GH_TOKEN $(id)' },
        'agent-env-pass: "$(id)" is not an environment variable name'
      ],
      [{ 'agent-env-pass': 'A=B' }, 'agent-env-pass: "A=B"']
    ] as [RawInputs, string][])('refuses %j', (raw, message) => {
      expect(refusal(raw)).toContain(message)
    })
  })

  it('reads separation-ignore one glob a line, with comments and ! lines; refuses paths outside', () => {
    expect(
      settings({ 'separation-ignore': '# team list\n**/*.md\n\n!docs/api/**\n' }).separationIgnore
    ).toEqual(['**/*.md', '!docs/api/**'])
    expect(settings({ 'separation-ignore': '# none' }).separationIgnore).toEqual([])
    expect(() => settings({ 'separation-ignore': '../secrets/**' })).toThrow(
      /separation-ignore: .* inside the repository/
    )
  })

  it('treats an empty or blank input as its default (a runner passes every input)', () => {
    const blank = Object.fromEntries(INPUT_NAMES.map((name) => [name, '  '])) as RawInputs
    expect(settings({ ...blank, priorities: '65' })).toEqual(settings({}))
  })

  it('trims values', () => {
    expect(settings({ 'max-parallel': ' 3\n', 'base-branch': ' main ' })).toMatchObject({
      maxParallel: 3,
      baseBranch: 'main'
    })
  })

  it('refuses missing priorities', () => {
    expect(() => parseSettings({}, REPO, ENV)).toThrow(/priorities: no priority given/)
  })

  it.each(INPUT_NAMES)('refuses a NUL character in %s, naming the input', (name) => {
    expect(refusal({ [name]: 'a\0b' })).toBe(`${name}: contains a NUL character`)
  })

  describe('mode', () => {
    it.each(['run', 'plan', 'task', 'merge'])('accepts %s', (mode) => {
      expect(settings({ mode }).mode).toBe(mode)
    })
    it.each(['Run', 'deploy', 'run;ls'])('refuses %j, naming it', (mode) => {
      expect(refusal({ mode })).toMatch(new RegExp(`^mode: "${mode}" is not one of`))
    })
  })

  describe('base-branch', () => {
    it.each(['main', 'release/v1.2', 'feature/us-065', 'a_b+c'])('accepts %s', (branch) => {
      expect(settings({ 'base-branch': branch }).baseBranch).toBe(branch)
    })
    it.each(['a..b', '-x', 'a b', 'HEAD', 'x.lock', 'a//b', 'a/', '.x', 'a~1', 'a:b', '$(id)'])(
      'refuses %j, naming it',
      (branch) => {
        expect(refusal({ 'base-branch': branch })).toContain(`base-branch: "${branch}"`)
      }
    )
  })

  describe('agent-command and setup-command', () => {
    it('keeps any shell text: it is run with bash -c on purpose', () => {
      const command = `node agent.mjs --priority={priority} && echo "done; $HOME" | tee log`
      expect(settings({ 'agent-command': command, 'setup-command': 'npm ci' })).toMatchObject({
        agentCommand: command,
        setupCommand: 'npm ci'
      })
    })
  })

  describe('agent, agent-args, prompt-template, max-cost-usd, start-spacing-seconds', () => {
    it('runs the preset, with agent-args in its place', () => {
      expect(settings({ agent: 'claude-code', 'agent-args': '--model sonnet' })).toMatchObject({
        agent: 'claude-code',
        agentCommand:
          'claude -p --output-format stream-json --verbose --permission-mode bypassPermissions --model sonnet < {prompt-file}',
        startSpacingMs: 2000
      })
    })
    it('lets agent-command win; the default agent-command (what a runner passes) is not set', () => {
      expect(
        settings({ agent: 'aider', 'agent-command': 'my-agent {priority}' }).agentCommand
      ).toBe('my-agent {priority}')
      expect(
        settings({
          agent: 'aider',
          'agent-command': 'poetry run code-developer --priority={priority}'
        }).agentCommand
      ).toBe('aider --yes-always --no-check-update --message-file {prompt-file}')
      expect(settings({ 'agent-args': '--verbose' }).agentCommand).toBe(
        'poetry run code-developer --priority={priority} --verbose'
      )
    })
    it('refuses an unknown agent, and agent-args over several lines', () => {
      expect(refusal({ agent: 'gpt' })).toBe(
        'agent: "gpt" is not one of code-developer, claude-code, codex, aider'
      )
      expect(refusal({ 'agent-args': '--a\n--b' })).toContain('agent-args: ')
    })
    it('reads a budget and a spacing', () => {
      expect(settings({ 'max-cost-usd': '2.50', 'start-spacing-seconds': '0.5' })).toMatchObject({
        maxCostUsd: 2.5,
        startSpacingMs: 500
      })
      expect(settings({ agent: 'code-developer' }).startSpacingMs).toBe(0)
      expect(refusal({ 'max-cost-usd': '$5' })).toContain('max-cost-usd: "$5" is not a number')
      expect(refusal({ 'start-spacing-seconds': '-1' })).toContain('start-spacing-seconds')
    })
    it('takes a prompt-template that is a file inside the repository, and refuses others', () => {
      using dir = tempDir()
      const repo = join(dir.path, 'repo')
      writeFiles(repo, { '.github/prompt.md': '{title}\n' })
      writeFileSync(join(dir.path, 'outside.md'), 'x')
      symlinkSync(join(dir.path, 'outside.md'), join(repo, 'link.md'))
      const parse = (path: string) =>
        parseSettings({ priorities: '1', 'prompt-template': path }, repo, ENV)
      expect(parse('./.github/prompt.md').promptTemplate).toBe('.github/prompt.md')
      expect(() => parse('missing.md')).toThrow(/prompt-template: "missing.md" is not a file/)
      expect(() => parse('.github')).toThrow(/is not a file/)
      expect(() => parse('../outside.md')).toThrow(/must be a path inside the repository/)
      expect(() => parse('link.md')).toThrow(/leads outside the repository/)
    })
  })

  describe('max-parallel', () => {
    it.each([
      ['1', 1],
      ['32', 32],
      ['auto', 'auto']
    ])('accepts %s', (text, value) => {
      expect(settings({ 'max-parallel': text }).maxParallel).toBe(value)
    })
    it.each(['0', '33', '-1', '1.5', 'two', 'AUTO', '1e1', '0x2', '99999999999999999999'])(
      'refuses %j, naming it',
      (text) => {
        expect(refusal({ 'max-parallel': text })).toContain(`max-parallel: "${text}"`)
      }
    )
  })

  describe('separation', () => {
    it.each(['strict', 'waves', 'off'])('accepts %s', (separation) => {
      expect(settings({ separation }).separation).toBe(separation)
    })
    it.each(['none', 'Strict', ''.padEnd(500, 'x')])('refuses %j', (separation) => {
      const message = refusal({ separation })
      expect(message).toMatch(/^separation: ".*" is not one of strict, waves, off$/)
      expect(message.length).toBeLessThan(200)
    })
  })

  describe.each(['specs-dir', 'roadmap-file'] as const)('%s', (name) => {
    const field = name === 'specs-dir' ? 'specsDir' : 'roadmapFile'
    it.each([
      ['docs/specs', 'docs/specs'],
      ['./docs/specs/', 'docs/specs'],
      ['docs\\specs', 'docs/specs'],
      ['.github/roadmap.md', '.github/roadmap.md']
    ])('accepts %j as %j', (text, value) => {
      expect(settings({ [name]: text })[field]).toBe(value)
    })
    it.each(['../outside', '/etc/passwd', 'docs/../../x', '..', 'C:\\specs', '..\\x', 'a\nb'])(
      'refuses %j, a path that leaves the repository',
      (text) => {
        expect(refusal({ [name]: text })).toMatch(new RegExp(`^${name}: `))
      }
    )
  })

  describe('branch-template', () => {
    it.each(['feature/us-{priority:03d}', 'p{priority}', 'agents/{priority:5d}/work'])(
      'accepts %s',
      (template) => {
        expect(settings({ 'branch-template': template }).branchTemplate).toBe(template)
      }
    )
    it.each([
      ['feature/same', /no \{priority\} placeholder/],
      ['feature/{prio}', /no \{priority\} placeholder/],
      ['feature/{priority}-{base}', /placeholder other than/],
      ['feat..{priority}', /not a valid branch name/],
      ['feature/{priority}.lock', /not a valid branch name/],
      ['-{priority}', /not a valid branch name/],
      ['a b/{priority}', /not a valid branch name/]
    ])('refuses %j', (template, reason) => {
      const message = refusal({ 'branch-template': template })
      expect(message).toMatch(/^branch-template: /)
      expect(message).toMatch(reason)
    })
  })

  describe('worktree-dir, log-dir and results-dir', () => {
    it('keep the path given', () => {
      expect(
        settings({ 'worktree-dir': '../wt', 'log-dir': '/tmp/logs', 'results-dir': 'results' })
      ).toMatchObject({ worktreeDir: '../wt', logDir: '/tmp/logs', resultsDir: 'results' })
    })
    it.each(['worktree-dir', 'log-dir', 'results-dir'] as const)(
      'refuses a %s of several lines',
      (name) => {
        expect(refusal({ [name]: 'a\nb' })).toMatch(new RegExp(`^${name}: .* spans several lines`))
      }
    )
    it('defaults log-dir to the temp folder when there is no runner', () => {
      const local = parseSettings({ priorities: '1' }, REPO, {})
      // Per user and per run: a temp folder shared by the machine's users holds one each.
      expect(local.logDir).toMatch(/parallel-worktree-[^/]+\/logs\/[^/]+$/)
      expect(local.resultsDir).toMatch(/parallel-worktree-results$/)
    })
  })

  describe('worktree-files', () => {
    it('reads one glob a line, skipping blank lines and comments', () => {
      expect(
        settings({ 'worktree-files': '.env\n\n# secrets\r\nconfig/*.local.json\n  ' }).worktreeFiles
      ).toEqual(['.env', 'config/*.local.json'])
    })
    it.each(['../secrets/.env', '/etc/passwd', 'a/../../b'])(
      'refuses %j, a glob that leaves the repository',
      (glob) => {
        expect(refusal({ 'worktree-files': `.env\n${glob}` })).toContain(
          `worktree-files: "${glob}"`
        )
      }
    )
  })

  describe('task-timeout-minutes', () => {
    it.each([
      ['0', 0],
      ['0.5', 30_000],
      ['60', 3_600_000],
      ['10080', 10080 * 60_000]
    ])('reads %s minutes as %d ms', (text, ms) => {
      expect(settings({ 'task-timeout-minutes': text }).taskTimeoutMs).toBe(ms)
    })
    it.each(['-1', 'abc', '1e3', '10081', 'Infinity', 'NaN', '1,5', '60m'])(
      'refuses %j, naming it',
      (text) => {
        expect(refusal({ 'task-timeout-minutes': text })).toContain(
          `task-timeout-minutes: "${text}"`
        )
      }
    )
  })

  describe.each(['max-cpu-percent', 'max-memory-percent'] as const)('%s', (name) => {
    const field = name === 'max-cpu-percent' ? 'maxCpuPercent' : 'maxMemoryPercent'
    it.each([
      ['1', 1],
      ['50.5', 50.5],
      ['100', 100]
    ])('accepts %s', (text, value) => {
      expect(settings({ [name]: text })[field]).toBe(value)
    })
    it.each(['0', '101', '-5', '80%', 'high'])('refuses %j, naming it', (text) => {
      expect(refusal({ [name]: text })).toContain(`${name}: "${text}" is not a number from 1`)
    })
  })

  describe.each([
    ['auto-commit', 'autoCommit'],
    ['merge', 'merge'],
    ['push', 'push'],
    ['cleanup', 'cleanup'],
    ['pr-comment', 'prComment'],
    ['check-run', 'checkRun']
  ] as const)('%s', (name, field) => {
    it.each([
      ['true', true],
      ['True', true],
      ['TRUE', true],
      ['false', false],
      ['False', false],
      ['FALSE', false]
    ])('reads %s as %s', (text, value) => {
      expect(settings({ [name]: text })[field]).toBe(value)
    })
    it.each(['yes', '1', 'on', 'tru'])('refuses %j, naming it', (text) => {
      expect(refusal({ [name]: text })).toBe(`${name}: "${text}" is not true or false`)
    })
  })

  describe('pr-number', () => {
    it('reads a number, or nothing', () => {
      expect(settings({ 'pr-number': '12' }).prNumber).toBe(12)
      expect(settings({ 'pr-number': ' ' }).prNumber).toBeNull()
    })
    it.each(['#12', '0', '1.5', '-3', '99999999999999999999'])('refuses %j', (text) => {
      expect(refusal({ 'pr-number': text })).toContain(`pr-number: "${text}"`)
    })
  })

  it('keeps github-token as given, trimmed', () => {
    expect(settings({ 'github-token': ' ghs_abc \n' }).githubToken).toBe('ghs_abc')
  })

  it('names the bad priority token before looking at later inputs', () => {
    expect(refusal({ priorities: '65;rm -rf /', 'max-parallel': 'x' })).toContain('"65;rm"')
  })
})
