// The engine's public entry points: the action and the CLI are thin shells over these.
export { runParallel, type EngineOptions } from './run-engine.js'
export { planOnly, matrixOf } from './plan-engine.js'
export { preflight } from './preflight.js'
export { parseSettings } from '../inputs/settings.js'
export { parsePriorities } from '../inputs/priorities.js'
export {
  INPUT_DEFAULTS,
  INPUT_NAMES,
  type RawInputs,
  type InputName
} from '../inputs/input-definitions.js'
export { InputError, GitError } from './errors.js'
export type { Logger } from './logger.js'
export type * from './types.js'
export { execute, stepSucceeded, type Execution } from './execute.js'
export { cleanupLeftovers, type Leftovers } from '../run/leftover-cleanup.js'
