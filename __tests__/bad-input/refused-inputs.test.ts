import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { cli } from '../../src/cli/cli.js'
import { parseSettings } from '../../src/inputs/settings.js'
import type { Logger } from '../../src/core/logger.js'
import { createRepo, git, roadmapFiles, type TempRepo } from '../helpers/temp-repo.js'

// Every input, given what it must refuse: the command line (its code, in this process) exits
// 2 with an error that names the input and the bad value, and nothing is touched: refs,
// worktrees, the checkout, the folders beside it, .git, the log folder.
//
// The parsers' own rules are tested in __tests__/inputs (priorities, settings, branch names)
// and __tests__/cli (arguments, exit codes of the spawned CLI); this is the end-to-end sweep.

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
    beside: readdirSync(dirname(repo.repo)).sort(),
    gitDir: readdirSync(join(repo.repo, '.git')).sort()
  }
}

/** Runs the CLI in this process; returns its exit status and what it logged. */
async function refuse(args: string[]): Promise<{ status: number; logged: string }> {
  const lines: string[] = []
  const logger: Logger = {
    info: (message) => lines.push(message),
    warning: (message) => lines.push(`warning: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
    debug: () => {},
    group: (title, body) => lines.push(title, body)
  }
  const logDir = join(repo.path, 'logs')
  // The case's own flags come last: a later flag wins.
  const status = await cli(
    ['run', '--repo', repo.repo, '--log-dir', logDir, '--no-pr-comment', ...args],
    logger
  )
  expect(existsSync(logDir)).toBe(false)
  return { status, logged: lines.join('\n') }
}

const ids = (count: number): string => Array.from({ length: count }, (_, i) => i + 1).join(',')

/** [input, bad value, what the error must say] */
const REFUSED: [string, string, string][] = [
  // priorities: wrong types, out of range, injection, a huge list
  ['priorities', 'abc', 'priorities: "abc" is not a priority ID'],
  ['priorities', '0', 'priorities: "0" is not a positive priority ID'],
  ['priorities', '-3', 'priorities: "-3" is not a priority ID'],
  // 1.5 is an ID since decimal priorities (contract, second round); 1.5.2 is not.
  ['priorities', '1.5.2', 'priorities: "1.5.2" is not a priority ID'],
  ['priorities', '1e3', 'priorities: "1e3"'],
  ['priorities', '99999999999999999999', 'priorities: "99999999999999999999"'],
  ['priorities', '65;rm -rf /', 'priorities: "65;rm"'],
  ['priorities', '$(reboot)', 'priorities: "$(reboot)"'],
  ['priorities', ids(10_000), 'priorities: "257" brings the count past 256'],
  ['priorities', '1-100000', 'priorities: range "1-100000" has more than 256'],
  // mode
  ['mode', 'deploy', 'mode: "deploy" is not one of run, plan, task, merge'],
  ['mode', 'RUN', 'mode: "RUN"'],
  // base-branch: names git check-ref-format refuses, and shell syntax
  ...[
    'a..b',
    'a b',
    'x.lock',
    '-x',
    'HEAD',
    '@',
    'a~1',
    'a^b',
    'a:b',
    'a?b',
    'a*b',
    'a[b',
    'a\\b',
    '/a',
    'a/',
    'a//b',
    '.a',
    'a@{1}',
    '$(id)',
    '`id`',
    'a;b',
    'a|b',
    'a&b',
    "a'b",
    'a"b',
    'a>b',
    'a\nb',
    'x'.repeat(201)
  ].map((name): [string, string, string] => ['base-branch', name, 'base-branch: "']),
  // base-branch: a ref's full name where the branch's own is meant
  ['base-branch', 'refs/heads/main', 'write the branch\'s own name, e.g. "main"'],
  ['base-branch', 'heads/main', 'write the branch\'s own name, e.g. "main"'],
  // branch-template: no placeholder, a foreign one, names git refuses, shell syntax
  ['branch-template', 'feature/same', 'has no {priority} placeholder'],
  ['branch-template', 'feature/{base}-{priority}', 'a placeholder other than {priority}'],
  ['branch-template', '{priority}..x', 'is not a valid branch name'],
  ['branch-template', 'a b/{priority}', 'is not a valid branch name'],
  ['branch-template', '-{priority}', 'is not a valid branch name'],
  ['branch-template', '{priority}.lock', 'is not a valid branch name'],
  ['branch-template', '{priority}/', 'is not a valid branch name'],
  ['branch-template', '{priority}:x', 'is not a valid branch name'],
  ['branch-template', '$(id){priority}', 'is not a valid branch name'],
  ['branch-template', '`id`/{priority}', 'is not a valid branch name'],
  ['branch-template', '{priority};rm -rf ~', 'is not a valid branch name'],
  ['branch-template', "{priority}'x", 'is not a valid branch name'],
  ['branch-template', 'x/{priority:0199d}', 'longer than 200 characters'],
  ['branch-template', 'x/{priority:0300d}', 'pads the priority to 300 characters'],
  ['branch-template', 'x/{priority:99999999999d}', 'pads the priority to 99999999999 characters'],
  // max-parallel
  ...['0', '33', '-1', '1.5', 'two', 'AUTO', '1e1', '0x2', '99999999999999999999'].map(
    (value): [string, string, string] => ['max-parallel', value, `max-parallel: "${value}"`]
  ),
  // separation
  ['separation', 'none', 'separation: "none" is not one of strict, waves, off'],
  ['separation', 'Strict', 'separation: "Strict"'],
  // paths that leave the repository
  ...[
    '../../etc/passwd',
    '/etc/passwd',
    '\\etc\\passwd',
    '\\\\server\\share',
    'C:\\x',
    'C:/x',
    '..\\..\\x',
    'docs/../../x'
  ].flatMap((value): [string, string, string][] => [
    ['specs-dir', value, 'specs-dir: "'],
    ['roadmap-file', value, 'roadmap-file: "'],
    ['worktree-files', value, 'worktree-files: "']
  ]),
  ['worktree-files', `.env\n${'a\n'.repeat(10_000)}../secret`, 'worktree-files: "../secret"'],
  // paths of several lines
  ['worktree-dir', '../a\n../b', 'worktree-dir: "../a\\n../b" spans several lines'],
  ['log-dir', '/tmp/a\r\nb', 'log-dir: "/tmp/a\\r\\nb" spans several lines'],
  ['results-dir', 'a\nb', 'results-dir: "a\\nb" spans several lines'],
  // numbers
  ...['-1', 'abc', '1e3', '10081', 'Infinity', 'NaN', '1,5', '60m', '0x10', '.5'].map(
    (value): [string, string, string] => [
      'task-timeout-minutes',
      value,
      `task-timeout-minutes: "${value}" is not a number from 0 to 10080`
    ]
  ),
  ...['max-cpu-percent', 'max-memory-percent'].flatMap((name) =>
    ['0', '0.5', '101', '-5', '80%', 'high', 'NaN'].map((value): [string, string, string] => [
      name,
      value,
      `${name}: "${value}" is not a number from 1 to 100`
    ])
  ),
  // booleans
  ...['auto-commit', 'merge', 'push', 'cleanup', 'pr-comment'].flatMap((name) =>
    ['yes', '1', 'on', 'null', 'tru'].map((value): [string, string, string] => [
      name,
      value,
      `${name}: "${value}" is not true or false`
    ])
  ),
  // pr-number
  ...['0', '-1', 'abc', '1.5', '#12', '99999999999999999999'].map(
    (value): [string, string, string] => [
      'pr-number',
      value,
      `pr-number: "${value}" is not a pull request or issue number`
    ]
  )
]

describe('bad inputs are refused with exit 2, naming the problem, and nothing is touched', () => {
  it.each(REFUSED)('%s %j', async (input, value, message) => {
    const before = snapshot()
    const args = input === 'priorities' ? [`--priorities=${value}`] : ['1', `--${input}=${value}`]
    const { status, logged } = await refuse(args)
    expect(status).toBe(2)
    expect(logged).toContain(message)
    expect(logged.length).toBeLessThan(1000)
    expect(snapshot()).toEqual(before)
  })

  it('a base branch that does not exist: exit 2, naming it, nothing touched', async () => {
    const before = snapshot()
    const { status, logged } = await refuse(['1', '--base-branch', 'no-such-branch'])
    expect(status).toBe(2)
    expect(logged).toContain('"no-such-branch" exists neither')
    expect(snapshot()).toEqual(before)
  })

  it('a flag without its value: exit 2, naming the flag, nothing touched', async () => {
    const before = snapshot()
    const { status, logged } = await refuse(['1', '--max-parallel'])
    expect(status).toBe(2)
    expect(logged).toContain('--max-parallel needs a value')
    expect(snapshot()).toEqual(before)
  })
})

describe('edge values that are accepted keep their meaning', () => {
  it('task-timeout-minutes too small to count in ms is a timeout of 1 ms, not none', () => {
    const settings = parseSettings(
      { priorities: '1', 'task-timeout-minutes': '0.0000001' },
      repo.repo,
      {}
    )
    expect(settings.taskTimeoutMs).toBe(1)
  })
})
