import { InputError } from '../../src/core/errors.js'
import { MAX_PRIORITIES, parsePriorities } from '../../src/inputs/priorities.js'

/** The InputError that parsing `text` throws (fails the test when nothing is thrown). */
function refusal(text: string): InputError {
  try {
    parsePriorities(text)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error(`parsePriorities(${JSON.stringify(text.slice(0, 80))}) did not refuse it`)
}

describe('parsePriorities', () => {
  it.each([
    ['65', [65]],
    ['65,66,67', [65, 66, 67]],
    ['65, 66 67', [65, 66, 67]],
    ['65\n66\r\n67\t68', [65, 66, 67, 68]],
    [' ,65,, 66 ,', [65, 66]],
    ['65-67', [65, 66, 67]],
    ['65-65', [65]],
    ['1-3, 10, 7-8', [1, 2, 3, 10, 7, 8]],
    ['007', [7]]
  ])('reads %j as %j', (text, expected) => {
    expect(parsePriorities(text)).toEqual(expected)
  })

  it('drops duplicates and keeps the order of first appearance', () => {
    expect(parsePriorities('67, 65, 67, 66 65')).toEqual([67, 65, 66])
    expect(parsePriorities('66-68, 65-67')).toEqual([66, 67, 68, 65])
  })

  it('counts the limit after dropping duplicates', () => {
    expect(parsePriorities(Array(10_000).fill('65').join(','))).toEqual([65])
    expect(parsePriorities(`1-${MAX_PRIORITIES}`)).toHaveLength(MAX_PRIORITIES)
  })

  it.each([
    ['65;rm -rf /', '65;rm'],
    ['65 $(reboot)', '$(reboot)'],
    ['65 `id`', '`id`'],
    ['-3', '-3'],
    ['abc', 'abc'],
    ['65, abc, 66', 'abc'],
    ['0', '0'],
    ['00', '00'],
    ['+65', '+65'],
    ['65.0', '65.0'],
    ['1e2', '1e2'],
    ['0x41', '0x41'],
    ['６５', '６５'],
    ['65 - 67', '-'],
    ['65--67', '65--67'],
    ['65-67-69', '65-67-69'],
    ['67-65', '67-65'],
    ['0-3', '0-3'],
    ['99999999999999999999', '99999999999999999999'],
    ['9007199254740991-9007199254740993', '9007199254740991-9007199254740993']
  ])('refuses %j, naming %j', (text, token) => {
    expect(refusal(text).message).toContain(`"${token}"`)
  })

  it.each(['', '   ', ',,', '\n\n'])('refuses %j: no priority given', (text) => {
    expect(refusal(text).message).toMatch(/no priority given/)
  })

  it('refuses 10,000 distinct IDs, naming the first one past the limit', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => String(i + 1))
    const { message } = refusal(ids.join(', '))
    expect(message).toContain(`"${MAX_PRIORITIES + 1}"`)
    expect(message).toContain(String(MAX_PRIORITIES))
  })

  it('refuses a range that would pass the limit with the IDs before it, naming the range', () => {
    expect(refusal('1-200, 300-400').message).toContain('"300-400"')
  })

  it('refuses a huge range at once, naming it', () => {
    const { message } = refusal('1-999999999999')
    expect(message).toContain('"1-999999999999"')
    expect(message).toContain(String(MAX_PRIORITIES))
  })

  it('keeps the message short when the bad token is huge', () => {
    const huge = '9'.repeat(100_000)
    expect(refusal(huge).message.length).toBeLessThan(200)
    expect(refusal(`x${huge}`).message.length).toBeLessThan(200)
    expect(refusal(`1-${huge}`).message.length).toBeLessThan(200)
  })

  it('shows control characters in a bad token as escapes, not raw', () => {
    const { message } = refusal('65\u001b[31m')
    expect(message).not.toContain('\u001b')
    expect(message).toContain('\\u001b')
  })
})
