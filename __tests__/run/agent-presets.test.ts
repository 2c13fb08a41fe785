import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { runStage, settingsFor } from './run-helpers.js'
import { installStandIns } from './stand-in-clis.js'
import { promptFilePath } from '../../src/run/agent-prompt.js'
import type { RawInputs } from '../../src/inputs/input-definitions.js'
import { AGENT_PRESETS, AGENT_PRESET_NAMES } from '../../src/inputs/agent-presets.js'

// The stand-ins follow the documented formats named in stand-ins/agent-cli.mjs: Claude Code
// 2.x print mode (json / stream-json result object), Codex CLI `exec --json` events (0.4x+),
// Aider's scripting mode (--message-file, --yes-always) and the seed's code-developer.

const SPEC_TEXT = 'Recipes are stored as YAML; each has a name, a list of steps and a yield.'

/** Priority 1 ("Recipes") with a spec naming two files, and priority 2 on its own file. */
function recipesRepo(): Record<string, string> {
  const files = roadmapFiles({
    1: { title: 'Recipes', files: ['src/feature-1.ts', 'src/recipes.ts'] },
    2: { title: 'Shopping list', files: ['src/feature-2.ts'] }
  })
  files['docs/architecture/specs/SPEC-001-feature-1.md'] += `\n## Behaviour\n\n${SPEC_TEXT}\n`
  return files
}

async function runPreset(inputs: RawInputs, extraEnv: Record<string, string> = {}) {
  const dir = createRepo(recipesRepo())
  const standIns = installStandIns(dir.path)
  const settings = settingsFor(dir.repo, { priorities: '1', ...inputs })
  const run = await runStage(settings, { env: standIns.env(extraEnv) })
  return { dir, standIns, settings, ...run }
}

