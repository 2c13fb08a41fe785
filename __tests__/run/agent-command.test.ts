import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  agentVariables,
  commandShell,
  renderAgentCommand,
  shellQuote
} from '../../src/run/agent-command.js'
import { agentEnvironment } from '../../src/run/agent-env.js'

/** The words a rendered command hands its program, as bash parses it (a real shell). */
function argv(template: string, worktree: string): string[] {
  const values = { priority: 7, branch: 'feature/us-007', worktree, base: 'roadmap' }
  const command = renderAgentCommand(
    template.replace('ARGS', 'node -e "console.log(JSON.stringify(process.argv.slice(1)))" --'),
    values
  )
  return JSON.parse(
    execFileSync(commandShell(), ['-c', command], {
      encoding: 'utf8',
      env: { ...process.env, ...agentVariables(values) }
    })
  ) as string[]
}

describe('the agent command', () => {
  test('{prompt-file} stands for PROMPT_FILE; PROMPT_FILE and USAGE_FILE carry the paths', () => {
    const values = {
      priority: 7,
      branch: 'feature/us-007',
      worktree: '/srv/repo-wt7',
      base: 'roadmap',
      promptFile: '/tmp/run logs/priority-7.prompt.md',
      usageFile: '/tmp/run logs/priority-7.usage.json'
    }
    expect(renderAgentCommand('claude -p < {prompt-file}', values)).toBe(
      'claude -p < "${PROMPT_FILE}"'
    )
    expect(agentVariables(values)).toMatchObject({
      PROMPT_FILE: values.promptFile,
      USAGE_FILE: values.usageFile
    })
  })

  const hard = `/tmp/my "odd" dir/it's $HOME \`x\` \\ end`

  test('placeholders become the values, bare where they need no quoting', () => {
    expect(
      renderAgentCommand('run --priority={priority} --branch={branch} --base={base} {worktree}', {
        priority: 7,
        branch: 'feature/us-007',
        worktree: '/srv/repo-wt7',
        base: 'roadmap'
      })
    ).toBe('run --priority=7 --branch=feature/us-007 --base=roadmap /srv/repo-wt7')
  })

  test('a value reaches the program whole, outside quotes, in single quotes and in double quotes', () => {
    expect(argv('ARGS {worktree} --priority={priority}', hard)).toEqual([hard, '--priority=7'])
    expect(argv(`ARGS '--in={worktree}' "--b={branch}"`, hard)).toEqual([
      '--in="${WORKTREE_PATH}"',
      '--b=feature/us-007'
    ])
    expect(argv(`ARGS "$(bash -c 'printf %s {worktree}')" '{branch}'`, hard)).toEqual([
      hard,
      'feature/us-007'
    ])
    expect(argv('ARGS "--in={worktree}!"', hard)).toEqual([`--in=${hard}!`])
    expect(argv('ARGS \\"{worktree}', '/a b')).toEqual(['"/a b'])
  })

  test('a value with shell syntax becomes a reference to its variable, never the value itself', () => {
    const values = { priority: 7, branch: 'b', worktree: '/w $(id)', base: 'r' }
    expect(renderAgentCommand(`a {worktree} "{worktree}" '{worktree}'`, values)).toBe(
      `a "\${WORKTREE_PATH}" "\${WORKTREE_PATH}" '"\${WORKTREE_PATH}"'`
    )
    expect(renderAgentCommand(`cat <<EOF\n{worktree} {branch}\nEOF\necho {worktree}`, values)).toBe(
      `cat <<EOF\n\${WORKTREE_PATH} b\nEOF\necho "\${WORKTREE_PATH}"`
    )
    expect(renderAgentCommand(`bash <<-'X'\n\t{worktree}\n\tX\n`, values)).toBe(
      `bash <<-'X'\n\t"\${WORKTREE_PATH}"\n\tX\n`
    )
    expect(renderAgentCommand(`cat <<<{worktree}`, values)).toBe(`cat <<<"\${WORKTREE_PATH}"`)
  })

  test('in a heredoc, under eval and in a nested shell, a value full of shell syntax is only data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-placeholders-'))
    try {
      const worktree = join(
        dir,
        'wt $(touch PWNED1) `touch PWNED2` ;touch PWNED3; \'q\' "d" \\ $HOME'
      )
      const values = { priority: 7, branch: 'feature/us-007', worktree, base: 'roadmap' }
      const template = [
        'cat <<EOF',
        'unquoted heredoc: {worktree}',
        'EOF',
        "bash <<'EOF'",
        "printf 'quoted heredoc: %s\\n' {worktree}",
        'EOF',
        'eval \'printf "eval: %s\\n" {worktree}\'',
        'eval printf "\\"eval2: %s\\\\n\\"" "{branch}"',
        'bash -c \'printf "nested: %s\\n" {worktree}\'',
        'printf "double: %s\\n" "{worktree}"'
      ].join('\n')
      const output = execFileSync(commandShell(), ['-c', renderAgentCommand(template, values)], {
        encoding: 'utf8',
        cwd: dir,
        env: { ...process.env, ...agentVariables(values) }
      })
      expect(output.split('\n')).toEqual([
        `unquoted heredoc: ${worktree}`,
        `quoted heredoc: ${worktree}`,
        `eval: ${worktree}`,
        'eval2: feature/us-007',
        `nested: ${worktree}`,
        `double: ${worktree}`,
        ''
      ])
      expect(readdirSync(dir).filter((name) => name.startsWith('PWNED'))).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('other braces are left as written', () => {
    const values = { priority: 1, branch: 'b', worktree: '/w', base: 'r' }
    expect(renderAgentCommand('echo ${HOME} {other} {priority:03d} {priority}', values)).toBe(
      'echo ${HOME} {other} {priority:03d} 1'
    )
  })

  test('shellQuote survives single quotes', () => {
    expect(
      execFileSync(commandShell(), ['-c', `printf %s ${shellQuote("it's")}`], { encoding: 'utf8' })
    ).toBe("it's")
  })

  test('the same values go into the environment', () => {
    expect(
      agentVariables({ priority: 7, branch: 'feature/us-007', worktree: '/w', base: 'roadmap' })
    ).toEqual({
      PRIORITY_ID: '7',
      BRANCH_NAME: 'feature/us-007',
      WORKTREE_PATH: '/w',
      BASE_BRANCH: 'roadmap'
    })
  })
})

