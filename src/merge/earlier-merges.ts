import type { Settings } from '../core/types.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { firstParentMerges } from '../git/merge-history.js'
import { mergeMessage } from './merge-engine.js'

/** What every merge commit of this tool says after its priority (see mergeMessage). */
const MERGE_FRAGMENT = mergeMessage(0).replace(/^Merge PRIORITY 0 /, '')

/**
 * skip-merged: the priorities among `priorities` that an earlier run already merged into
 * `baseBranch` (its history from `from`, the commit the run starts from, when given), each
 * with its merge commit (the newest, when there are several). Read from base's first-parent
 * history, where the merge engine (and the resolve commands the report
 * gives) put `Merge PRIORITY <n> from parallel execution`: the subject must be exactly that,
 * so that 2 is not taken for 2.5 nor 12.
 */
export async function earlierMerges(
  git: GitCommandManager,
  baseBranch: string,
  priorities: readonly number[],
  from?: string
): Promise<Map<number, string>> {
  const wanted = new Map(priorities.map((priority) => [mergeMessage(priority), priority]))
  const found = new Map<number, string>()
  if (wanted.size === 0) return found
  for (const { commit, subject } of await firstParentMerges(
    git,
    baseBranch,
    MERGE_FRAGMENT,
    from
  )) {
    const priority = wanted.get(subject)
    if (priority !== undefined && !found.has(priority)) found.set(priority, commit)
  }
  return found
}

/**
 * The merges the plan leaves out under skip-merged (none when it is off), found in the
 * history of `from`: the commit the plan reads (fetch-base may have taken origin's tip).
 */
export async function mergesToSkip(
  git: GitCommandManager,
  settings: Pick<Settings, 'skipMerged' | 'baseBranch' | 'priorities'>,
  from?: string
): Promise<Map<number, string>> {
  if (!settings.skipMerged) return new Map()
  return earlierMerges(git, settings.baseBranch, [...new Set(settings.priorities)], from)
}
