import type { GitCommandManager } from '../git/git-command-manager.js'
import type { Logger } from '../engine/logger.js'

export interface MergeAttempt {
  outcome: 'merged' | 'conflict' | 'failed'
  /** The merge commit, when merged. */
  commit: string | null
  conflictFiles: string[]
  error: string | null
}

export function mergeMessage(priority: number): string {
  return `Merge PRIORITY ${priority} from parallel execution`
}

/**
 * Merges branches into the base branch in the object store (merge-tree, commit-tree,
 * compare-and-swap update-ref): no checkout is touched, so a conflict leaves nothing behind.
 * Calls are serialised: one merge at a time, each on the tip the previous one left.
 */
export class MergeEngine {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly git: GitCommandManager,
    private readonly baseBranch: string,
    private readonly logger: Logger
  ) {}

  merge(branch: string, priority: number): Promise<MergeAttempt> {
    const next = this.queue.then(() => this.mergeNow(branch, priority))
    this.queue = next.catch(() => undefined)
    return next
  }

  /** Deletes a branch whose work is in base (checked first: a branch is never lost). */
  async deleteMergedBranch(branch: string): Promise<void> {
    const tip = await this.git.resolveCommit(`refs/heads/${branch}`)
    if (tip && (await this.git.isAncestor(tip, `refs/heads/${this.baseBranch}`))) {
      await this.git.exec(['update-ref', '-d', `refs/heads/${branch}`, tip])
    }
  }

  private async mergeNow(branch: string, priority: number): Promise<MergeAttempt> {
    const baseRef = `refs/heads/${this.baseBranch}`
    try {
      const base = await this.git.run(['rev-parse', '--verify', `${baseRef}^{commit}`])
      const tip = await this.git.run(['rev-parse', '--verify', `refs/heads/${branch}^{commit}`])
      const tree = await this.git.exec(
        ['merge-tree', '--write-tree', '--name-only', '-z', base, tip],
        {
          okExitCodes: [1]
        }
      )
      const [treeId, ...rest] = tree.stdout.split('\0')
      if (tree.exitCode === 1) {
        const files = rest.slice(0, rest.indexOf('') === -1 ? undefined : rest.indexOf(''))
        return { outcome: 'conflict', commit: null, conflictFiles: files, error: null }
      }
      const identity = await this.git.identityEnv()
      const commit = await this.git.run(
        ['commit-tree', treeId, '-p', base, '-p', tip, '-m', mergeMessage(priority)],
        { env: identity }
      )
      await this.git.run(['update-ref', '-m', mergeMessage(priority), baseRef, commit, base])
      this.logger.info(`Merged ${branch} into ${this.baseBranch} (${commit.slice(0, 12)})`)
      return { outcome: 'merged', commit, conflictFiles: [], error: null }
    } catch (error) {
      return {
        outcome: 'failed',
        commit: null,
        conflictFiles: [],
        error: String((error as Error).message)
      }
    }
  }
}
