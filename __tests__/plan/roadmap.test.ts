import { parseRoadmap } from '../../src/plan/roadmap.js'

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
    expect([...sections.keys()].sort((a, b) => a - b)).toEqual([5, 7, 12, 23])
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

  it('ignores headings in code blocks and does not read PRIORITY 2.5 as 2', () => {
    expect(sections.has(99)).toBe(false)
    expect(sections.has(2)).toBe(false)
  })

  it('keeps every heading of a priority that appears twice', () => {
    const twice = parseRoadmap('## PRIORITY 4: US-40 a\n\ntext\n\n## PRIORITY 4: US-41 b\n')
    expect(twice.get(4)?.map((section) => section.userStory)).toEqual([40, 41])
  })
})
