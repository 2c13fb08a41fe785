import { extractMentions } from '../../src/plan/path-extractor.js'
import { buildPlan } from '../../src/plan/plan.js'
import { formatPlan } from '../../src/plan/plan-text.js'
import { createRepo } from '../helpers/temp-repo.js'
import { planSettings, ROADMAP, SPECS } from './plan-settings.js'
import { scopeIn } from './tree-listing.js'

// Real specs name many files they do not change: the code that exists, the pattern to copy,
// an example of a past problem. Each mention is classed by the words around it; only changes
// count, and the reason for the others is kept.
const FILES = [
  'forge/daemon.py',
  'forge/notify/__init__.py',
  'forge/notify/slack.py',
  'forge/notify/email.py',
  'forge/storage/cache.py',
  'forge/storage/db.py',
  'tests/test_slack.py'
]

const kinds = (markdown: string): [string, string | null | undefined][] =>
  extractMentions(markdown, 'docs/specs/SPEC-401-x.md', { all: true }).map((mention) => [
    mention.path,
    mention.kind
  ])

describe('what a mention says of its path', () => {
  it('an existing file named as context is not a change; one the spec modifies is', () => {
    expect(kinds('(Already Exists) File: forge/daemon.py\n')).toEqual([
      ['forge/daemon.py', 'exists']
    ])
    expect(kinds('`forge/daemon.py` already exists.\n')).toEqual([['forge/daemon.py', 'exists']])
    expect(kinds('- Modify `forge/notify/__init__.py` (already exists) to export it.\n')).toEqual([
      ['forge/notify/__init__.py', 'modify']
    ])
    expect(kinds('Create `forge/notify/teams.py`; delete `forge/notify/old.py`.\n')).toEqual([
      ['forge/notify/teams.py', 'create'],
      ['forge/notify/old.py', 'delete']
    ])
  })

  it('a pattern to copy, an example and a reference are not changes', () => {
    expect(
      kinds('- Pattern from `forge/notify/email.py`, Location: `forge/notify/email.py:40`\n')
    ).toEqual([
      ['forge/notify/email.py', 'reuse'],
      ['forge/notify/email.py', 'reuse']
    ])
    expect(kinds('The cache in `forge/storage/cache.py` is the pattern to reuse.\n')).toEqual([
      ['forge/storage/cache.py', 'reuse']
    ])
    expect(kinds('Example problem: refactoring `forge/notify/slack.py` broke it.\n')).toEqual([
      ['forge/notify/slack.py', 'example']
    ])
    expect(kinds('See `forge/daemon.py` for the loop.\n')).toEqual([['forge/daemon.py', 'see']])
  })

  it('a sentence wrapped over two lines keeps the words of its first line', () => {
    const spec =
      '- `forge/notify/slack.py`: reply in threads, like the retry loop\n  in `forge/notify/email.py`.\n'
    expect(scopeIn(FILES, spec).list).toEqual(['forge/notify/slack.py'])
  })

  it('sections of context (Current state, Background, Existing code, Examples) name no change', () => {
    const spec =
      '## Current state\n\n`forge/storage/db.py` reads through `forge/storage/cache.py`.\n\n' +
      '## Examples\n\n- `forge/notify/email.py`\n\n' +
      '## Files\n\n- `forge/storage/cache.py`: evict old entries\n'
    expect(scopeIn(FILES, spec).list).toEqual(['forge/storage/cache.py'])
  })

  it('keeps why each path named was not counted, with its line, for plan --explain', () => {
    const spec =
      '(Already Exists) File: forge/daemon.py\n\n' +
      '**Location**: `forge/notify/slack.py`\n\n' +
      'Pattern from `forge/notify/email.py`.\n'
    const scope = scopeIn(FILES, spec)
    expect(scope.list).toEqual(['forge/notify/slack.py'])
    expect([...scope.dropped.entries()]).toEqual([
      ['forge/daemon.py', ['1 (exists)']],
      ['forge/notify/email.py', ['5 (reuse)']]
    ])
  })
})

