import * as core from '@actions/core'
import { INPUT_NAMES, type RawInputs } from '../inputs/input-definitions.js'

/** Every input as the runner gave it (`INPUT_<NAME>`), untrimmed and unvalidated. */
export function readActionInputs(): RawInputs {
  const raw: RawInputs = {}
  for (const name of INPUT_NAMES) {
    const value = core.getInput(name, { trimWhitespace: false })
    if (value !== '') raw[name] = value
  }
  return raw
}
