import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { INPUT_DEFAULTS, INPUT_NAMES } from '../../src/inputs/input-definitions.js'

interface ActionInput {
  description?: unknown
  required?: unknown
  default?: unknown
}

interface ActionMetadata {
  name?: unknown
  description?: unknown
  branding?: { icon?: unknown; color?: unknown }
  inputs: Record<string, ActionInput>
  outputs: Record<string, { description?: unknown }>
  runs: Record<string, unknown>
}

const action = parse(readFileSync(join(process.cwd(), 'action.yml'), 'utf8')) as ActionMetadata

/** The outputs the contract names, in its order. */
const CONTRACT_OUTPUTS = ['result', 'merged', 'failed', 'conflicted', 'skipped', 'matrix']

/** GitHub's branding colours (the icon set is Feather's, too long to list here). */
const BRANDING_COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple']

describe('action.yml', () => {
  it('names and describes the action, with branding', () => {
    expect(action.name).toBe('parallel-worktree')
    expect(typeof action.description).toBe('string')
    expect(typeof action.branding?.icon).toBe('string')
    expect([...BRANDING_COLORS, 'gray-dark']).toContain(action.branding?.color)
  })

  it('declares every input of input-definitions.ts, and no other', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort())
  })

  it.each(INPUT_NAMES.filter((name) => name !== 'github-token' && name !== 'priorities'))(
    'gives %s the same default as input-definitions.ts',
    (name) => {
      const input = action.inputs[name]
      // A runner passes a default as text: YAML's 2 or true would arrive as "2" and "true".
      expect(typeof input.default).toBe('string')
      expect(input.default).toBe(INPUT_DEFAULTS[name])
      expect(input.required).toBe(false)
    }
  )

  it('requires priorities, with no default', () => {
    expect(action.inputs.priorities.required).toBe(true)
    expect(action.inputs.priorities.default).toBeUndefined()
  })

  it("defaults github-token to the job's token", () => {
    expect(action.inputs['github-token'].default).toBe('${{ github.token }}')
  })

  it('describes every input in one line', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect({ name, description: typeof input.description }).toEqual({
        name,
        description: 'string'
      })
      expect(String(input.description)).not.toMatch(/\n/)
    }
  })

  it("declares the contract's outputs first, then the extra ones, each described", () => {
    expect(Object.keys(action.outputs).slice(0, CONTRACT_OUTPUTS.length)).toEqual(CONTRACT_OUTPUTS)
    for (const [name, output] of Object.entries(action.outputs)) {
      expect({ name, description: typeof output.description }).toEqual({
        name,
        description: 'string'
      })
      expect(String(output.description)).not.toMatch(/\n/)
    }
  })

  it('runs dist/index.js on node24, with an always-run post step from the same bundle', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/index.js',
      'post-if': 'always()'
    })
  })
})
