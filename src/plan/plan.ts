import type { Plan, Settings } from '../engine/types.js'

/** Walking-skeleton plan: every priority in one wave, no analysis yet. */
export async function buildPlan(
  settings: Pick<
    Settings,
    'repo' | 'priorities' | 'baseBranch' | 'specsDir' | 'roadmapFile' | 'separation'
  >
): Promise<Plan> {
  const tasks = settings.priorities.map((priority) => ({
    priority,
    spec_files: [],
    paths: [],
    after: [],
    skip_reason: null,
    notes: []
  }))
  return {
    tasks,
    separation: {
      valid: true,
      independent_pairs: [],
      conflicts: {},
      task_file_map: Object.fromEntries(settings.priorities.map((p) => [String(p), []])),
      unresolved: [],
      schedule: [settings.priorities.slice()]
    }
  }
}
