import * as core from '@actions/core'
import type { Logger } from '../core/logger.js'

/** Annotations this step has made so far: they share the runner's caps with the report's. */
export const annotationsMade = { error: 0, warning: 0 }

/** The engine's logger on a runner: log lines, annotations and groups through @actions/core. */
export const actionLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message, file) => {
    annotationsMade.warning += 1
    core.warning(message, file ? { file } : {})
  },
  error: (message, file) => {
    annotationsMade.error += 1
    core.error(message, file ? { file } : {})
  },
  debug: (message) => core.debug(message),
  group: (title, body) => {
    core.startGroup(title)
    core.info(body)
    core.endGroup()
  }
}
