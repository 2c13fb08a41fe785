import { InputError } from '../../src/core/errors.js'
import { parseSettings } from '../../src/inputs/settings.js'

const parse = (inputs: Record<string, string>) =>
  parseSettings({ priorities: '1', 'log-dir': '/tmp/logs', ...inputs }, '/repo', {})

describe('the merge queue inputs', () => {
  test('defaults: no verify gate, 30 minutes a run, rerun on conflict, no retry', () => {
    expect(parse({})).toMatchObject({
      verifyCommand: '',
      verifyTimeoutMs: 30 * 60_000,
      onConflict: 'rerun',
      resolveCommand: '',
      maxRetries: 0
    })
  })

  test('values as given', () => {
    expect(
      parse({
        'verify-command': 'npm test',
        'verify-timeout-minutes': '2.5',
        'on-conflict': 'resolve',
        'resolve-command': 'fix {conflict-files}',
        'max-retries': '3'
      })
    ).toMatchObject({
      verifyCommand: 'npm test',
      verifyTimeoutMs: 150_000,
      onConflict: 'resolve',
      resolveCommand: 'fix {conflict-files}',
      maxRetries: 3
    })
  })

  test.each([
    [{ 'on-conflict': 'merge' }, /on-conflict: "merge" is not one of rerun, resolve, keep/],
    [{ 'on-conflict': 'resolve' }, /on-conflict: resolve needs resolve-command/],
    [{ 'max-retries': '-1' }, /max-retries: "-1" is not a whole number from 0 to 10/],
    [{ 'max-retries': '2.5' }, /max-retries/],
    [{ 'verify-timeout-minutes': 'soon' }, /verify-timeout-minutes: "soon" is not a number/]
  ])('refuses %j before anything is touched', (inputs, message) => {
    expect(() => parse(inputs)).toThrow(InputError)
    expect(() => parse(inputs)).toThrow(message)
  })
})
