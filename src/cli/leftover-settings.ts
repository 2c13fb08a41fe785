import { InputError } from '../core/errors.js'
import type { LeftoverSettings } from '../engine/leftovers-report.js'
import { assertPlainBranchName, validateBranchTemplate } from '../git/ref-names.js'
import { INPUT_DEFAULTS, type InputName, type RawInputs } from '../inputs/input-definitions.js'

/** What `status` and `clean` read of the inputs: where the run puts its branches and worktrees. */
const USED: readonly InputName[] = ['base-branch', 'branch-template', 'worktree-dir']

/**
 * The inputs `status` and `clean` use, checked as a run checks them; any other is refused
 * (it would change nothing, and a user who gives one expects it to).
 */
export function leftoverSettings(inputs: RawInputs, repo: string): LeftoverSettings {
  for (const name of Object.keys(inputs) as InputName[]) {
    if (!USED.includes(name)) {
      throw new InputError(
        `--${name} does not go with status or clean: they take only --base-branch, --branch-template and --worktree-dir (as the run used them)`
      )
    }
  }
  const get = (name: InputName): string => inputs[name]?.trim() || INPUT_DEFAULTS[name]
  const baseBranch = get('base-branch')
  assertPlainBranchName(baseBranch, 'base-branch')
  const branchTemplate = get('branch-template')
  validateBranchTemplate(branchTemplate, [])
  return { repo, baseBranch, branchTemplate, worktreeDir: get('worktree-dir') }
}
