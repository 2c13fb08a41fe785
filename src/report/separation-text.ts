import type { Separation } from '../core/types.js'

/** The earlier priorities each priority overlaps (from the conflicts' "a,b" keys). */
export function overlapsBefore(separation: Separation): Map<number, number[]> {
  const before = new Map<number, number[]>()
  for (const key of Object.keys(separation.conflicts)) {
    const [a, b] = key.split(',').map(Number)
    if (!Number.isInteger(a) || !Number.isInteger(b)) continue
    before.set(b, [...(before.get(b) ?? []), a])
  }
  return before
}

/** The conflicts as pairs with their shared paths, in the order the plan found them. */
export function overlapPairs(
  separation: Separation
): { pair: [number, number]; paths: string[] }[] {
  return Object.entries(separation.conflicts).map(([key, paths]) => {
    const [a, b] = key.split(',').map(Number)
    return { pair: [a, b], paths }
  })
}

/** "2 waves, 1 overlap, 1 unresolved": the plan in a few words. */
export function separationInBrief(separation: Separation): string {
  const waves = separation.schedule.length
  const overlaps = Object.keys(separation.conflicts).length
  const parts = [
    `${waves} ${waves === 1 ? 'wave' : 'waves'}`,
    `${overlaps} ${overlaps === 1 ? 'overlap' : 'overlaps'}`
  ]
  if (separation.unresolved.length) parts.push(`${separation.unresolved.length} unresolved`)
  return parts.join(', ')
}

/** Which wave (1-based) each priority is in. */
export function waveOf(separation: Separation): Map<number, number> {
  const waves = new Map<number, number>()
  separation.schedule.forEach((wave, index) => {
    for (const priority of wave) waves.set(priority, index + 1)
  })
  return waves
}
