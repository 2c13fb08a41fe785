import { afterAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunResult } from '../../src/core/types.js'
import type { Leftover } from '../../src/engine/leftovers-report.js'
import { buildSourceCli } from './source-cli.js'
import { createRepo, git, roadmapFiles, type TempRepo } from '../helpers/temp-repo.js'

// `status` and `clean` through the CLI of the current sources, on a repository a real `run`
// left things in: a merged branch, a conflicted one, a failed priority's, and a worktree
// holding uncommitted work.
const cli = buildSourceCli(process.cwd(), 'status-clean-tests')
afterAll(() => cli[Symbol.dispose]())

function runCli(
  repo: TempRepo,
  args: string[]
): { status: number | null; stdout: string; stderr: string } {
  const ran = spawnSync(process.execPath, [cli.entry, ...args, '--repo', repo.repo], {
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GITHUB_TOKEN: '' }
  })
  return { status: ran.status, stdout: ran.stdout, stderr: ran.stderr }
}

/**
 * Priority 1 merges; 2 and 3 both write shared.txt (their specs do not say so), so the later
 * merge conflicts and is kept; 4 commits and fails; 5 leaves its work uncommitted.
 */
function leftRepository(): { repo: TempRepo; conflicted: number; merged: number } {
  const repo = createRepo(
    roadmapFiles({
      1: { files: ['src/p1.ts'] },
      2: { files: ['src/p2.ts'] },
      3: { files: ['src/p3.ts'] },
      4: { files: ['src/p4.ts'] },
      5: { files: ['src/p5.ts'] }
    })
  )
  const agent = join(repo.path, 'agent.sh')
  writeFileSync(
    agent,
    [
      'set -e',
      'echo "by $PRIORITY_ID" > "src/p$PRIORITY_ID.ts"',
      'case "$PRIORITY_ID" in',
      '  2|3) echo "from $PRIORITY_ID" > shared.txt; git add -A; git commit -qm "priority $PRIORITY_ID" ;;',
      '  4) git add -A; git commit -qm "half of priority 4"; exit 1 ;;',
      '  5) exit 0 ;;',
      '  *) git add -A; git commit -qm "priority $PRIORITY_ID" ;;',
      'esac',
      ''
    ].join('\n')
  )
  const run = runCli(repo, [
    'run',
    '1-5',
    '--agent-command',
    `bash ${agent}`,
    '--on-conflict',
    'keep',
    '--no-cleanup',
    '--no-auto-commit',
    '--no-pr-comment',
    '--no-check-run',
    '--max-cpu-percent',
    '100',
    '--max-memory-percent',
    '100',
    '--log-dir',
    join(repo.path, 'logs'),
    '--json'
  ])
  if (!run.stdout.trim()) throw new Error(run.stderr)
  const { tasks } = JSON.parse(run.stdout) as RunResult
  const conflicted = tasks.filter((task) => task.merge === 'conflict').map((task) => task.priority)
  // Which of 2 and 3 merged first is up to the scheduler: the other one conflicted.
  if (conflicted.length !== 1) throw new Error(`expected one conflict: ${run.stdout}`)
  return { repo, conflicted: conflicted[0], merged: 5 - conflicted[0] }
}

function status(repo: TempRepo): Leftover[] {
  const listed = runCli(repo, ['status', '--json'])
  expect({ status: listed.status, stderr: listed.stderr }).toEqual({ status: 0, stderr: '' })
  return JSON.parse(listed.stdout) as Leftover[]
}

const refsOf = (repo: TempRepo) =>
  git(repo.repo, 'for-each-ref', '--format=%(refname) %(objectname)')
const worktreesOf = (repo: TempRepo) => git(repo.repo, 'worktree', 'list', '--porcelain')

