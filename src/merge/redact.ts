/**
 * Removes credentials that a remote URL may carry (`https://x-access-token:TOKEN@host/...`)
 * from a text git printed, before it is logged or put in a result.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@')
    .replace(/(authorization:\s*(?:basic|bearer|token)\s+)\S+/gi, '$1***')
}
