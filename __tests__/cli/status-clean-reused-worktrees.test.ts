import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Leftover } from '../../src/engine/leftovers-report.js'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { markSwitching } from '../../src/git/worktree-fill.js'
import { buildSourceCli } from './source-cli.js'
import { createRepo, git, roadmapFiles, type TempRepo } from '../helpers/temp-repo.js'

// What a run that reuses finished worktrees can leave when it is killed: a spare (a finished
// worktree waiting for the next priority, under `<repo>-wt-spare-<n>`) and a worktree stopped
// while it was being switched to the next priority's branch (files half one branch's, half the
// other's). `status` names both for what they are; `clean` removes both, saving nothing.
const cli = buildSourceCli(process.cwd(), 'status-clean-reuse-tests')
afterAll(() => cli[Symbol.dispose]())

function runCli(repo: TempRepo, args: string[]): { status: number | null; stdout: string } {
  const ran = spawnSync(process.execPath, [cli.entry, ...args, '--repo', repo.repo], {
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GITHUB_TOKEN: '' }
  })
  return { status: ran.status, stdout: ran.stdout }
}

describe('status and clean after a run that reused worktrees', () => {
  it('list a spare and a worktree stopped mid-switch as holding no work, and clean removes both unsaved', async () => {
    using repo = createRepo(roadmapFiles({ 1: { files: ['src/p1.ts'] } }))
    // An unlocked spare (a run killed between unlocking it and locking it for its next task).
    const spare = join(repo.path, 'repo-wt-spare-1')
    git(repo.repo, 'worktree', 'add', '--quiet', '--detach', spare, 'roadmap')
    // A worktree stopped mid-switch: its HEAD still names the previous commit, a file is
    // already the next branch's.
    const switching = join(repo.path, 'repo-wt3')
    git(repo.repo, 'branch', 'feature/us-003', 'roadmap')
    git(
      repo.repo,
      'worktree',
      'add',
      '--quiet',
      '--lock',
      '--reason',
      'parallel-worktree: priority 3 in progress',
      switching,
      'feature/us-003'
    )
    await markSwitching(new GitCommandManager(switching), 'feature/us-003')
    writeFileSync(join(switching, 'src/p1.ts'), 'half of the next branch\n')

    const listed = JSON.parse(runCli(repo, ['status', '--json']).stdout) as Leftover[]
    const worktree = (path: string) => listed.find((item) => item.name === path)
    expect(worktree(spare)).toMatchObject({ kind: 'worktree', uncommitted: false })
    expect(worktree(switching)).toMatchObject({
      kind: 'worktree',
      uncommitted: false,
      next: 'parallel-worktree clean'
    })
    expect(worktree(switching)?.why).toContain('its checkout did not complete')

    expect(runCli(repo, ['clean']).status).toBe(0)
    expect(existsSync(spare)).toBe(false)
    expect(existsSync(switching)).toBe(false)
    expect(git(repo.repo, 'log', '--all', '--format=%s')).not.toContain('WIP')
    expect(git(repo.repo, 'worktree', 'list', '--porcelain')).not.toContain('-wt')
  }, 60_000)
})
