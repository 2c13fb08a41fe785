import { expandRule, ruleOfLine } from '../../src/plan/rule-paths.js'
import { scopeIn, treeOf } from './tree-listing.js'

// A rule a spec states instead of listing files (a quantifier, a kind of file, a folder or a
// glob) is expanded against the base tree into the files it touches.
const FILES = [
  'go.mod',
  'ledger/account.go',
  'ledger/account_test.go',
  'ledger/posting/post.go',
  'ledger/posting/post_test.go',
  'ledger/README.md',
  'api/server_test.go',
  'forge/notify/__init__.py',
  'forge/notify/email.py',
  'forge/notify/slack.py',
  'forge/notify/templates/digest.html',
  'forge/notify/test_email.py',
  '.claude/skills/code-review/run.py',
  '.claude/skills/code-review/prompt.txt',
  '.claude/skills/test-gen/gen.py',
  '.claude/skills/plain/plain.py',
  'tools/skill-lint/lint.py'
]
const TREE = treeOf(FILES)
const expand = (line: string): string[] | null => {
  const rule = ruleOfLine(line)
  return rule && expandRule(rule, TREE)
}

describe('a rule stated in a spec', () => {
  it('"all `*_test.go` files under `ledger/`": the files of that name pattern at any depth there', () => {
    expect(expand('Update all `*_test.go` files under `ledger/` to use the fake clock.')).toEqual([
      'ledger/account_test.go',
      'ledger/posting/post_test.go'
    ])
  })

  it('"every module in `forge/notify/`": its source modules, not the package file, tests or templates', () => {
    expect(expand('Add a retry with backoff to every module in `forge/notify/`.')).toEqual([
      'forge/notify/email.py',
      'forge/notify/slack.py'
    ])
    expect(expand('Each handler in forge/notify/ gets a timeout')).toEqual([
      'forge/notify/email.py',
      'forge/notify/slack.py'
    ])
  })

  it('"rename every hyphenated skill folder": every file inside the hyphenated folders of `skills/`', () => {
    expect(expand('Rename every hyphenated skill folder to snake_case.')).toEqual([
      '.claude/skills/code-review/prompt.txt',
      '.claude/skills/code-review/run.py',
      '.claude/skills/test-gen/gen.py'
    ])
  })

  it('a language or a glob with its folder: "all Python files in `forge/`", "every `ledger/**/*.go`"', () => {
    expect(expand('All Python files in `forge/` are reformatted with ruff.')).toEqual([
      'forge/notify/__init__.py',
      'forge/notify/email.py',
      'forge/notify/slack.py',
      'forge/notify/test_email.py'
    ])
    expect(expand('Update every `ledger/**/*_test.go`.')).toEqual([
      'ledger/account_test.go',
      'ledger/posting/post_test.go'
    ])
  })

  it('is no rule without a quantifier, a kind and a place, nor when negated or compared', () => {
    expect(ruleOfLine('All tests must pass.')).toBeNull()
    expect(ruleOfLine('The server answers all requests in `api/` within 50 ms.')).toBeNull()
    expect(ruleOfLine('Like every other module in `forge/notify/`, it logs to stderr.')).toBeNull()
    expect(ruleOfLine('Do not touch every module in `forge/notify/`.')).toBeNull()
    expect(ruleOfLine('After all, `ledger/account.go` stays as it is.')).toBeNull()
  })
})

describe('a rule in the scope of a spec', () => {
  it('counts the files it expands to, instead of the folder it names', () => {
    const scope = scopeIn(
      FILES,
      '# Clock\n\nUpdate all `*_test.go` files under `ledger/` to use the fake clock.\n'
    )
    expect(scope.list).toEqual(['ledger/account_test.go', 'ledger/posting/post_test.go'])
    expect(scope.notes.join('\n')).toMatch(/rules expanded against the tree.*line 3 touches 2/)
  })

  it('counts nothing in a Non-goals section, and nothing when the line does not change them', () => {
    const nonGoal = scopeIn(
      FILES,
      '# Retry\n\n## Files\n\n- `forge/notify/retry.py`\n\n## Non-goals\n\n- Changing every module in `forge/notify/`.\n'
    )
    expect(nonGoal.list).toEqual(['forge/notify/retry.py'])
    const reading = scopeIn(
      FILES,
      '# Docs\n\nThe guide explains every module in `forge/notify/`.\n'
    )
    expect(reading.list).toEqual([])
  })
})

describe('a rule wrapped over two lines', () => {
  it('is read whole: the place on the next line', () => {
    const scope = scopeIn(
      FILES,
      '# Retry\n\nWrap the send call of every module in\n`forge/notify/` with the retry policy.\n'
    )
    expect(scope.list).toEqual(['forge/notify/email.py', 'forge/notify/slack.py'])
  })

  it("a line cut inside a code span does not swallow the next line's path", () => {
    const scope = scopeIn(
      FILES,
      "# Since\n\nAdd a `--since <commit>` option to the code review skill's script,\n`.claude/skills/code-review/run.py`, so that only later changes are reviewed.\n"
    )
    expect(scope.list).toEqual(['.claude/skills/code-review/run.py'])
  })
})
