import * as core from '@actions/core'
import type { Logger } from '../engine/logger.js'

/** The engine's logger on a runner: log lines, annotations and groups through @actions/core. */
export const actionLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message, file) => core.warning(message, file ? { file } : {}),
  error: (message, file) => core.error(message, file ? { file } : {}),
  debug: (message) => core.debug(message),
  group: (title, body) => {
    core.startGroup(title)
    core.info(body)
    core.endGroup()
  }
}
