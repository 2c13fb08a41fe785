import { describe, expect, it } from '@jest/globals'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import { BOT_IDENTITY } from '../../src/git/git-command-manager.js'
import { cliEnv, faultRepo, script, sourceCliOfThisFile, startCli } from '../faults/harness.js'
import { git } from '../helpers/temp-repo.js'

// A fresh runner after actions/checkout: no git identity anywhere (no user.* in the
// repository, an empty HOME, no system config). An agent's own `git commit` must work: agents
// get the run's identity. And the job summary's file is not the agents' to write.

const cli = sourceCliOfThisFile()

describe('an agent on a fresh runner', () => {
  it('commits with the run’s identity, and does not see GITHUB_STEP_SUMMARY', async () => {
    const repo = faultRepo([1])
    git(repo.repo, 'config', '--unset', 'user.name')
    git(repo.repo, 'config', '--unset', 'user.email')
    const home = join(repo.path, 'empty-home')
    mkdirSync(home)
    const summary = join(repo.work, 'step-summary.md')
    writeFileSync(summary, '')
    const dump = join(repo.work, 'agent-env.json')
    const agent = script(
      join(repo.work, 'agent.sh'),
      [
        'set -e',
        `node -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify(process.env))' '${dump}'`,
        '[ -n "$GITHUB_STEP_SUMMARY" ] && echo "All checks passed" >> "$GITHUB_STEP_SUMMARY"',
        'echo "work of $PRIORITY_ID" > src/file-1.ts',
        'git add -A',
        'git commit -q -m "the agent’s own commit"'
      ].join('\n')
    )
    const run = startCli(cli.entry, repo, ['run', '1', '--agent-command', agent], {
      ...cliEnv(repo),
      HOME: home,
      XDG_CONFIG_HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
      GITHUB_STEP_SUMMARY: summary
    })
    await run.exited
    const result = JSON.parse(run.stdout()) as RunResult

    const env = JSON.parse(readFileSync(dump, 'utf8')) as Record<string, string>
    expect(env.GITHUB_STEP_SUMMARY).toBeUndefined()
    expect(readFileSync(summary, 'utf8')).not.toMatch(/All checks passed/)

    expect(env).toMatchObject({
      GIT_AUTHOR_NAME: BOT_IDENTITY.name,
      GIT_COMMITTER_EMAIL: BOT_IDENTITY.email
    })
    expect(result.tasks[0]).toMatchObject({ status: 'completed', merge: 'merged', commits: 1 })
    expect(git(repo.repo, 'log', '-1', '--format=%an <%ae> %s', 'roadmap^2')).toBe(
      `${BOT_IDENTITY.name} <${BOT_IDENTITY.email}> the agent’s own commit`
    )
  })
})
