import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from '@jest/globals'
import type { RunResult } from '../../src/core/types.js'
import { isAlive } from '../../src/run/process-tree.js'
import { git } from '../helpers/temp-repo.js'

// The contract's promises, checked after every fault by one helper: whatever went wrong, the
// repository is whole, nothing an agent committed is lost, and nothing of the run is left.

/** Where the commit recorder of a repository writes (see recordCommits). */
export function commitLogOf(repo: string): string {
  return join(repo, '..', 'recorded-commits.log')
}

/**
 * Records every commit any ref of the repository ever points to, from whatever process:
 * agents committing in their worktrees (hooks are shared by all worktrees), agents moving
 * refs with update-ref, checking out other branches, committing on a detached HEAD. A
 * `reference-transaction` hook sees each of them before any cleanup can delete the ref.
 * Returns the log's path (outside the repository and every worktree).
 */
export function recordCommits(repo: string): string {
  const log = commitLogOf(repo)
  writeFileSync(log, '')
  const hooks = git(repo, 'rev-parse', '--path-format=absolute', '--git-path', 'hooks')
  const hook = join(hooks, 'reference-transaction')
  writeFileSync(
    hook,
    [
      '#!/bin/sh',
      '[ "$1" = committed ] || exit 0',
      'while read -r old new ref; do',
      `  case "$new" in *[!0]*) echo "$new $ref" >> '${log}' ;; esac`,
      'done',
      ''
    ].join('\n')
  )
  chmodSync(hook, 0o755)
  return log
}

