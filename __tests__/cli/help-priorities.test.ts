import { usage } from '../../src/cli/help.js'
import { parsePriorities } from '../../src/inputs/priorities.js'

describe('--help on priorities', () => {
  it('says decimal IDs are valid, as the parser takes them', () => {
    expect(parsePriorities('2.5, 65-67')).toEqual([2.5, 65, 66, 67])
    const line = usage()
      .split('\n')
      .find((text) => text.trimStart().startsWith('--priorities'))
    expect(line).toBeDefined()
    expect(line).toContain('2.5')
    expect(line).not.toMatch(/integers/)
  })
})
