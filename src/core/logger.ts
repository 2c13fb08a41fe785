/**
 * Where the engine says what it does. The action backs it with @actions/core, the CLI with
 * stderr, tests with an array: the engine never imports either.
 */
export interface Logger {
  info(message: string): void
  warning(message: string, file?: string): void
  error(message: string, file?: string): void
  debug(message: string): void
  /** One collapsible block (log groups do not nest: call with a finished text). */
  group(title: string, body: string): void
}