/** The commit ids the recorder saw (deletions left out). */
export function recordedCommits(log: string): string[] {
  if (!existsSync(log)) return []
  const ids = readFileSync(log, 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((id) => /^[0-9a-f]{40,64}$/.test(id))
  return [...new Set(ids)]
}

export interface Invariants {
  repo: string
  /** The base branch and its tip before the run (or before the fault). */
  base: string
  baseBefore: string
  /** The result the (last) run reported; null when none was made. */
  result: RunResult | null
  /** Every process of the run: agents, their children (pids recorded by the agents). */
  pids?: number[]
  /** Folders at a task's worktree path that were there before and are not the run's. */
  foreignFolders?: string[]
  /** Commits made outside the run (by the test, as "someone else") that must be kept too. */
  extraCommits?: string[]
  /** Worktrees the run keeps by design (cleanup: false), beside those its errors name. */
  worktreesKept?: string[]
  /**
   * Staged changes the fault itself made in the user's checkout (`git diff --cached
   * --name-status`), which the run must keep as they are; none by default.
   */
  stagedByFault?: string
}

/**
 * Checks every promise at once and fails with the list of what is broken:
 * - no merge (nor cherry-pick, revert, rebase) in progress in the repository or any worktree;
 * - the user's checkout: no unmerged entries, no staged change, no conflict marker in a
 *   tracked file;
 * - base is a fast-forward of where it started (or, moved by an agent, its old tip is kept
 *   under a ref the result names);
 * - every commit any ref ever pointed to during the run (agents' commits included) is
 *   reachable from base, from a branch the result names, from a ref under
 *   refs/parallel-worktree/ the result names, or from the HEAD of a worktree the result names
 *   as kept;
 * - no recorded process is alive;
 * - no worktree is registered, and no task's worktree folder exists, unless the result names
 *   it (a worktree kept for uncommitted work) or it was there before the run.
 */
export function assertInvariants(check: Invariants): void {
  const problems: string[] = []
  const { repo, base } = check
  // What the result tells the user: its tasks' branches, and its errors and warnings (where
  // a kept worktree or another branch holding work is named). A task's `worktree` field
  // alone does not count: it is there whether or not the worktree was removed.
  const told = [
    ...(check.result?.tasks ?? []).flatMap((task) => [task.error ?? '']),
    ...(check.result?.warnings ?? []),
    ...Object.values(check.result?.merge_results ?? {})
  ].join('\n')
  const taskBranches = new Set((check.result?.tasks ?? []).map((task) => task.branch))
  const names = (text: string): boolean => mentions(told, text)

  const worktrees = registeredWorktrees(repo)
  for (const path of worktrees) {
    if (!existsSync(path)) continue
    for (const marker of ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge']) {
      const file = git(path, 'rev-parse', '--path-format=absolute', '--git-path', marker)
      if (existsSync(file)) problems.push(`${marker} exists in ${path}`)
    }
  }

  const unmerged = git(repo, 'ls-files', '--unmerged')
  if (unmerged) problems.push(`unmerged entries in the user's checkout: ${unmerged}`)
  const staged = git(repo, 'diff', '--cached', '--name-status')
  if (staged !== (check.stagedByFault ?? '')) {
    problems.push(`staged changes in the user's checkout: ${staged || 'none'}`)
  }
  const markers = spawnSync(
    'git',
    ['grep', '-I', '-l', '-E', '^(<<<<<<<|>>>>>>>)( |$)', '--', '.'],
    { cwd: repo, encoding: 'utf8' }
  )
  if (markers.status === 0) {
    problems.push(`conflict markers in the user's checkout: ${markers.stdout.trim()}`)
  }

  const baseAfter = git(repo, 'rev-parse', `refs/heads/${base}`)
  // An agent may move base anywhere (update-ref): the run cannot stop it, only keep the last
  // tip it knew (its start, or its latest merge) under refs/parallel-worktree/base/ and say so
  // in warnings.
  const keptRefs = git(repo, 'for-each-ref', '--format=%(refname)', 'refs/parallel-worktree')
    .split('\n')
    .filter((ref) => ref && names(ref))
  const movedAndTold = keptRefs.some(
    (ref) =>
      ref.startsWith(`refs/parallel-worktree/base/${base}-`) &&
      isAncestor(repo, check.baseBefore, git(repo, 'rev-parse', ref))
  )
  if (!movedAndTold && !isAncestor(repo, check.baseBefore, baseAfter)) {
    problems.push(`${base} moved from ${check.baseBefore} to ${baseAfter}, not a fast-forward`)
  }

  const branches = git(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads')
    .split('\n')
    .filter(Boolean)
  const keptBranches = branches.filter(
    (branch) => branch === base || taskBranches.has(branch) || names(branch)
  )
  const keptWorktrees = worktrees
    .slice(1)
    .filter((path) => names(path) || (check.worktreesKept && check.worktreesKept.includes(path)))
  const keptHeads = keptWorktrees
    .filter((path) => existsSync(path))
    .map((path) => git(path, 'rev-parse', 'HEAD'))
  const commits = [...recordedCommits(commitLogOf(repo)), ...(check.extraCommits ?? [])]
  if (commits.length) {
    const lost = spawnSync('git', ['rev-list', '--stdin'], {
      cwd: repo,
      encoding: 'utf8',
      input: [
        ...commits,
        ...keptBranches.map((branch) => `^refs/heads/${branch}`),
        ...keptHeads.map((head) => `^${head}`),
        ...keptRefs.map((ref) => `^${ref}`),
        ''
      ].join('\n')
    })
    if (lost.status !== 0) problems.push(`cannot check the recorded commits: ${lost.stderr}`)
    else if (lost.stdout.trim()) {
      problems.push(
        `commits reachable from neither ${base} nor a branch or worktree the result names: ${lost.stdout.trim().split('\n').join(', ')}`
      )
    }
  }

  const living = (check.pids ?? []).filter(isAlive)
  if (living.length) problems.push(`processes of the run still alive: ${living.join(', ')}`)

  for (const path of worktrees.slice(1)) {
    if (!keptWorktrees.includes(path)) {
      problems.push(`worktree left that the result does not name: ${path}`)
    }
  }
  for (const task of check.result?.tasks ?? []) {
    const path = task.worktree
    if (!existsSync(path) || keptWorktrees.includes(path)) continue
    if (!check.foreignFolders?.includes(path)) problems.push(`folder left at ${path}`)
  }

  expect(problems).toEqual([])
}

/** The worktrees of the repository, the main one first (paths as git prints them). */
export function registeredWorktrees(repo: string): string[] {
  return git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length))
}

function isAncestor(repo: string, ancestor: string, descendant: string): boolean {
  return (
    spawnSync('git', ['merge-base', '--is-ancestor', ancestor, descendant], { cwd: repo })
      .status === 0
  )
}

/** Whether `text` names `word` as a whole (a branch or a path, not a piece of another). */
function mentions(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[^A-Za-z0-9._/-])${escaped}($|[^A-Za-z0-9_/-])`).test(text)
}
