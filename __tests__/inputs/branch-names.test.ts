import { spawnSync } from 'node:child_process'
import {
  branchNameProblem,
  renderBranchTemplate,
  validateBranchTemplate
} from '../../src/git/ref-names.js'
import { InputError } from '../../src/core/errors.js'
import { createRepo, type TempRepo } from '../helpers/temp-repo.js'

/** Names that real repositories use: our rules must accept them, as git does. */
const ORDINARY = [
  'roadmap',
  'main',
  'feature/us-065',
  'release/1.2.3',
  'user/name_x',
  'a+b',
  'v1.0',
  'UPPER/lower-09',
  'a.b/c.d',
  'x'.repeat(200)
]

/** Names at the edges of git's rules, and ones carrying shell syntax. */
const TRICKY = [
  '',
  'a..b',
  '.hidden',
  'a/.b',
  'a.lock',
  'a/b.lock',
  'a.lock/b',
  'a//b',
  '/a',
  'a/',
  'a.',
  'a/.',
  '.',
  '..',
  'a b',
  'a\tb',
  'a~b',
  'a^b',
  'a:b',
  'a?b',
  'a*b',
  'a[b',
  'a\\b',
  '@',
  '@{-1}',
  'a@{b',
  'a@b',
  'HEAD',
  'refs/heads/x',
  '-x',
  '--force',
  'a\u0001b',
  'a\u007fb',
  'fé',
  '$(reboot)',
  '`id`',
  'a;b',
  "a'b",
  'a"b',
  'a|b',
  'a&b',
  'a>b',
  'x'.repeat(201),
  '{priority}'
]

describe('branch names', () => {
  let repo: TempRepo
  beforeAll(() => {
    repo = createRepo()
  })
  afterAll(() => repo[Symbol.dispose]())

  /** Whether git itself accepts `name` as a new branch name. */
  const gitAccepts = (name: string): boolean =>
    spawnSync('git', ['check-ref-format', '--branch', name], { cwd: repo.repo }).status === 0

  it.each(ORDINARY)('accepts %j, as git does', (name) => {
    expect(gitAccepts(name)).toBe(true)
    expect(branchNameProblem(name)).toBeNull()
  })

  it.each(TRICKY)('accepts %j only when git does too', (name) => {
    // Our rules may be stricter than git's (a conservative character set), never looser.
    if (branchNameProblem(name) === null) expect(gitAccepts(name)).toBe(true)
  })

  it('refuses every tricky name that git refuses, and every one with shell syntax', () => {
    const looser = TRICKY.filter((name) => !gitAccepts(name) && branchNameProblem(name) === null)
    expect(looser).toEqual([])
    for (const name of ['$(reboot)', '`id`', 'a;b', "a'b", 'a"b', 'a|b', 'a&b', 'a>b']) {
      expect(branchNameProblem(name)).not.toBeNull()
    }
  })
})

describe('branch templates', () => {
  it.each([
    ['feature/us-{priority:03d}', 7, 'feature/us-007'],
    ['feature/us-{priority:03d}', 65, 'feature/us-065'],
    ['feature/us-{priority:03d}', 1234, 'feature/us-1234'],
    ['p{priority}', 5, 'p5'],
    ['{priority}/{priority:2d}', 5, '5/05']
  ])('renders %s for %d as %s', (template, priority, branch) => {
    expect(renderBranchTemplate(template, priority)).toBe(branch)
  })

  it('refuses a template that renders an invalid branch for one of the priorities', () => {
    expect(() => validateBranchTemplate('x{priority}', [1, 2])).not.toThrow()
    expect(() => validateBranchTemplate('x{priority}.', [1])).toThrow(InputError)
  })
})
