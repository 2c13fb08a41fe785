import { describe, expect, it } from '@jest/globals'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { cliEnv, faultRepo, script, sourceCliOfThisFile, startCli } from '../faults/harness.js'
import { createRepo, git } from '../helpers/temp-repo.js'

// Agents write what makes git run a command: hooks in the repository's shared hooks folder, a
// versioned hooks folder named by core.hooksPath, core.fsmonitor, a filter driver. Each
// command leaves a marker holding the tokens it saw. The run's own git (auto-commit, merge,
// worktree removal) must run none of them and carry no token; the change to the shared config
// is named in the result's warnings.

const TOKENS = {
  GITHUB_TOKEN: 'ghs_hook_canary_1111111111',
  GH_TOKEN: 'gho_hook_canary_2222222222'
}

const HOOKS = [
  'prepare-commit-msg',
  'pre-commit',
  'commit-msg',
  'post-commit',
  'reference-transaction',
  'post-index-change',
  'pre-push',
  'post-checkout',
  'post-merge',
  'pre-auto-gc'
]

const cli = sourceCliOfThisFile()

/** A command that appends `name` and the tokens it sees to a marker in `markers`. */
function marking(markers: string, name: string): string {
  return `echo "${name} $GITHUB_TOKEN $GH_TOKEN" >> '${markers}/${name}'`
}

/** A script (beside the markers) that marks, then runs `then`. */
function marker(markers: string, name: string, then = 'exit 0'): string {
  return script(join(markers, '..', `${name}.sh`), `${marking(markers, name)}\n${then}`)
}

/** Shell lines writing a hook (that marks, then fails) for every name into `$folder`. */
function hookLines(markers: string): string[] {
  return HOOKS.flatMap((hook) => [
    `printf '%s\\n' '#!/bin/sh' '${marking(markers, hook)}' 'exit 1' > "$folder/${hook}"`,
    `chmod +x "$folder/${hook}"`
  ])
}

interface Attack {
  result: RunResult
  markers: string
  exitCode: number | null
}

/** The CLI runs priority 1 (with push to a local origin) with `agent` lines as its agent. */
async function attack(agentLines: (markers: string) => string[]): Promise<Attack> {
  const repo = faultRepo([1])
  const markers = join(repo.work, 'markers')
  mkdirSync(markers)
  const origin = join(repo.path, 'origin.git')
  git(repo.path, 'init', '-q', '--bare', origin)
  git(repo.repo, 'remote', 'add', 'origin', origin)
  git(repo.repo, 'push', '-q', 'origin', 'roadmap')
  const agent = script(
    join(repo.work, 'agent.sh'),
    [
      'set -e',
      ...agentLines(markers),
      // Work left uncommitted: the run's auto-commit takes it.
      'echo "work of $PRIORITY_ID" > src/file-1.ts'
    ].join('\n')
  )
  const run = startCli(cli.entry, repo, ['run', '1', '--agent-command', agent, '--push', 'true'], {
    ...cliEnv(repo),
    ...TOKENS
  })
  const exitCode = await run.exited
  const result = JSON.parse(run.stdout()) as RunResult
  return { result, markers, exitCode }
}

function markersIn(folder: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(folder).map((name) => [name, readFileSync(join(folder, name), 'utf8')])
  )
}

describe('commands an agent puts in the repository’s config and hooks', () => {
  it('hooks in .git/hooks, core.fsmonitor and a filter driver: none runs in the run’s git, the work is merged and the change is named', async () => {
    const { result, markers, exitCode } = await attack((markers) => [
      'folder=$(git rev-parse --path-format=absolute --git-common-dir)/hooks',
      'mkdir -p "$folder"',
      ...hookLines(markers),
      `git config core.fsmonitor '${marker(markers, 'fsmonitor')}'`,
      `git config filter.evil.clean '${marker(markers, 'clean-filter', 'cat')}'`,
      `git config filter.evil.smudge '${marker(markers, 'smudge-filter', 'cat')}'`,
      'echo "* filter=evil" > .gitattributes'
    ])
    expect(markersIn(markers)).toEqual({})
    expect(exitCode).toBe(0)
    // A failing prepare-commit-msg hook did not stop the auto-commit: the work is merged.
    expect(result.tasks[0]).toMatchObject({ status: 'completed', merge: 'merged' })
    const warning = result.warnings.find((line) => line.includes('shared config'))
    expect(warning).toMatch(/core\.fsmonitor \(added\)/)
    expect(warning).toMatch(/filter\.evil\.clean \(added\)/)
  })

  it('a versioned hooks folder named by core.hooksPath: none of its hooks runs', async () => {
    const { result, markers, exitCode } = await attack((markers) => [
      'folder=.githooks',
      'mkdir -p "$folder"',
      ...hookLines(markers),
      'git config core.hooksPath .githooks'
    ])
    expect(markersIn(markers)).toEqual({})
    expect(exitCode).toBe(0)
    expect(result.tasks[0]).toMatchObject({ status: 'completed', merge: 'merged' })
    expect(result.warnings.join('\n')).toMatch(/core\.hookspath \(added\)/)
  })
})

