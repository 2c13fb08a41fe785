import type { GitCommandManager } from '../git/git-command-manager.js'
import type { TaskContext } from '../run/task-runner.js'
import { WorktreeManager } from '../run/worktree-manager.js'
import { DEFAULT_KILL_GRACE_MS } from '../run/run-stage.js'
import type { EngineOptions } from './run-engine.js'
import type { Settings } from './types.js'

/** What running one priority needs, the same in `run` and `task` mode. */
export async function createTaskContext(
  settings: Settings,
  git: GitCommandManager,
  options: EngineOptions
): Promise<TaskContext> {
  return {
    settings,
    git,
    worktrees: new WorktreeManager(git, options.logger),
    logger: options.logger,
    signal: options.signal ?? new AbortController().signal,
    killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    events: options.events ?? {},
    env: options.env ?? process.env,
    identity: await git.identityEnv()
  }
}
