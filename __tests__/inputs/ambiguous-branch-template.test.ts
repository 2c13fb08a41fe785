import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { cli } from '../../src/cli/cli.js'
import { renderBranchTemplate, validateBranchTemplate } from '../../src/git/ref-names.js'
import type { Logger } from '../../src/core/logger.js'
import { createRepo, git, roadmapFiles, type TempRepo } from '../helpers/temp-repo.js'

// A branch-template whose branches git would read as other refs: `refs/heads/x-{priority}`
// makes `refs/heads/refs/heads/x-1`, and `heads/x-{priority}` makes a branch that the short
// name `heads/x-1` does not find (git reads it as refs/heads/x-1). Refused before anything is
// touched, naming the input and the plain name to give instead.

let repo: TempRepo

beforeAll(() => {
  repo = createRepo(roadmapFiles({ 1: { files: ['src/one.ts'] }, 2: { files: ['src/two.ts'] } }))
})
afterAll(() => repo[Symbol.dispose]())

function snapshot(): Record<string, unknown> {
  return {
    refs: git(repo.repo, 'for-each-ref', '--format=%(refname) %(objectname)'),
    worktrees: git(repo.repo, 'worktree', 'list', '--porcelain'),
    status: git(repo.repo, 'status', '--porcelain=v2', '--branch', '--untracked-files=all'),
    gitDir: readdirSync(join(repo.repo, '.git')).sort()
  }
}

async function runWithTemplate(template: string): Promise<{ status: number; logged: string }> {
  const lines: string[] = []
  const logger: Logger = {
    info: (message) => lines.push(message),
    warning: (message) => lines.push(`warning: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
    debug: () => {},
    group: (title, body) => lines.push(title, body)
  }
  const logDir = join(repo.path, 'logs')
  const status = await cli(
    ['run', '--repo', repo.repo, '--log-dir', logDir, '--no-pr-comment'].concat([
      '--priorities',
      '1,2',
      '--agent-command',
      'true',
      '--branch-template',
      template
    ]),
    logger
  )
  expect(existsSync(logDir)).toBe(false)
  return { status, logged: lines.join('\n') }
}

describe('a branch-template that git would read as another ref', () => {
  it.each([
    [
      'refs/heads/feature/us-{priority:03d}',
      'give the plain branch name: "feature/us-{priority:03d}"'
    ],
    ['refs/x-{priority}', 'give the plain branch name: "x-{priority}"'],
    ['heads/x-{priority}', 'give the plain branch name: "x-{priority}"'],
    ['tags/v{priority}', 'give a name that starts outside refs/'],
    ['remotes/origin/x-{priority}', 'give a name that starts outside refs/'],
    ['refs/tags/v{priority}', 'give a name that starts outside refs/']
  ])('refuses %s before anything is touched, with the fix', async (template, fix) => {
    const before = snapshot()
    const { status, logged } = await runWithTemplate(template)
    expect(status).toBe(2)
    expect(logged).toContain(`branch-template: "${template}"`)
    expect(logged).toContain('reads it as another ref')
    expect(logged).toContain(fix)
    expect(snapshot()).toEqual(before)
  })

  it.each([
    'feature/us-{priority:03d}',
    'refsx/{priority}',
    'my/heads/{priority}',
    'tagsy-{priority}'
  ])('accepts %s, whose branches git finds by their short name', (template) => {
    expect(() => validateBranchTemplate(template, [1, 2.5])).not.toThrow()
    const branch = renderBranchTemplate(template, 1)
    git(repo.repo, 'branch', branch)
    expect(git(repo.repo, 'rev-parse', '--symbolic-full-name', branch).trim()).toBe(
      `refs/heads/${branch}`
    )
    git(repo.repo, 'branch', '-D', branch)
  })
})