describe('the run’s own git processes', () => {
  it('carry no GITHUB_TOKEN or GH_TOKEN, even into a filter the user configured', async () => {
    using repo = createRepo({ 'a.txt': 'a\n', '.gitattributes': '* filter=user\n' })
    const marker = join(repo.path, 'filter-saw')
    // The user's own filter, there before the run: it runs, without the tokens.
    git(
      repo.repo,
      'config',
      'filter.user.smudge',
      `sh -c 'echo "$GITHUB_TOKEN $GH_TOKEN" >> ${marker}; cat'`
    )
    const manager = new GitCommandManager(repo.repo, { ...process.env, ...TOKENS })
    await manager.createBranch('p1', 'HEAD')
    const worktree = join(repo.path, 'wt')
    await manager.addWorktree(worktree, 'p1', 'test')
    await manager.at(worktree).resetHard()
    expect(readFileSync(marker, 'utf8').trim()).toBe('')
  })

  it('run a filter of the user’s as it was at the start, whatever an agent changed it to', async () => {
    using repo = createRepo({ 'a.txt': 'a\n', '.gitattributes': '* filter=user\n' })
    const user = join(repo.path, 'user-filter-ran')
    const agent = join(repo.path, 'agent-filter-ran')
    git(repo.repo, 'config', 'filter.user.smudge', `sh -c 'touch ${user}; cat'`)
    const manager = new GitCommandManager(repo.repo)
    await manager.version() // the run starts: its config is read
    git(repo.repo, 'config', 'filter.user.smudge', `sh -c 'touch ${agent}; cat'`)
    await manager.createBranch('p1', 'HEAD')
    const worktree = join(repo.path, 'wt')
    await manager.addWorktree(worktree, 'p1', 'test')
    await manager.at(worktree).resetHard()
    expect([existsSync(user), existsSync(agent)]).toEqual([true, false])
    expect(await manager.sharedConfigChanges()).toEqual(['filter.user.smudge (changed)'])
  })

  it('merge with the three-way merge, not a merge driver set after the run started', async () => {
    using repo = createRepo({ 'f.txt': 'a\nb\nc\n', '.gitattributes': '* merge=evil\n' })
    const manager = new GitCommandManager(repo.repo)
    await manager.version() // the run starts: its config is read
    git(repo.repo, 'checkout', '-q', '-b', 'side')
    writeFileSync(join(repo.repo, 'f.txt'), 'A\nb\nc\n')
    git(repo.repo, 'commit', '-qam', 'side')
    git(repo.repo, 'checkout', '-q', 'roadmap')
    writeFileSync(join(repo.repo, 'f.txt'), 'a\nb\nC\n')
    git(repo.repo, 'commit', '-qam', 'base')
    const marker = join(repo.path, 'driver-ran')
    const driver = script(join(repo.path, 'driver.sh'), `touch ${marker}; exit 0`)
    git(repo.repo, 'config', 'merge.evil.driver', driver)
    const merged = await manager.mergeTree('roadmap', 'side')
    expect(merged.clean).toBe(true)
    const tree = merged.output.split('\0')[0]
    expect(git(repo.repo, 'cat-file', 'blob', `${tree}:f.txt`)).toBe('A\nb\nC')
    expect(() => readFileSync(marker)).toThrow()
  })
})
