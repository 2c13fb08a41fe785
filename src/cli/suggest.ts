/**
 * The known word closest to a mistyped one (`max-paralel` → `max-parallel`), or null when
 * none is close enough to be what was meant: at most a quarter of its letters (and at least
 * one) changed, added, removed or swapped, or the start of exactly one known word.
 */
export function closestWord(typed: string, known: readonly string[]): string | null {
  const budget = Math.max(1, Math.floor(typed.length / 4))
  let best: string | null = null
  let bestDistance = Infinity
  for (const word of known) {
    const distance = editDistance(typed, word)
    if (distance < bestDistance) {
      best = word
      bestDistance = distance
    }
  }
  if (best !== null && bestDistance <= budget) return best
  const starts = typed.length >= 3 ? known.filter((word) => word.startsWith(typed)) : []
  return starts.length === 1 ? starts[0] : null
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1)
      }
    }
  }
  return rows[a.length][b.length]
}