describe('phases already landed', () => {
  it('a phase heading marked done, a status line and checked items leave their files out', () => {
    const spec =
      '# SPEC-406: Pooling\n\n' +
      '## Phase 1: TTL cache ✅ Done\n\n- `forge/storage/cache.py`\n\n' +
      '## Phase 2: Teams\n\n**Status**: Complete\n\n- `forge/notify/__init__.py`\n\n' +
      '## Phase 3: Pool\n\n- [x] `forge/notify/email.py` retries (landed in #12)\n' +
      '- [ ] `forge/storage/db.py`: keep a pool\n'
    const scope = scopeIn(FILES, spec)
    expect(scope.list).toEqual(['forge/storage/db.py'])
    expect(scope.dropped.get('forge/storage/cache.py')).toEqual(['5 (done)'])
  })

  it('a heading that only asks for completion (spec-kit: MUST COMPLETE BEFORE 3.3) is no landed phase', () => {
    const spec =
      '# Tasks: Pooling\n\n## Phase 3.2: Tests First ⚠️ MUST COMPLETE BEFORE 3.3\n\n' +
      '- [ ] T002 [P] pool test in `forge/storage/db.py`\n\n## Phase 3.3: Core — DONE\n\n' +
      '- `forge/storage/cache.py`\n'
    expect(scopeIn(FILES, spec).list).toEqual(['forge/storage/db.py'])
  })

  it("the spec's own title marked done does not empty it", () => {
    expect(scopeIn(FILES, '# SPEC-406: Pooling ✅\n\n- `forge/storage/db.py`\n').list).toEqual([
      'forge/storage/db.py'
    ])
  })
})

describe('plan --explain', () => {
  it('shows the line and the reason of every path a spec names without changing it', async () => {
    using repo = createRepo({
      [ROADMAP]: '## PRIORITY 1: US-1 - Slack threads\n\n## PRIORITY 2: US-2 - Email digest\n',
      [`${SPECS}/SPEC-001-slack.md`]:
        '# SPEC-1\n\n(Already Exists) File: forge/daemon.py\n\n**Location**: `forge/notify/slack.py`\n\n' +
        'Pattern from `forge/notify/email.py`.\n',
      [`${SPECS}/SPEC-002-email.md`]: '# SPEC-2\n\n## Files\n\n- `forge/notify/email.py`\n',
      'forge/daemon.py': '\n',
      'forge/notify/slack.py': '\n',
      'forge/notify/email.py': '\n'
    })
    const plan = await buildPlan(planSettings(repo.repo, [1, 2]))
    // The pattern copied from email.py does not make 1 and 2 overlap.
    expect(plan.separation.conflicts).toEqual({})
    expect(plan.separation.not_counted).toEqual({
      '1': {
        'forge/daemon.py': [`${SPECS}/SPEC-001-slack.md:3 (exists)`],
        'forge/notify/email.py': [`${SPECS}/SPEC-001-slack.md:7 (reuse)`]
      }
    })
    const text = formatPlan(plan, { explain: true })
    expect(text).toContain(
      `unchanged: forge/daemon.py        ← ${SPECS}/SPEC-001-slack.md:3 (exists)`
    )
    expect(formatPlan(plan)).not.toContain('unchanged:')
  })
})

describe('a folder named as a destination', () => {
  const TREE = ['skills/code-review/SKILL.md', 'skills/code-review/run.py', 'forge/loader.py']

  it('counts the new paths named inside it, not every file it holds', () => {
    const drawing =
      'Create the `skills/` directory structure:\n\n```\nskills/\n└── summarize/\n    └── SKILL.md\n```\n'
    expect(scopeIn(TREE, drawing).list).toEqual(['skills/summarize/'])
    expect(
      scopeIn(TREE, 'Create `summarize.py` in `skills/`.\n- `forge/loader.py`\n').list
    ).toEqual(['forge/loader.py', 'skills/summarize.py'])
    const created = scopeIn(TREE, 'Create the `skills/` directory.\n- `forge/loader.py`: read it\n')
    expect(created.list).toEqual(['forge/loader.py'])
    expect(created.notes.join('\n')).toMatch(/folders it creates already exist.*skills\//)
  })

  it('a folder or glob stated as touched still counts', () => {
    expect(scopeIn(TREE, '- Touches `skills/`: rename every hyphenated folder\n').list).toEqual([
      'skills/'
    ])
    expect(scopeIn(TREE, 'Update all tests matching `tests/**/*.test.ts`.\n').list).toEqual([
      'tests/**/*.test.ts'
    ])
  })
})
