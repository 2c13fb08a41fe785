import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

// docs/reliability.md tells users what is guaranteed and which test checks it: it must cite
// only tests that exist, and cite every test of the suites that attack the promises.

const DOC = readFileSync('docs/reliability.md', 'utf8')
/** `__tests__/x.test.ts` › “title” */
const CITATION = /`(__tests__\/[^`]+?\.test\.ts)` › “([^”]+)”/g
const SUITES = ['__tests__/faults', '__tests__/bad-input', '__tests__/security']

/** Source text as its strings read: `'C:\\x'` in a file is `C:\x` in a test's title. */
const unescaped = (source: string): string => source.replace(/\\\\/g, '\\')

/** The titles of `it(…)` and `test(…)` given as plain string literals (no `%` templates). */
function titles(source: string): string[] {
  const found: string[] = []
  for (const match of source.matchAll(/^\s*(?:it|test)\(\s*(['"`])((?:\\.|(?!\1).)*)\1/gm)) {
    const title = unescaped(match[2]).replace(/\\(['"`])/g, '$1')
    if (!title.includes('%')) found.push(title)
  }
  return found
}

describe('docs/reliability.md', () => {
  const citations = [...DOC.matchAll(CITATION)].map(([, file, title]) => ({ file, title }))

  it('cites tests, each in a file that exists and holds that title', () => {
    expect(citations.length).toBeGreaterThan(40)
    // The whole title, as the string literal that names the test (or its describe block).
    const holds = (file: string, title: string): boolean => {
      const source = unescaped(readFileSync(file, 'utf8'))
      return ["'", '"', '`'].some((quote) => source.includes(`${quote}${title}${quote}`))
    }
    const missing = citations.filter(({ file, title }) => !existsSync(file) || !holds(file, title))
    expect(missing).toEqual([])
  })

  it('cites every test of the fault, bad-input and security suites', () => {
    const cited = new Set(citations.map(({ file, title }) => `${file} › ${title}`))
    const uncited = SUITES.flatMap((suite) =>
      readdirSync(suite)
        .filter((name) => name.endsWith('.test.ts') && name !== 'reliability-doc.test.ts')
        .flatMap((name) => {
          const file = join(suite, name)
          return titles(readFileSync(file, 'utf8')).map((title) => `${file} › ${title}`)
        })
    ).filter((test) => !cited.has(test))
    expect(uncited).toEqual([])
  })
})
