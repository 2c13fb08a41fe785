import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { branchNameProblem } from '../../src/git/ref-names.js'
import { commandShell, renderAgentCommand } from '../../src/run/agent-command.js'
import { git } from '../helpers/temp-repo.js'
import { AGENT, faultRepo, runEngine, statuses } from '../faults/harness.js'

// The agent command's placeholders fed hostile values. {priority} is a number; {branch} and
// {base} are branch names, which cannot carry shell syntax (proved below: every character
// they may hold means nothing to a shell); {worktree} is a path, which may hold anything a
// folder name can: it becomes a reference to $WORKTREE_PATH written for where it stands,
// and a real run proves it.

describe('a branch name cannot carry shell syntax', () => {
  const characters = Array.from({ length: 0x24f }, (_, code) => String.fromCharCode(code + 1))
  const allowed = characters.filter((char) => branchNameProblem(`a${char}b`) === null)

  it('only letters, digits and . _ / + - are accepted in a branch name', () => {
    expect(allowed.join('')).toBe(
      '+-./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz'
    )
  })

  it('each of them reaches the agent as written, with no quoting, in every quoting context', () => {
    const branch = `x${allowed.join('')}y` // one name with them all, which git accepts too
    expect(branchNameProblem(branch)).toBeNull()
    expect(
      execFileSync('git', ['check-ref-format', '--branch', branch], { encoding: 'utf8' })
    ).toBe(`${branch}\n`)
    const template = `printf '%s\\n' {branch} '{branch}' "{branch}" --b={base}`
    const command = renderAgentCommand(template, {
      priority: 1,
      branch,
      worktree: '/w',
      base: branch
    })
    expect(command).toBe(`printf '%s\\n' ${branch} '${branch}' "${branch}" --b=${branch}`)
    const words = execFileSync(commandShell(), ['-c', command], { encoding: 'utf8' })
    expect(words.split('\n').slice(0, 4)).toEqual([branch, branch, branch, `--b=${branch}`])
  })
})

describe('a worktree path full of shell syntax', () => {
  it('reaches the setup command and the agent whole in every quoting context, heredocs and eval included; nothing it holds runs', async () => {
    using repo = faultRepo([1])
    const hostile = `wt $(touch PWNED1) \`touch PWNED2\` ;touch PWNED3; 'q' "d" \\ & | < > * ? ~ $HOME !x`
    const seen = join(repo.work, 'seen')
    // Outside quotes, in double quotes, nested in single quotes (a later shell, eval), in a
    // heredoc and in a quoted heredoc fed to a shell.
    const show = [
      `{ printf '%s\\n' {worktree} "{worktree}" "$WORKTREE_PATH"`,
      `bash -c 'printf "%s\\n" {worktree}'; eval 'printf "%s\\n" {worktree}'`,
      `cat <<EOF\n{worktree}\nEOF\nbash <<'EOF'\nprintf '%s\\n' {worktree}\nEOF\n}`
    ].join('; ')
    const { result } = await runEngine(
      repo,
      {
        priorities: '1',
        'worktree-dir': `../${hostile}`,
        'setup-command': `${show} > ${seen}-setup`,
        'agent-command': `${show} > ${seen}-agent && node ${AGENT} --priority={priority}`
      },
      { env: { PATH: process.env.PATH, HOME: process.env.HOME } }
    )

    expect(statuses(result)).toEqual({ 1: 'completed' })
    const worktree = result.tasks[0].worktree
    expect(worktree).toBe(join(repo.path, hostile, 'repo-wt1'))
    for (const file of [`${seen}-setup`, `${seen}-agent`]) {
      expect(readFileSync(file, 'utf8')).toBe(`${worktree}\n`.repeat(7))
    }
    expect(git(repo.repo, 'show', 'roadmap:src/file-1.ts')).toContain('priority 1')
    const planted = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.name.startsWith('PWNED')
          ? [join(dir, entry.name)]
          : entry.isDirectory() && entry.name !== '.git'
            ? planted(join(dir, entry.name))
            : []
      )
    expect(planted(repo.path)).toEqual([])
    expect(existsSync(join(process.cwd(), 'PWNED1'))).toBe(false)
  })
})
