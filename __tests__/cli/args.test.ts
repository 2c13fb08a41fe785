import { InputError } from '../../src/core/errors.js'
import { INPUT_NAMES } from '../../src/inputs/input-definitions.js'
import { parseCliArguments, USAGE } from '../../src/cli/args.js'

const CWD = '/home/me/project'
const parse = (...argv: string[]) => parseCliArguments(argv, CWD)

/** The InputError message that these arguments are refused with. */
function refusal(...argv: string[]): string {
  try {
    parse(...argv)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).message
  }
  throw new Error(`${JSON.stringify(argv)} was not refused`)
}

describe('parseCliArguments', () => {
  it('defaults to the current folder, no mode, no flags', () => {
    expect(parse()).toEqual({
      inputs: {},
      repo: CWD,
      json: false,
      explain: false,
      leftovers: null,
      dryRun: false,
      discardUnmerged: false,
      help: false,
      version: false
    })
  })

  it('reads status and clean as modes of their own, with their flags', () => {
    expect(parse('status', '--json')).toMatchObject({ inputs: {}, leftovers: 'status', json: true })
    expect(parse('clean', '--dry-run', '--discard-unmerged')).toMatchObject({
      inputs: {},
      leftovers: 'clean',
      dryRun: true,
      discardUnmerged: true
    })
    expect(() => parse('plan', '--dry-run')).toThrow(/only goes with the clean mode/)
  })

  it('reads the mode and positional priorities', () => {
    expect(parse('run', '65,66').inputs).toEqual({ mode: 'run', priorities: '65,66' })
    expect(parse('plan', '65', '66-67').inputs).toEqual({ mode: 'plan', priorities: '65 66-67' })
  })

  it('takes --explain with the plan mode only, and says so for another', () => {
    expect(parse('plan', '1,2', '--explain').explain).toBe(true)
    expect(parse('--mode', 'plan', '--explain').explain).toBe(true)
    expect(refusal('run', '1,2', '--explain')).toBe(
      '--explain only goes with the plan mode, not run: use parallel-worktree plan <priorities> --explain to see the spec lines behind each path.'
    )
    expect(refusal('--explain')).toMatch(/^--explain only goes with the plan mode, not run/)
  })

  it('refuses an unknown mode, naming it', () => {
    expect(refusal('deploy', '65')).toMatch(/^"deploy" is not a mode/)
  })

  it('reads every input as a flag of the same name, with a separate or inline value', () => {
    for (const name of INPUT_NAMES) {
      expect(parse('run', `--${name}`, 'x').inputs[name]).toBe('x')
      expect(parse('run', `--${name}=y=z`).inputs[name]).toBe('y=z')
    }
  })

  it('keeps a value that looks like a flag when the input takes a value', () => {
    expect(parse('run', '--agent-command', '--dry-run').inputs['agent-command']).toBe('--dry-run')
    expect(parse('run', '--setup-command=').inputs['setup-command']).toBe('')
  })

  it('reads boolean flags alone, negated, or with a value', () => {
    expect(parse('run', '--push').inputs.push).toBe('true')
    expect(parse('run', '--no-push').inputs.push).toBe('false')
    expect(parse('run', '--push', 'false').inputs.push).toBe('false')
    expect(parse('run', '--push=false').inputs.push).toBe('false')
    expect(parse('run', '--cleanup', '--json').inputs.cleanup).toBe('true')
    // Validation then names the bad value, rather than a missing one.
    expect(parse('run', '--push', 'yes').inputs.push).toBe('yes')
  })

  it('does not take a positional priority as the value of a boolean flag', () => {
    expect(parse('run', '--push', '65,66').inputs).toEqual({
      mode: 'run',
      push: 'true',
      priorities: '65,66'
    })
    expect(parse('run', '--no-cleanup', '65').inputs).toEqual({
      mode: 'run',
      cleanup: 'false',
      priorities: '65'
    })
  })

  it('reads --repo, --json, --help and --version', () => {
    expect(parse('run', '--repo', '../other', '--json')).toMatchObject({
      repo: '../other',
      json: true
    })
    expect(parse('--repo=/abs').repo).toBe('/abs')
    expect(parse('--help').help).toBe(true)
    expect(parse('-h').help).toBe(true)
    expect(parse('--version').version).toBe(true)
  })

  it.each([
    [['run', '--max-paralel', '3'], /^--max-paralel is not an option/],
    [['run', '--no-max-parallel'], /^--no-max-parallel is not an option/],
    [['run', '--max-parallel'], /^--max-parallel needs a value/],
    [['run', '--repo'], /^--repo needs a value/]
  ])('refuses %j', (argv, message) => {
    expect(refusal(...argv)).toMatch(message)
  })

  it('passes a bad priority through for validation to name it', () => {
    expect(parse('run', '65;rm', '-rf', '/').inputs.priorities).toBe('65;rm -rf /')
  })
})

describe('USAGE', () => {
  it('lists every input as a flag', () => {
    for (const name of INPUT_NAMES.filter((input) => input !== 'mode')) {
      expect(USAGE).toMatch(new RegExp(`--(\\[no-\\])?${name} `))
    }
  })
})
