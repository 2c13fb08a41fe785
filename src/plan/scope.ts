import { overlapOf, parsePattern, type PathPattern } from './path-pattern.js'

/**
 * Scope after the fact: the files an agent changed against the paths its spec named. A file
 * is in scope when it meets one of them by the plan's own overlap rule (a named folder holds
 * its files, a glob its matches).
 */
export function outOfScope(changed: readonly string[], named: readonly string[]): string[] {
  if (named.length === 0) return [] // an unknown scope: nothing to measure against
  const patterns = named.map(parsePattern)
  return changed.filter((file) => !meetsAny(file, patterns))
}

/** Whether any of the files meets any of the paths (a priority's scope). */
export function touchesScope(files: readonly string[], named: readonly string[]): boolean {
  const patterns = named.map(parsePattern)
  return files.some((file) => meetsAny(file, patterns))
}

function meetsAny(file: string, patterns: readonly PathPattern[]): boolean {
  const literal = parsePattern(file)
  return patterns.some((pattern) => overlapOf(pattern, literal) !== null)
}
