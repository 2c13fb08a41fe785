import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { script, settingsFor, testEngineOptions } from '../run/run-helpers.js'

// Two priorities whose specs name different files, but whose agents both rewrite a hub file
// nobody named: the plan lets them run at once, and the second merge conflicts.
const HUB_AGENT = `
echo "priority $PRIORITY_ID was here" > hub.txt
echo "feature $PRIORITY_ID" > "feature-$PRIORITY_ID.txt"
git add -A && git commit -qm "priority $PRIORITY_ID"
`
const RESOLVER = `
[ -n "$CONFLICT_FILES" ] || exit 9
for f in "$@"; do printf 'settled by the resolver\\n' > "$f"; done
git add -A && git commit -qm "settled $*"
`

function run(repo: string, inputs: Record<string, string>) {
  return runParallel(
    settingsFor(repo, {
      priorities: '1,2',
      'max-parallel': '2',
      'pr-comment': 'false',
      ...inputs
    }),
    testEngineOptions()
  )
}

const files = () =>
  roadmapFiles({ 1: { files: ['feature-1.txt'] }, 2: { files: ['feature-2.txt'] } })

describe('on-conflict', () => {
  test('rerun (the default): an unforeseen conflict is run again from the updated base and merged, the first branch kept', async () => {
    using dir = createRepo({ ...files(), 'hub.txt': 'hub\n' })
    const agent = script(join(dir.path, 'hub.sh'), HUB_AGENT)
    const result = await run(dir.repo, { 'agent-command': `bash ${agent}` })
    expect(result.tasks.map((t) => t.merge)).toEqual(['merged', 'merged'])
    const rerun = result.tasks.find((t) => t.kept_branches.length > 0)!
    expect(rerun.attempts).toBe(2)
    expect(rerun.kept_branches).toEqual([`${rerun.branch}-conflicted`])
    // The first attempt's work is kept, unmerged, under the reported name.
    const kept = git(dir.repo, 'rev-parse', `refs/heads/${rerun.kept_branches[0]}`)
    expect(() => git(dir.repo, 'merge-base', '--is-ancestor', kept, 'roadmap')).toThrow()
    expect(git(dir.repo, 'show', `${kept}:hub.txt`)).toBe(`priority ${rerun.priority} was here`)
    expect(git(dir.repo, 'show', 'roadmap:hub.txt')).toBe(`priority ${rerun.priority} was here`)
    expect(result.success).toBe(true)
  })

  test('keep: the conflict is reported and the branch kept, as before', async () => {
    using dir = createRepo({ ...files(), 'hub.txt': 'hub\n' })
    const agent = script(join(dir.path, 'hub.sh'), HUB_AGENT)
    const result = await run(dir.repo, { 'agent-command': `bash ${agent}`, 'on-conflict': 'keep' })
    expect(result.tasks.map((t) => t.merge).sort()).toEqual(['conflict', 'merged'])
    expect(result.tasks.every((t) => t.attempts === 1 && t.kept_branches.length === 0)).toBe(true)
  })

  test('resolve: a script that settles the conflict, then the branch is merged', async () => {
    using dir = createRepo({ ...files(), 'hub.txt': 'hub\n' })
    const agent = script(join(dir.path, 'hub.sh'), HUB_AGENT)
    const resolver = script(join(dir.path, 'resolver.sh'), RESOLVER)
    const result = await run(dir.repo, {
      'agent-command': `bash ${agent}`,
      'on-conflict': 'resolve',
      'resolve-command': `bash ${resolver} {conflict-files}`
    })
    expect(result.tasks.map((t) => t.merge)).toEqual(['merged', 'merged'])
    expect(result.tasks.every((t) => t.attempts === 1)).toBe(true)
    expect(git(dir.repo, 'show', 'roadmap:hub.txt')).toBe('settled by the resolver')
    expect(git(dir.repo, 'show', 'roadmap:feature-1.txt')).toBe('feature 1')
    expect(git(dir.repo, 'show', 'roadmap:feature-2.txt')).toBe('feature 2')
    expectNoResolveWorktreeLeft(dir.repo, result.tasks)
  })

  test('resolve: a command that leaves the conflict changes nothing and the branch is kept', async () => {
    using dir = createRepo({ ...files(), 'hub.txt': 'hub\n' })
    const agent = script(join(dir.path, 'hub.sh'), HUB_AGENT)
    const result = await run(dir.repo, {
      'agent-command': `bash ${agent}`,
      'on-conflict': 'resolve',
      'resolve-command': 'true'
    })
    const conflicted = result.tasks.find((t) => t.merge === 'conflict')!
    expect(conflicted.error).toContain('resolve-command did not settle the conflict')
    expect(git(dir.repo, 'log', '--format=%s', `refs/heads/${conflicted.branch}`)).toBe(
      `priority ${conflicted.priority}\ninitial`
    )
    expectNoResolveWorktreeLeft(dir.repo, result.tasks)
  })
})

/** The resolve attempt's worktree (`<task worktree>-resolve`) is gone, settled or not. */
function expectNoResolveWorktreeLeft(repo: string, tasks: { worktree: string }[]): void {
  const listed = git(repo, 'worktree', 'list', '--porcelain')
  expect(listed).not.toContain('-resolve')
  for (const task of tasks) expect(existsSync(`${task.worktree}-resolve`)).toBe(false)
}
