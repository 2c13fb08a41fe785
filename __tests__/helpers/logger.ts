import type { Logger } from '../../src/core/logger.js'

/** A logger that keeps every line, for assertions on what a run said. */
export interface MemoryLogger extends Logger {
  lines: string[]
  groups: { title: string; body: string }[]
  text(): string
}

export interface MemoryLoggerOptions {
  /** Info lines as `info: …` (warnings and errors always carry their level). */
  levels?: boolean
  /** Debug lines kept, as `debug: …`. */
  debug?: boolean
  /** A group as its title then its body in one line (else its title alone). */
  groupBodies?: boolean
}

export function memoryLogger(options: MemoryLoggerOptions = {}): MemoryLogger {
  const lines: string[] = []
  const groups: { title: string; body: string }[] = []
  return {
    lines,
    groups,
    info: (message) => void lines.push(options.levels ? `info: ${message}` : message),
    warning: (message) => void lines.push(`warning: ${message}`),
    error: (message) => void lines.push(`error: ${message}`),
    debug: (message) => void (options.debug && lines.push(`debug: ${message}`)),
    group: (title, body) => {
      groups.push({ title, body })
      lines.push(options.groupBodies ? `group: ${title}\n${body}` : `group: ${title}`)
    },
    text: () => lines.join('\n')
  }
}

/** A logger that says nothing. */
export const silentLogger: Logger = {
  info: () => {},
  warning: () => {},
  error: () => {},
  debug: () => {},
  group: () => {}
}
