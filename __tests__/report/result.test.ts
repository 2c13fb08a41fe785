import { describe, expect, it } from '@jest/globals'
import type { RunResult } from '../../src/core/types.js'
import { resultJson, resultOutputs, RESULT_OUTPUT_LIMIT_BYTES } from '../../src/report/result.js'
import { mixedResult, result, task } from './fixtures.js'

describe('resultOutputs', () => {
  it('puts every priority of a run in exactly one of merged, failed, conflicted, skipped', () => {
    const outputs = resultOutputs(mixedResult())
    expect(outputs).toEqual({
      result: JSON.stringify(mixedResult()),
      merged: '65',
      failed: '67,68,70,71',
      conflicted: '66',
      skipped: '69',
      completed: '65,66',
      // The fixtures report no usage.
      'cost-usd': ''
    })
    expect(JSON.parse(outputs.result)).toEqual(mixedResult())
  })

  it('counts a failed merge as failed, and lists completed work that merge: false left unmerged', () => {
    const outputs = resultOutputs(
      result([
        task(1, { merge: 'failed', merge_commit: null, error: 'base moved' }),
        task(2, { merge: 'not-merged', merge_commit: null })
      ])
    )
    expect(outputs).toMatchObject({
      merged: '',
      failed: '1',
      conflicted: '',
      skipped: '',
      completed: '1,2'
    })
  })
})

describe('resultJson', () => {
  it('is the plain JSON when it fits', () => {
    const small = mixedResult()
    expect(resultJson(small)).toBe(JSON.stringify(small))
  })

  it('shortens errors and path lists, keeping every field, past the 1 MB output limit', () => {
    const huge = result(
      Array.from({ length: 256 }, (_, i) =>
        task(i + 1, { status: 'failed', merge: 'not-merged', error: 'e'.repeat(50_000) })
      )
    )
    huge.separation.task_file_map = Object.fromEntries(
      huge.tasks.map((t) => [
        String(t.priority),
        Array.from({ length: 500 }, (_, j) => `src/f${j}.ts`)
      ])
    )
    const text = resultJson(huge)
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(RESULT_OUTPUT_LIMIT_BYTES)
    const parsed = JSON.parse(text) as RunResult
    expect(Object.keys(parsed).sort()).toEqual(Object.keys(huge).sort())
    expect(parsed.tasks).toHaveLength(256)
    expect(parsed.tasks[0].error).toMatch(/^e+… \(\d+ more characters\)$/)
    expect(parsed.warnings.at(-1)).toContain('shortened to fit the 1 MB limit')
  })
  it('keeps every task of a plan of 1,000 priorities, cutting its half a million independent pairs', () => {
    const big = result(Array.from({ length: 1000 }, (_, i) => task(i + 1)))
    big.separation.independent_pairs = big.tasks.flatMap((a, i) =>
      big.tasks.slice(i + 1).map((b): [number, number] => [a.priority, b.priority])
    )
    const text = resultJson(big)
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(RESULT_OUTPUT_LIMIT_BYTES)
    const parsed = JSON.parse(text) as RunResult
    expect(parsed.tasks).toHaveLength(1000)
    expect(parsed.separation.independent_pairs.length).toBeGreaterThan(0)
    expect(parsed.separation.independent_pairs.length).toBeLessThan(499_500)
    expect(parsed.separation.independent_pairs[0]).toEqual([1, 2])
    expect(parsed.warnings.at(-1)).toContain('independent_pairs are cut')
  })
})
