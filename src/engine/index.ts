// The engine's public entry points: the action and the CLI are thin shells over these.
export { runParallel, type EngineOptions } from './run-mode.js'
export { planOnly, matrixOf } from './plan-mode.js'
export { preflight } from './preflight.js'
export { parseSettings } from '../inputs/settings.js'
export { parsePriorities } from '../inputs/priorities.js'
export {
  INPUT_DEFAULTS,
  INPUT_NAMES,
  type RawInputs,
  type InputName
} from '../inputs/input-definitions.js'
export { InputError, GitError } from '../core/errors.js'
export type { Logger } from '../core/logger.js'
export type * from '../core/types.js'
export { execute, stepSucceeded, type Execution } from './execute.js'
export { cleanupLeftovers, type Leftovers } from '../run/leftover-cleanup.js'
export {
  findLeftovers,
  formatLeftovers,
  type Leftover,
  type LeftoverSettings
} from './leftovers-report.js'
export { cleanLeftovers, formatClean, type CleanOptions, type CleanOutcome } from './clean-mode.js'
