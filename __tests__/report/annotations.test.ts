import { describe, expect, it } from '@jest/globals'
import { planAnnotations, RUNNER_ANNOTATION_CAPS } from '../../src/report/annotations.js'
import { mixedResult, result, task } from './fixtures.js'

const failed = (priority: number) =>
  task(priority, {
    status: 'failed',
    exit_code: 2,
    merge: 'not-merged',
    merge_commit: null,
    error: `boom ${priority}`
  })

describe('planAnnotations', () => {
  it('makes one annotation per problem: conflicts on their file, failures, skips', () => {
    const annotations = planAnnotations(mixedResult())
    expect(annotations).toEqual([
      {
        level: 'error',
        title: 'PRIORITY 66 conflicts with roadmap',
        file: 'src/recipes.ts',
        message: expect.stringContaining('conflicts in src/recipes.ts, docs/roadmap/ROADMAP.md')
      },
      {
        level: 'error',
        title: 'PRIORITY 67 failed',
        message:
          'Exit code 3 after 1m 00s: agent exited with code 3\nTraceback: boom. Log: /tmp/logs/priority-67.log'
      },
      {
        level: 'error',
        title: 'PRIORITY 68 timed out',
        message: expect.stringContaining('Stopped after 30m 00s')
      },
      {
        level: 'warning',
        title: 'PRIORITY 70 made no changes',
        message: expect.stringContaining('exited 0')
      },
      {
        level: 'warning',
        title: 'PRIORITY 71 was cancelled',
        message: expect.stringContaining('cancelled')
      },
      {
        level: 'notice',
        title: 'PRIORITY 69 was skipped',
        message: 'overlaps 65 in src/recipes.ts (strict separation)'
      }
    ])
  })

  it('makes none when everything merged', () => {
    expect(planAnnotations(result([task(1), task(2)]))).toEqual([])
  })

  it('keeps within 10 per level: 9 shown, the 10th says how many more and points to the summary', () => {
    const many = result([
      ...Array.from({ length: 25 }, (_, i) => failed(100 + i)),
      ...Array.from({ length: 10 }, (_, i) =>
        task(200 + i, { status: 'skipped', started_at: null, merge: 'not-merged', error: 'strict' })
      )
    ])
    const annotations = planAnnotations(many)
    const errors = annotations.filter((a) => a.level === 'error')
    expect(errors).toHaveLength(RUNNER_ANNOTATION_CAPS.error)
    expect(errors.slice(0, 9).map((a) => a.title)).toEqual(
      Array.from({ length: 9 }, (_, i) => `PRIORITY ${100 + i} failed`)
    )
    expect(errors[9]).toEqual({
      level: 'error',
      title: '16 more errors',
      message:
        '16 more errors (PRIORITY 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124) not shown as annotations: the job summary lists every problem.'
    })
    // Exactly at the cap: no aggregate.
    expect(annotations.filter((a) => a.level === 'notice')).toHaveLength(10)
    expect(annotations.some((a) => a.title?.includes('more notice'))).toBe(false)
  })

  it('leaves room for annotations the step already made', () => {
    const many = result(Array.from({ length: 12 }, (_, i) => failed(i + 1)))
    const annotations = planAnnotations(many, { error: 3, warning: 10, notice: 10 })
    expect(annotations.map((a) => a.title)).toEqual([
      'PRIORITY 1 failed',
      'PRIORITY 2 failed',
      '10 more errors'
    ])
    expect(planAnnotations(many, { error: 0, warning: 10, notice: 10 })).toEqual([])
    expect(planAnnotations(many, { error: -2, warning: 10, notice: 10 })).toEqual([])
  })

  it('keeps messages short', () => {
    const huge = result([
      task(1, { status: 'failed', merge: 'not-merged', error: 'x'.repeat(100_000) })
    ])
    expect(planAnnotations(huge)[0].message.length).toBeLessThan(1000)
  })
})
