import { describe, expect, it } from '@jest/globals'
import { liveSummary, type LiveRunView } from '../../src/report/live-summary.js'
import { task } from './fixtures.js'

// The live table says what a reader would otherwise open a log for: why a task failed, that a
// finished task waits for the merge queue; and it drops columns nothing fills.

const view = (fields: Partial<LiveRunView>): LiveRunView => ({
  baseBranch: 'roadmap',
  baseCommit: 'a'.repeat(40),
  tasks: [],
  waves: [],
  ...fields
})
const header = (summary: string) =>
  summary.split('\n').find((line) => line.startsWith('| Priority'))
const rowOf = (summary: string, priority: number) =>
  summary.split('\n').find((line) => line.startsWith(`| ${priority} |`)) ?? ''

describe('the live table', () => {
  const failed = task(2, {
    status: 'failed',
    merge: 'not-merged',
    commits: 0,
    error: 'agent exited with code 1: notifications: cannot reach the mail server\nmore lines'
  })
  const waiting = task(3, { status: 'completed', merge: 'not-merged', commits: 2 })

  it('names why a task failed (the first line of its error), and a finished task waiting to merge', () => {
    const summary = liveSummary(view({ tasks: [failed, waiting], merging: true }), { now: 0 })
    expect(rowOf(summary, 2)).toContain('cannot reach the mail server')
    expect(rowOf(summary, 2)).not.toContain('more lines')
    expect(rowOf(summary, 3)).toContain('⏳ to merge')
  })

  it('says "to merge" only while a merge queue goes: not with merge: false, not once over', () => {
    expect(rowOf(liveSummary(view({ tasks: [waiting] }), { now: 0 }), 3)).not.toContain('to merge')
    const over = liveSummary(view({ tasks: [waiting], merging: true }), { now: 0, lead: 'Done.' })
    expect(rowOf(over, 3)).not.toContain('to merge')
  })

  it('names the files a conflicted task conflicts in, three of them and how many more', () => {
    const files = ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts']
    const conflicted = task(4, { status: 'completed', merge: 'conflict', conflict_files: files })
    const row = rowOf(liveSummary(view({ tasks: [conflicted] }), { now: 0 }), 4)
    expect(row).toContain('conflicts in `a.ts`, `b.ts`, `c.ts` and 2 more')
  })

  it('drops the cost and last-line columns when no task fills them', () => {
    const summary = liveSummary(view({ tasks: [waiting] }), { now: 0 })
    expect(header(summary)).toBe('| Priority | Status | Duration | Merge |')
    const withError = liveSummary(view({ tasks: [failed] }), { now: 0 })
    expect(header(withError)).toBe('| Priority | Status | Duration | Merge | Last line or error |')
  })
})
