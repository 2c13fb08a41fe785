import { describe, expect, it } from '@jest/globals'
import { code, codeBlock, escapeInline, formatDuration, truncate } from '../../src/report/format.js'

describe('format helpers', () => {
  it('formats durations without rounding into an impossible value', () => {
    expect([0, 420, 59_940, 59_960, 61_000, 3_599_600, 5_400_000].map(formatDuration)).toEqual([
      '0.0s',
      '0.4s',
      '59.9s',
      '1m 00s',
      '1m 01s',
      '1h 00m',
      '1h 30m'
    ])
    expect(formatDuration(-1)).toBe('—')
  })

  it('cuts on a code point and says so', () => {
    expect(truncate('abcdef', 4)).toBe('abc…')
    expect(truncate('ab😀cd', 4)).toBe('ab…')
    expect(truncate('short', 10)).toBe('short')
  })

  it('fences any text', () => {
    expect(code('a`b')).toBe('``a`b``')
    expect(code('`x')).toBe('`` `x ``')
    expect(codeBlock('x\n````\ny')).toBe('`````\nx\n````\ny\n`````')
  })

  it('makes untrusted text inert inline Markdown', () => {
    expect(escapeInline('a|b <b>x</b> [l](u) @someone #1 *e*')).toBe(
      'a\\|b &lt;b&gt;x&lt;/b&gt; \\[l\\](u) @\u200Bsomeone \\#\u200B1 \\*e\\*'
    )
  })
})
