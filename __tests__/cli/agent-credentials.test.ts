import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AGENT, cliEnv, faultRepo, startCli } from '../faults/harness.js'
import { buildSourceCli } from './source-cli.js'

// The CLI runs in a user's shell, which often holds the user's own GitHub credentials: agents
// must not inherit them unless the user names them in agent-env-pass.

const CREDENTIALS = {
  GITHUB_TOKEN: 'ghp_user_token_aaaaaaaaaaaa',
  GH_TOKEN: 'gho_user_token_bbbbbbbbbbbb',
  GH_ENTERPRISE_TOKEN: 'ghe_user_token_cccccccccccc',
  GITHUB_ENTERPRISE_TOKEN: 'ghe_user_token_dddddddddddd',
  GITHUB_PAT: 'github_pat_eeeeeeeeeeee'
}

async function agentSees(extraArgs: string[]): Promise<Record<string, string>> {
  using cli = buildSourceCli()
  using repo = faultRepo([1])
  const dump = join(repo.work, 'env.json')
  const run = startCli(
    cli.entry,
    repo,
    [
      'run',
      '1',
      '--agent-command',
      `node -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify(process.env))' ${dump} && node ${AGENT} --priority={priority}`,
      ...extraArgs
    ],
    { ...cliEnv(repo), ...CREDENTIALS }
  )
  expect(await run.exited).toBe(0)
  return JSON.parse(readFileSync(dump, 'utf8')) as Record<string, string>
}

describe('the user’s GitHub credentials and the agents', () => {
  it('keeps GITHUB_TOKEN, GH_TOKEN and the like from agents run by the CLI', async () => {
    const env = await agentSees([])
    for (const name of Object.keys(CREDENTIALS)) expect(env[name]).toBeUndefined()
    expect(JSON.stringify(env)).not.toMatch(/user_token|github_pat_/)
    expect(env.PRIORITY_ID).toBe('1')
  })

  it('passes only the variables agent-env-pass names', async () => {
    const env = await agentSees(['--agent-env-pass', 'GH_TOKEN'])
    expect(env.GH_TOKEN).toBe(CREDENTIALS.GH_TOKEN)
    expect(env.GITHUB_TOKEN).toBeUndefined()
    expect(env.GH_ENTERPRISE_TOKEN).toBeUndefined()
  })
})
