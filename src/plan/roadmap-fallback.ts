import type { TreeListing } from './base-tree.js'
import type { SeparationIgnore } from './separation-ignore.js'
import { scopeOfSpec, type SpecScope } from './spec-scope.js'

/**
 * The ROADMAP fallback: a priority with no spec (or specs naming no path) is planned from
 * its own ROADMAP section and the story sections it links in-page, read like a spec. Lines
 * are the ROADMAP's.
 */
export function scopeOfRoadmapSections(
  sections: readonly { line: number; text: string }[],
  roadmapFile: string,
  tree: TreeListing,
  ignore: SeparationIgnore
): SpecScope {
  const paths = new Map<string, number[]>()
  const notes: string[] = []
  const dropped = new Map<string, string[]>()
  for (const section of sections) {
    const scope = scopeOfSpec(section.text, roadmapFile, tree, ignore)
    notes.push(...scope.notes)
    // "<line> (<kind>)", the line the section's: made the ROADMAP's, as the paths' lines are.
    for (const [path, whys] of scope.dropped) {
      const atRoadmap = whys.map((why) =>
        why.replace(/^\d+/, (line) => String(section.line + Number(line) - 1))
      )
      dropped.set(path, [...(dropped.get(path) ?? []), ...atRoadmap])
    }
    for (const [path, lines] of scope.paths) {
      const list = paths.get(path) ?? []
      for (const line of lines) {
        const atRoadmap = section.line + line - 1
        if (!list.includes(atRoadmap)) list.push(atRoadmap)
      }
      paths.set(
        path,
        list.sort((a, b) => a - b)
      )
    }
  }
  return { paths, notes, dropped }
}
