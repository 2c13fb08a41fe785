/**
 * `a, b, c and 1997 more`: a list of paths or names for a log line or a message, bounded
 * however long the list is (an agent can change thousands of files; the result JSON keeps
 * them all, the console shows the first few).
 */
export function someOf(items: readonly string[], max = 20): string {
  const shown = items.slice(0, max).join(', ')
  return items.length > max ? `${shown} and ${items.length - max} more` : shown
}
