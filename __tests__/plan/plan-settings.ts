import type { SeparationMode } from '../../src/core/types.js'

export const SPECS = 'docs/architecture/specs'
export const ROADMAP = 'docs/roadmap/ROADMAP.md'

/** What buildPlan needs, with the contract's default folders. */
export function planSettings(
  repo: string,
  priorities: number[],
  separation: SeparationMode = 'waves'
) {
  return {
    repo,
    priorities,
    baseBranch: 'roadmap',
    specsDir: SPECS,
    roadmapFile: ROADMAP,
    separation
  }
}
