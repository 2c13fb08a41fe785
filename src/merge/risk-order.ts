import { changeSize } from '../git/candidate-worktree.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { isHubFile } from './hub-files.js'

/**
 * The order a batch is verified and landed in: the safest branches first, the riskiest last
 * (files another branch of the batch also changes, then hub files such as the manifest or
 * the CLI entry, which priorities touch for wiring, or a file the import graph shows many
 * priorities lean on, then the largest diffs), so that a
 * failing batch's culprit tends to sit at the end, where the good prefix before it is long
 * and one round often settles it. Ties keep the order given.
 */
export async function riskOrder(
  git: GitCommandManager,
  base: string,
  tips: readonly string[],
  /** The plan's import hubs (separation.hub_files): files many priorities' files import. */
  importHubs: ReadonlySet<string> = new Set()
): Promise<number[]> {
  const sizes = await Promise.all(tips.map((tip) => changeSize(git, base, tip)))
  const touchedBy = new Map<string, number>()
  for (const { files } of sizes) {
    for (const file of files) touchedBy.set(file, (touchedBy.get(file) ?? 0) + 1)
  }
  const risk = sizes.map(({ files, lines }) => ({
    shared: files.filter((file) => (touchedBy.get(file) ?? 0) > 1).length,
    hubs: files.filter((file) => isHubFile(file) || importHubs.has(file)).length,
    lines
  }))
  return tips
    .map((_, index) => index)
    .sort(
      (a, b) =>
        risk[a].shared - risk[b].shared ||
        risk[a].hubs - risk[b].hubs ||
        risk[a].lines - risk[b].lines ||
        a - b
    )
}