describe('the agent environment', () => {
  const token = 'ghs_abcdefghijklmnop1234'
  const parent = {
    PATH: '/usr/bin',
    'INPUT_GITHUB-TOKEN': token,
    input_lower: 'x',
    ACTIONS_RUNTIME_TOKEN: 'rt',
    ACTIONS_CACHE_URL: 'https://cache',
    GH_TOKEN: token,
    NOTE: `contains ${token} inside`,
    GITHUB_STATE: '/tmp/state',
    GITHUB_OUTPUT: '/tmp/out',
    GITHUB_ENV: '/tmp/env',
    GITHUB_PATH: '/tmp/path',
    GITHUB_STEP_SUMMARY: '/tmp/summary',
    GITHUB_REPOSITORY: 'o/r',
    GIT_DIR: '/x/.git',
    PRIORITY_ID: 'stale',
    UNSET: undefined
  }

  test('withholds inputs, runtime variables, the token wherever it is, command files and git redirections', () => {
    const env = agentEnvironment(parent, token, { PRIORITY_ID: '3' })
    expect(env).toEqual({
      PATH: '/usr/bin',
      GITHUB_REPOSITORY: 'o/r',
      PRIORITY_ID: '3'
    })
  })

  test('a short "token" withholds only variables equal to it', () => {
    const env = agentEnvironment({ A: 'abc', B: 'xabcx' }, 'abc', {})
    expect(env).toEqual({ B: 'xabcx' })
  })

  test('no token: nothing is withheld for it', () => {
    expect(agentEnvironment({ A: '' }, '', {})).toEqual({ A: '' })
  })
})
