/** Lines of each task's output shown live on the console; the rest is in its log. */
export const CONSOLE_LINES = 200

/**
 * The live console's share of one task's output: its first lines, then one line pointing to
 * the log. The task's report (its last lines) follows when it ends, so that a flooding agent
 * costs the console a bounded number of lines whatever it writes.
 */
export function consoleShare(
  show: (line: string) => void,
  logFile: string,
  maxLines = CONSOLE_LINES
): (line: string) => void {
  let shown = 0
  return (line) => {
    if (shown < maxLines) show(line)
    else if (shown === maxLines) {
      show(
        `… more output than the console shows (${maxLines} lines per priority): the whole log is ${logFile}; its last lines follow when the priority ends`
      )
    }
    shown += 1
  }
}
