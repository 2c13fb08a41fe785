import { describe, expect, test } from '@jest/globals'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sparseCone } from '../../src/run/sparse-cone.js'
import { createRepo, git, roadmapFiles, writeFiles } from '../helpers/temp-repo.js'
import {
  AGENT_COMMIT,
  faultRepo,
  runScriptedAgents,
  statuses,
  taskOf,
  type FaultRepo
} from '../faults/harness.js'
import { assertInvariants, recordCommits } from '../faults/invariants.js'

// sparse-checkout: true gives each worktree the folders of its priority's paths, its spec and
// the ROADMAP, plus the root's files. What the agent writes outside them is its work all the
// same, and what it was not given is never recorded as deleted: not by the auto-commit, not by
// the snapshot of a worktree it left unfinished.

describe('sparseCone', () => {
  test('the folders of files, folders named as such, globs, without those inside another', () => {
    expect(
      sparseCone(
        ['src/api/users.ts', 'src/api/', 'lib/**/*.ts', './tools/run.sh', 'README.md', 'src/x.ts'],
        ['docs/specs/SPEC-1.md', 'docs/roadmap/ROADMAP.md']
      )
    ).toEqual(['docs/roadmap', 'docs/specs', 'lib', 'src', 'tools'])
  })
  test('no path known: no cone (every file)', () => {
    expect(sparseCone([], ['docs/specs/SPEC-1.md'])).toEqual([])
  })
})

/** Folders no priority's spec names, beside the roadmap's files. */
function repoWithOtherFolders(): FaultRepo {
  const repo = faultRepo([1, 2])
  writeFiles(repo.repo, {
    'lib/a/x.ts': 'x\n',
    'lib/b/y.ts': 'y\n',
    'other/z.ts': 'z\n',
    'README.md': 'readme\n'
  })
  git(repo.repo, 'add', '-A')
  git(repo.repo, 'commit', '-q', '-m', 'folders no spec names')
  return { ...repo, baseBefore: git(repo.repo, 'rev-parse', 'roadmap') }
}

function filesOf(repo: string, ref: string): string[] {
  return git(repo, 'ls-tree', '-r', '--name-only', ref).split('\n').filter(Boolean)
}

describe('sparse-checkout: true', () => {
  test('an agent gets its folders and the root files; its work outside them is committed and merged; no file it lacked is deleted', async () => {
    using repo = repoWithOtherFolders()
    const before = filesOf(repo.repo, 'roadmap')
    const run = await runScriptedAgents(
      repo,
      [
        `find . -path ./.git -prune -o -type f -print | sort > "${repo.work}/seen-$PRIORITY_ID"`,
        'echo "// priority $PRIORITY_ID" >> "src/file-$PRIORITY_ID.ts"',
        // Outside its cone: its own `git add -A` leaves it out (git says so); the run's takes it.
        'mkdir -p other && echo "new of $PRIORITY_ID" > "other/new-$PRIORITY_ID.ts"',
        `git add -A; ${AGENT_COMMIT} -m "priority $PRIORITY_ID: its file"`
      ],
      { priorities: '1,2', 'sparse-checkout': 'true' }
    )
    const { result } = run
    expect(statuses(result)).toEqual({ 1: 'completed', 2: 'completed' })
    const seen = readFileSync(join(repo.work, 'seen-1'), 'utf8').split('\n').filter(Boolean)
    expect(seen).toEqual(
      expect.arrayContaining(['./README.md', './src/file-1.ts', './docs/roadmap/ROADMAP.md'])
    )
    expect(seen.filter((file) => file.startsWith('./lib/') || file === './other/z.ts')).toEqual([])
    const after = filesOf(repo.repo, 'roadmap')
    expect(after).toEqual(expect.arrayContaining([...before, 'other/new-1.ts', 'other/new-2.ts']))
    expect(git(repo.repo, 'show', 'roadmap:src/file-2.ts')).toContain('// priority 2')
    // extensions.worktreeConfig, which a sparse worktree needs, is the run's own change.
    expect(result.warnings.join('\n')).not.toContain('shared config')
    assertInvariants({ ...repo, base: 'roadmap', result, pids: run.pids })
  }, 60_000)

  test('the snapshot of a worktree its agent left unfinished records no file outside the cone as deleted', async () => {
    using repo = repoWithOtherFolders()
    const run = await runScriptedAgents(
      repo,
      [
        'echo "// priority $PRIORITY_ID" >> "src/file-$PRIORITY_ID.ts"',
        `${AGENT_COMMIT} -am "priority $PRIORITY_ID: its file"`,
        // A conflict left in a file: the task fails, the worktree is saved as a snapshot.
        'printf "<<<<<<< ours\\na\\n=======\\nb\\n>>>>>>> theirs\\n" > "src/file-$PRIORITY_ID.ts"'
      ],
      { priorities: '1', 'sparse-checkout': 'true' }
    )
    expect(statuses(run.result)).toEqual({ 1: 'failed' })
    const saved = /saved as (\S+) /.exec(taskOf(run.result, 1).error ?? '')?.[1]
    expect(saved).toBeDefined()
    const files = filesOf(repo.repo, saved!)
    expect(files).toEqual(expect.arrayContaining(['lib/a/x.ts', 'lib/b/y.ts', 'other/z.ts']))
  }, 60_000)

  test("a finished sparse worktree reused for another priority gets that priority's folders", async () => {
    const made = createRepo(
      roadmapFiles({
        1: { files: ['lib/a/x.ts'] },
        2: { files: ['src/file-2.ts'] },
        3: { files: ['other/z.ts'] }
      })
    )
    recordCommits(made.repo)
    const work = join(made.path, 'work')
    mkdirSync(work)
    using repo: FaultRepo = { ...made, work, baseBefore: git(made.repo, 'rev-parse', 'roadmap') }
    const run = await runScriptedAgents(
      repo,
      [
        'sleep 1',
        `find . -path ./.git -prune -o -type f -print | sort > "${repo.work}/seen-$PRIORITY_ID"`,
        'echo "by $PRIORITY_ID" > "root-$PRIORITY_ID.txt"',
        `git add -A && ${AGENT_COMMIT} -m "priority $PRIORITY_ID"`
      ],
      { priorities: '1,2,3', 'sparse-checkout': 'true', 'max-parallel': '1' }
    )
    expect(run.logger.text()).toContain('Reused the finished worktree')
    const seen = readFileSync(join(repo.work, 'seen-3'), 'utf8')
    expect(seen).toContain('./other/z.ts')
    expect(seen).not.toContain('./lib/a/x.ts')
    expect(statuses(run.result)).toEqual({ 1: 'completed', 2: 'completed', 3: 'completed' })
    assertInvariants({ ...repo, base: 'roadmap', result: run.result, pids: run.pids })
  }, 60_000)
})