describe('agent presets run the CLI as documented, with the prompt file', () => {
  test.each([
    [
      'claude-code',
      'claude',
      [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        '--permission-mode',
        'bypassPermissions'
      ]
    ],
    ['codex', 'codex', ['exec', '--json', '--sandbox', 'workspace-write', '-']],
    ['aider', 'aider', ['--yes-always', '--no-check-update', '--message-file', 'PROMPT']],
    ['code-developer', 'poetry', ['run', 'code-developer', '--priority=1']]
  ])('%s runs %s %j', async (preset, cli, expectedArgs) => {
    const run = await runPreset({ agent: preset })
    using _dir = run.dir
    const task = run.byPriority(1)
    expect(task).toMatchObject({ status: 'completed', merge: 'merged' })
    const calls = run.standIns.calls()
    expect(calls).toHaveLength(1)
    const [call] = calls
    const promptFile = promptFilePath(run.settings.logDir, 1)
    expect(call.cli).toBe(cli)
    expect(call.args).toEqual(expectedArgs.map((arg) => (arg === 'PROMPT' ? promptFile : arg)))
    expect(call.cwd).toBe(task.worktree)
    expect(call.env.PROMPT_FILE).toBe(promptFile)
    // What the CLI read (stdin, or the message file) is the prompt file.
    const prompt = readFileSync(promptFile, 'utf8')
    if (cli !== 'poetry') expect(call.prompt).toBe(prompt)
    expect(run.logger.text()).toContain(`[1] agent: ${run.settings.agentCommand.split(' ')[0]}`)
    // The prompt file is beside the log, never in the worktree or on the branch.
    expect(promptFile.startsWith(run.settings.logDir)).toBe(true)
    expect(git(run.dir.repo, 'ls-tree', '-r', '--name-only', 'roadmap')).not.toMatch(/prompt/)
  })

  test('the prompt holds the title, the spec text, the files, the base and the rules', async () => {
    const run = await runPreset({ agent: 'claude-code' })
    using _dir = run.dir
    const task = run.byPriority(1)
    const prompt = readFileSync(promptFilePath(run.settings.logDir, 1), 'utf8')
    expect(prompt).toMatch(/^# PRIORITY 1: US-1 - Recipes\n/)
    expect(prompt).toContain('## Spec: docs/architecture/specs/SPEC-001-feature-1.md')
    expect(prompt).toContain(SPEC_TEXT)
    expect(prompt).toContain('- src/feature-1.ts\n- src/recipes.ts')
    expect(prompt).toContain(`Work only inside this worktree: ${task.worktree}`)
    expect(prompt).toContain(`Commit your work on the branch ${task.branch}`)
    expect(prompt).toContain('The base branch is roadmap')
    expect(prompt).toContain('Done means:')
    // Priority 2's spec is not in priority 1's prompt.
    expect(prompt).not.toContain('Shopping list')
  })

  test('agent-args go before the stdin redirect, so the CLI gets them as flags', async () => {
    const run = await runPreset({ agent: 'codex', 'agent-args': '--model gpt-5-codex' })
    using _dir = run.dir
    expect(run.settings.agentCommand).toBe(
      'codex exec --json --sandbox workspace-write --model gpt-5-codex - < {prompt-file}'
    )
    expect(run.standIns.calls()[0].args).toEqual([
      'exec',
      '--json',
      '--sandbox',
      'workspace-write',
      '--model',
      'gpt-5-codex',
      '-'
    ])
    expect(run.byPriority(1).status).toBe('completed')
  })

  test('agent-command, when set, wins over agent; {prompt-file} is its placeholder', async () => {
    const run = await runPreset({
      agent: 'codex',
      'agent-command': 'aider --message-file {prompt-file} --yes-always'
    })
    using _dir = run.dir
    const [call] = run.standIns.calls()
    expect(call.cli).toBe('aider')
    expect(call.args).toEqual([
      '--message-file',
      promptFilePath(run.settings.logDir, 1),
      '--yes-always'
    ])
    expect(call.prompt).toContain(SPEC_TEXT)
  })

  test('prompt-template: a repository file with the same placeholders replaces the prompt', async () => {
    const files = recipesRepo()
    files['.github/agent-prompt.md'] =
      'Do {title} ({priority}) on {branch} from {base} in {worktree}.\nFiles:\n{files}\n{spec}\nRules:\n{rules}\n'
    using dir = createRepo(files)
    const standIns = installStandIns(dir.path)
    const settings = settingsFor(dir.repo, {
      priorities: '1',
      agent: 'claude-code',
      'prompt-template': '.github/agent-prompt.md'
    })
    const { byPriority } = await runStage(settings, { env: standIns.env() })
    const task = byPriority(1)
    const [call] = standIns.calls()
    expect(call.prompt).toMatch(
      new RegExp(
        `^Do PRIORITY 1: US-1 - Recipes \\(1\\) on ${task.branch} from roadmap in ${task.worktree}\\.\\nFiles:\\n- src/feature-1\\.ts\\n- src/recipes\\.ts\\n## Spec: `
      )
    )
    expect(call.prompt).toContain(SPEC_TEXT)
    expect(call.prompt).toContain('Rules:\n- Work only inside this worktree')
  })

  test('the step env reaches the CLI (its API key); the github-token does not', async () => {
    const token = 'ghs_0123456789abcdefghijklmnopqrstuvwxyz'
    const run = await runPreset(
      { agent: 'claude-code', 'github-token': token },
      {
        ANTHROPIC_API_KEY: 'sk-ant-test-key',
        GITHUB_TOKEN: token,
        'INPUT_GITHUB-TOKEN': token
      }
    )
    using _dir = run.dir
    expect(run.standIns.calls()[0].env).toMatchObject({
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      GITHUB_TOKEN: null,
      INPUT_GITHUB_TOKEN: null
    })
  })

  test('with neither agent nor agent-command, the seed code-developer runs', async () => {
    const run = await runPreset({})
    using _dir = run.dir
    expect(run.settings.agentCommand).toBe('poetry run code-developer --priority={priority}')
    expect(run.standIns.calls()[0]).toMatchObject({
      cli: 'poetry',
      args: ['run', 'code-developer', '--priority=1']
    })
    // The prompt file is there for it too.
    expect(existsSync(join(run.settings.logDir, 'priority-1.prompt.md'))).toBe(true)
  })
})

test('the README writes down the exact command line of every preset', () => {
  const readme = readFileSync('README.md', 'utf8')
  for (const name of AGENT_PRESET_NAMES) {
    const line = AGENT_PRESETS[name].command.replace('{args}', ' …')
    expect({ name, documented: readme.includes(`\`${line}\``) }).toEqual({
      name,
      documented: true
    })
  }
})