describe('status and clean', () => {
  it('lists what a run left, and clean removes only what loses nothing', () => {
    const left = leftRepository()
    using repo = left.repo
    const { conflicted, merged } = left
    const wt = (p: number) => join(repo.path, `repo-wt${p}`)
    const tip = (p: number) => git(repo.repo, 'rev-parse', `feature/us-00${p}`)
    // Refs of the tool's kinds: a tip of base a run kept (merged since), and a commit an agent
    // dropped that nothing else reaches.
    const baseTip = git(repo.repo, 'rev-parse', 'roadmap')
    const keptBase = `refs/parallel-worktree/base/roadmap-${baseTip.slice(0, 12)}`
    git(repo.repo, 'update-ref', keptBase, baseTip)
    const lost = git(
      repo.repo,
      'commit-tree',
      'roadmap^{tree}',
      '-p',
      'roadmap',
      '-m',
      'dropped work'
    )
    const keptLost = `refs/parallel-worktree/dropped/feature/us-004-${lost.slice(0, 12)}`
    git(repo.repo, 'update-ref', keptLost, lost)
    const listed = status(repo)
    const item = (kind: string, name: string) =>
      listed.find((leftover) => leftover.kind === kind && leftover.name === name)
    for (const p of [1, 2, 3, 4, 5]) {
      expect(item('worktree', wt(p))).toMatchObject({ branch: `feature/us-00${p}` })
      expect(item('worktree', wt(p))!.bytes).toBeGreaterThan(0)
    }
    expect(item('worktree', wt(5))).toMatchObject({ uncommitted: true })
    expect(item('worktree', wt(1))).toMatchObject({ uncommitted: false, merged: true })
    expect(item('branch', 'feature/us-001')).toMatchObject({
      merged: true,
      ahead: 0,
      next: 'parallel-worktree clean'
    })
    // The conflicted priority's branch and the failed one's each hold their one commit.
    for (const p of [conflicted, 4]) {
      expect(item('branch', `feature/us-00${p}`)).toMatchObject({
        merged: false,
        ahead: 1,
        commit: tip(p)
      })
      expect(item('branch', `feature/us-00${p}`)!.next).toContain(
        `git merge --no-ff feature/us-00${p}`
      )
    }
    expect(item('ref', keptBase)).toMatchObject({ merged: true, next: 'parallel-worktree clean' })
    expect(item('ref', keptLost)).toMatchObject({ merged: false, ahead: 1, commit: lost })
    expect(item('ref', keptLost)!.why).toContain('only a reflog still reached')
    const text = runCli(repo, ['status'])
    expect(text).toMatchObject({ status: 0, stderr: '' })
    expect(text.stdout).toContain(`worktree ${wt(5)}: merged`)
    expect(text.stdout).toContain('it holds uncommitted work')
    expect(text.stdout).toMatch(/branch feature\/us-004: 1 commit\(s\) not in base/)

    // --dry-run says what would go and changes nothing.
    const [refs, worktrees] = [refsOf(repo), worktreesOf(repo)]
    const dry = runCli(repo, ['clean', '--dry-run'])
    expect(dry).toMatchObject({ status: 0, stderr: '' })
    expect(dry.stdout).toContain(`would remove worktree ${wt(1)}`)
    expect(dry.stdout).toContain('would remove branch feature/us-001')
    expect(dry.stdout).toContain(`kept worktree ${wt(5)}: it holds uncommitted work`)
    expect([refsOf(repo), worktreesOf(repo)]).toEqual([refs, worktrees])

    // clean: the merged and the clean go; the unmerged branches and the dirty worktree stay.
    const [tipConflicted, tip4] = [tip(conflicted), tip(4)]
    const cleaned = runCli(repo, ['clean'])
    expect(cleaned).toMatchObject({ status: 0, stderr: '' })
    expect(cleaned.stdout).toContain('removed branch feature/us-001')
    expect(cleaned.stdout).toContain(`removed branch feature/us-00${merged}`)
    expect(cleaned.stdout).toContain(
      `kept branch feature/us-00${conflicted}: 1 commit(s) not in base`
    )
    expect(cleaned.stdout).not.toContain('dropped commit')
    for (const p of [1, 2, 3, 4]) expect(existsSync(wt(p))).toBe(false)
    expect(existsSync(join(wt(5), 'src/p5.ts'))).toBe(true)
    expect(git(repo.repo, 'status', '--porcelain', '--untracked-files=all')).toBe('')
    const branches = git(repo.repo, 'branch', '--format=%(refname:short)').split('\n').sort()
    expect(branches).toEqual([
      `feature/us-00${conflicted}`,
      'feature/us-004',
      'feature/us-005',
      'main',
      'roadmap'
    ])
    expect(refsOf(repo)).not.toContain('refs/parallel-worktree/made/feature/us-001')
    expect(refsOf(repo)).not.toContain(keptBase)
    expect(refsOf(repo)).toContain(keptLost)
    expect(cleaned.stdout).toContain(`removed ref ${keptBase}`)
    expect(git(wt(5), 'status', '--porcelain')).toContain('p5.ts')

    // --discard-unmerged drops the unmerged branches, printing each commit that goes.
    const discarded = runCli(repo, ['clean', '--discard-unmerged'])
    expect(discarded).toMatchObject({ status: 0, stderr: '' })
    expect(discarded.stdout).toContain(`dropped commit ${tipConflicted} priority ${conflicted}`)
    expect(discarded.stdout).toContain(`dropped commit ${tip4} half of priority 4`)
    expect(discarded.stdout).toContain(
      `removed ref ${keptLost}\n  dropped commit ${lost} dropped work`
    )
    // Each commit is printed once, where it goes.
    expect(discarded.stdout.split(tip4)).toHaveLength(2)
    expect(refsOf(repo)).not.toContain('refs/parallel-worktree/dropped/')
    expect(git(repo.repo, 'branch', '--format=%(refname:short)').split('\n').sort()).toEqual([
      'feature/us-005',
      'main',
      'roadmap'
    ])
    expect(existsSync(join(wt(5), 'src/p5.ts'))).toBe(true)
    expect(refsOf(repo)).not.toMatch(/refs\/parallel-worktree\/made\/feature\/us-00[234]/)
  })

  it('leaves a worktree someone else locked, and the branch it has checked out', () => {
    using repo = createRepo()
    const path = join(repo.path, 'repo-wt7')
    git(repo.repo, 'worktree', 'add', '-q', '-b', 'feature/us-007', path, 'roadmap')
    git(repo.repo, 'worktree', 'lock', '--reason', 'my experiment', path)
    const cleaned = runCli(repo, ['clean'])
    expect(cleaned).toMatchObject({ status: 0, stderr: '' })
    expect(cleaned.stdout).toContain(
      `kept worktree ${path}: someone else locked it (my experiment)`
    )
    expect(cleaned.stdout).toContain('kept branch feature/us-007: a worktree that stays')
    expect(existsSync(path)).toBe(true)
  })

  it('refuses a flag that belongs to clean alone, and priorities', () => {
    using repo = createRepo()
    expect(runCli(repo, ['status', '--dry-run']).status).toBe(2)
    expect(runCli(repo, ['clean', '3']).status).toBe(2)
    expect(runCli(repo, ['run', '--discard-unmerged']).status).toBe(2)
    const empty = runCli(repo, ['status'])
    expect(empty).toMatchObject({
      status: 0,
      stdout: 'Nothing left by parallel-worktree in this repository.\n'
    })
  })
})
