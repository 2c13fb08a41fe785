import { estimateHours } from '../../src/plan/estimates.js'
import { parseRoadmap, readRoadmap } from '../../src/plan/roadmap.js'

const ROADMAP = `# MonolithicCoffeeMaker Roadmap

## 📋 Phase 1

### PRIORITY 23: US-108 - Parallel Agent Execution with Git Worktree 📝 Planned

**Status**: 📝 Planned
**Spec**: [SPEC-108](../architecture/specs/SPEC-108-parallel-agent-execution.md)

#### Deliverables
- worktrees

### ✅ PRIORITY 5: Recipe import

Plain text.

\`\`\`markdown
### PRIORITY 99: inside a code block, not a heading
\`\`\`

## PRIORITY 7 - US-007 Notifications
### Details of 7

## PRIORITY 2.5: a half priority is not priority 2

# **PRIORITY 12**: no user story
`

describe('parseRoadmap', () => {
  const sections = parseRoadmap(ROADMAP)

  it('reads PRIORITY headings of any level, with or without a user story', () => {
    expect([...sections.keys()].sort((a, b) => a - b)).toEqual([2.5, 5, 7, 12, 23])
    expect(sections.get(23)?.[0]).toMatchObject({ priority: 23, userStory: 108, line: 5 })
    expect(sections.get(7)?.[0].userStory).toBe(7)
    expect(sections.get(5)?.[0].userStory).toBeNull()
    expect(sections.get(12)?.[0].userStory).toBeNull()
  })

  it('a section runs to the next heading of the same or a higher level', () => {
    const text23 = sections.get(23)?.[0].text ?? ''
    expect(text23).toContain('SPEC-108-parallel-agent-execution.md')
    expect(text23).toContain('#### Deliverables')
    expect(text23).not.toContain('Recipe import')
    expect(sections.get(7)?.[0].text).toContain('### Details of 7')
    expect(sections.get(7)?.[0].text).not.toContain('half priority')
  })

  it('ignores headings in code blocks and reads PRIORITY 2.5 as 2.5, never 2', () => {
    expect(sections.has(99)).toBe(false)
    expect(sections.has(2)).toBe(false)
    expect(sections.get(2.5)?.[0]).toMatchObject({ priority: 2.5, userStory: null })
    expect(sections.get(2.5)?.[0].title).toBe('a half priority is not priority 2')
  })

  it('keeps every heading of a priority that appears twice', () => {
    const twice = parseRoadmap('## PRIORITY 4: US-40 a\n\ntext\n\n## PRIORITY 4: US-41 b\n')
    expect(twice.get(4)?.map((section) => section.userStory)).toEqual([40, 41])
  })
})

describe('readRoadmap', () => {
  it('says where a code fence was opened and never closed, and which headings it hides', () => {
    const markdown =
      '# Roadmap\n\n## PRIORITY 1: US-1 a\n\nExample:\n\n```text\n$ run\n\n' +
      '## PRIORITY 2: US-2 b\n\n### PRIORITY 2.5: c\n'
    const roadmap = readRoadmap(markdown)
    expect([...roadmap.sections.keys()]).toEqual([1])
    expect(roadmap.unclosedFenceAt).toBe(7)
    expect([...roadmap.hidden.entries()]).toEqual([
      [2, [10]],
      [2.5, [12]]
    ])
  })

  it('reads estimates from a section, in hours', () => {
    const roadmap = readRoadmap(
      '## PRIORITY 1: US-1 a\n**Estimated effort**: 3 days\n## PRIORITY 2: US-2 b\nno estimate\n'
    )
    expect(roadmap.sections.get(1)?.[0].estimateHours).toBe(24)
    expect(roadmap.sections.get(2)?.[0].estimateHours).toBeNull()
  })

  it.each([
    ['Estimated effort: 3 days', 24],
    ['Estimate: 4h', 4],
    ['**Estimated Effort**: 4-6 hours', 5],
    ['- Effort: 2 weeks', 80],
    ['Time estimate: ~90 minutes', 1.5],
    ['Estimated: 1d', 8],
    ['The estimate is unclear', null],
    ['Effort: high', null]
  ])('%s → %s hours', (text, hours) => {
    expect(estimateHours(text)).toBe(hours)
  })
})
