import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { filesWithAddedMarkers } from '../../src/git/worktree-state.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from './run-helpers.js'

// An agent that exits 0 but leaves git stopped half-way, or commits a conflict's markers,
// must fail: that state is never committed, never merged, and its branch is kept.
const HALF_DONE = `
set -e
if [ "$PRIORITY_ID" = 4 ]; then
  printf 'ok\\n' > clean.txt && git add clean.txt && git commit -qm "honest work" && exit 0
fi
echo one > shared.txt && git add shared.txt && git commit -qm "agent's side"
git branch "side-$PRIORITY_ID" HEAD~1
git checkout -q "side-$PRIORITY_ID" && echo two > shared.txt && git add shared.txt && git commit -qm "other side"
git checkout -q "$BRANCH_NAME"
case "$PRIORITY_ID" in
  1) git merge "side-$PRIORITY_ID" >/dev/null 2>&1 || true ;;
  2) git rebase "side-$PRIORITY_ID" >/dev/null 2>&1 || true ;;
  3) git merge "side-$PRIORITY_ID" >/dev/null 2>&1 || true
     git add shared.txt && git commit -qm "merged, markers and all" ;;
esac
exit 0
`

describe('the worktree state an agent leaves', () => {
  test('an unfinished merge, a rebase in progress and committed conflict markers each fail and are never merged', async () => {
    using dir = createRepo(
      roadmapFiles({
        1: { files: ['a.txt'] },
        2: { files: ['b.txt'] },
        3: { files: ['c.txt'] },
        4: { files: ['d.txt'] }
      })
    )
    const agent = script(join(dir.path, 'half-done.sh'), HALF_DONE)
    const baseBefore = git(dir.repo, 'rev-parse', 'roadmap')
    const result = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1-4',
        'max-parallel': '4',
        separation: 'off',
        'agent-command': `bash ${agent}`,
        'pr-comment': 'false'
      }),
      testEngineOptions()
    )
    const byPriority = (p: number) => result.tasks.find((task) => task.priority === p)!
    expect(byPriority(1)).toMatchObject({ status: 'failed', merge: 'not-merged' })
    expect(byPriority(1).error).toContain('a merge is in progress')
    expect(byPriority(1).error).toContain('unmerged paths: shared.txt')
    expect(byPriority(2)).toMatchObject({ status: 'failed', merge: 'not-merged' })
    expect(byPriority(2).error).toContain('a rebase is in progress')
    expect(byPriority(3)).toMatchObject({ status: 'failed', merge: 'not-merged' })
    expect(byPriority(3).error).toContain('conflict markers in shared.txt')
    expect(byPriority(4)).toMatchObject({ status: 'completed', merge: 'merged' })

    // Only the honest work reached base; no marker ever did.
    expect(git(dir.repo, 'rev-parse', 'roadmap^1')).toBe(baseBefore)
    expect(git(dir.repo, 'ls-tree', '--name-only', 'roadmap')).not.toContain('shared.txt')
    for (const p of [1, 2, 3]) {
      const task = byPriority(p)
      // The branch keeps the agent's commits, nothing committed for it; the worktree is gone,
      // saved as the agent left it under a ref of ours.
      expect(git(dir.repo, 'rev-parse', '--verify', `refs/heads/${task.branch}`)).toMatch(
        /^[0-9a-f]{40}$/
      )
      expect(git(dir.repo, 'log', '--format=%s', `refs/heads/${task.branch}`)).not.toContain('WIP')
      expect(existsSync(task.worktree)).toBe(false)
      if (p === 3) continue // committed markers: no operation stopped, nothing to save
      const saved = /saved as (refs\/parallel-worktree\/unfinished\/\S+)/.exec(task.error!)![1]
      expect(git(dir.repo, 'show', `${saved}:shared.txt`)).toContain('<<<<<<<')
    }
    // The stopped merge's two sides are the snapshot's parents: nothing of either is lost.
    const merge = /saved as (\S+)/.exec(byPriority(1).error!)![1]
    expect(git(dir.repo, 'rev-list', '--parents', '-1', merge).split(' ')).toHaveLength(3)
    expect(git(dir.repo, 'worktree', 'list', '--porcelain')).not.toContain('us-00')
  })

  test('with cleanup off, the unfinished worktree is kept as it is instead', async () => {
    using dir = createRepo(roadmapFiles({ 1: { files: ['a.txt'] } }))
    const agent = script(join(dir.path, 'half-done.sh'), HALF_DONE)
    const result = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1',
        'agent-command': `bash ${agent}`,
        cleanup: 'false',
        'pr-comment': 'false'
      }),
      testEngineOptions()
    )
    const [task] = result.tasks
    expect(task).toMatchObject({ status: 'failed', merge: 'not-merged' })
    expect(task.error).toContain(`the worktree ${task.worktree} and branch ${task.branch} are kept`)
    expect(git(task.worktree, 'rev-parse', '-q', '--verify', 'MERGE_HEAD')).toMatch(
      /^[0-9a-f]{40}$/
    )
  })
})

describe('conflict markers in a diff', () => {
  test('a file counts when its added lines open and close a conflict', () => {
    const diff = [
      'diff --git a/x.txt b/x.txt',
      '--- a/x.txt',
      '+++ b/x.txt',
      '@@ -1 +1,5 @@',
      '+<<<<<<< HEAD',
      '+one',
      '+=======',
      '+two',
      '+>>>>>>> side',
      'diff --git a/doc.rst b/doc.rst',
      '--- a/doc.rst',
      '+++ b/doc.rst',
      '@@ -1 +1,2 @@',
      '+Title',
      '+=======',
      'diff --git a/gone.txt b/gone.txt',
      '--- a/gone.txt',
      '+++ /dev/null'
    ].join('\n')
    expect(filesWithAddedMarkers(diff)).toEqual(['x.txt'])
  })
})
