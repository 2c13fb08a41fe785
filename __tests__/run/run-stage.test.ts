import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import {
  agentCommand,
  isAlive,
  maxOverlap,
  memoryLogger,
  pidsIn,
  readRecord,
  runStage,
  script,
  settingsFor,
  until
} from './run-helpers.js'

/** Priorities 1..n, each with a spec naming a file of its own: all independent. */
function independent(n: number): Record<string, string> {
  const specs: Record<number, { files: string[] }> = {}
  for (let p = 1; p <= n; p += 1) specs[p] = { files: [`src/feature-${p}.ts`] }
  return roadmapFiles(specs)
}

function worktreeList(repo: string): string[] {
  return git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
}

function branches(repo: string): string[] {
  return git(repo, 'branch', '--format=%(refname:short)').split('\n').filter(Boolean)
}

describe('the run stage', () => {
  test('runs every priority, never more at once than max-parallel, merges and cleans up', async () => {
    using dir = createRepo(independent(5))
    const record = join(dir.path, 'record.txt')
    const settings = settingsFor(dir.repo, {
      priorities: '1-5',
      'max-parallel': '2',
      'agent-command': agentCommand(`--sleep=0.4 --record=${record}`)
    })
    const { tasks, logger } = await runStage(settings)

    const records = readRecord(record)
    expect(records.filter((r) => r.event === 'start')).toHaveLength(5)
    expect(maxOverlap(records)).toBeLessThanOrEqual(2)
    expect(maxOverlap(records)).toBe(2)
    for (const task of tasks) {
      expect(task).toMatchObject({ status: 'completed', commits: 1, merge: 'merged', exit_code: 0 })
      expect(task.error).toBeNull()
      expect(existsSync(task.worktree)).toBe(false)
      expect(readFileSync(task.log_file!, 'utf8')).toContain(
        `example-agent: working on priority ${task.priority}`
      )
    }
    expect(worktreeList(dir.repo)).toHaveLength(1)
    expect(branches(dir.repo).sort()).toEqual(['main', 'roadmap'])
    expect(git(dir.repo, 'show', 'roadmap:src/feature-3.ts')).toContain('priority 3')
    // One group per agent, its tail inside with the priority in front of each line.
    expect(logger.groups.map((g) => g.title)).toHaveLength(5)
    const group = logger.groups.find((g) => g.title.startsWith('Priority 2:'))!
    expect(group.title).toMatch(/^Priority 2: completed, 1 commit, [\d.]+ s$/)
    expect(group.body).toContain('[2] example-agent: committed 1 file(s)')
    expect(group.body).toContain(`[2] full log: ${tasks[1].log_file}`)
    expect(logger.lines).toContain('[3] example-agent: edited src/feature-3.ts')
  })

  test('a timeout stops the whole process tree, the grandchild that ignores TERM included', async () => {
    using dir = createRepo(independent(2))
    const pidFile = join(dir.path, 'child.pid')
    const settings = settingsFor(dir.repo, {
      priorities: '1,2',
      'max-parallel': '2',
      // 6 s: room for priority 2's agent to finish on a loaded machine, under the same limit.
      'task-timeout-minutes': '0.1',
      'agent-command': agentCommand(`--hang-on=1 --child-on=1 --child-pid-file=${pidFile}`)
    })
    const { byPriority } = await runStage(settings, { killGraceMs: 200 })

    expect(byPriority(1).status).toBe('timed-out')
    expect(byPriority(1).error).toContain('task-timeout-minutes (0.1)')
    expect(byPriority(2).status).toBe('completed')
    const [grandchild] = pidsIn(pidFile)
    expect(grandchild).toBeGreaterThan(1)
    expect(isAlive(grandchild)).toBe(false)
    expect(readFileSync(byPriority(1).log_file!, 'utf8')).toMatch(
      /=== agent ended: .*\(timed out\)/
    )
    expect(existsSync(byPriority(1).worktree)).toBe(false)
  })

  test('an agent that crashes does not stop the others; each failure says why', async () => {
    using dir = createRepo(independent(4))
    const settings = settingsFor(dir.repo, {
      priorities: '1-4',
      'max-parallel': '4',
      'agent-command': `if [ "$PRIORITY_ID" = 3 ]; then kill -9 $$; fi; ${agentCommand('--sleep=0.2 --fail-on=2')}`
    })
    const { byPriority } = await runStage(settings)

    expect([byPriority(1), byPriority(4)].map((t) => [t.status, t.error])).toEqual([
      ['completed', null],
      ['completed', null]
    ])
    expect(byPriority(2)).toMatchObject({ status: 'failed', exit_code: 3, merge: 'not-merged' })
    expect(byPriority(2).error).toBe(
      'the agent exited with status 3: example-agent: failing (as told)'
    )
    expect(byPriority(3).status).toBe('failed')
    expect(byPriority(3).error).toContain('was killed by SIGKILL')
  })

  test('exit 0 without a commit is no-changes, and the empty branch goes with the worktree', async () => {
    using dir = createRepo(independent(1))
    const settings = settingsFor(dir.repo, {
      priorities: '1',
      'agent-command': agentCommand('--noop-on=1')
    })
    const { byPriority } = await runStage(settings)

    expect(byPriority(1)).toMatchObject({ status: 'no-changes', commits: 0, exit_code: 0 })
    expect(byPriority(1).error).toContain('made no commit')
    expect(branches(dir.repo)).not.toContain(byPriority(1).branch)
    expect(worktreeList(dir.repo)).toHaveLength(1)
  })

  test('changes left uncommitted are committed; a failed agent’s work is saved on its kept branch', async () => {
    using dir = createRepo(independent(2))
    const failing = script(
      join(dir.path, 'fail.sh'),
      'echo "half done" > half.txt\necho "giving up" >&2\nexit 7'
    )
    const settings = settingsFor(dir.repo, {
      priorities: '1,2',
      'max-parallel': '2',
      'agent-command': `if [ "$PRIORITY_ID" = 2 ]; then exec ${failing}; fi; ${agentCommand('--uncommitted-on=1')}`
    })
    const { byPriority } = await runStage(settings)

    expect(byPriority(1)).toMatchObject({ status: 'completed', commits: 1, merge: 'merged' })
    expect(git(dir.repo, 'log', '-1', '--format=%s', 'roadmap^2')).toBe(
      'PRIORITY 1: changes the agent left uncommitted'
    )
    const failed = byPriority(2)
    expect(failed).toMatchObject({ status: 'failed', commits: 1, merge: 'not-merged' })
    expect(failed.error).toBe(
      `the agent exited with status 7: giving up; its uncommitted changes were saved in a commit on ${failed.branch}`
    )
    expect(git(dir.repo, 'show', `${failed.branch}:half.txt`)).toBe('half done')
    expect(existsSync(failed.worktree)).toBe(false)
  })

  test('agents get the task variables and never the token, INPUT_* or ACTIONS_* variables', async () => {
    using dir = createRepo(independent(1))
    const token = 'ghs_0123456789abcdefghijklmnop'
    const dump = join(dir.path, 'env.json')
    const settings = settingsFor(dir.repo, {
      priorities: '1',
      'github-token': token,
      'agent-command': `node -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify(process.env))' ${dump} && ${agentCommand()}`
    })
    await runStage(settings, {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        'INPUT_GITHUB-TOKEN': token,
        'INPUT_MAX-PARALLEL': '2',
        ACTIONS_RUNTIME_TOKEN: 'runtime-secret',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://example.invalid',
        GITHUB_TOKEN: token,
        AUTH_HEADER: `Authorization: bearer ${token}`,
        GITHUB_ENV: '/tmp/github-env',
        GIT_DIR: '/elsewhere/.git',
        KEEP_ME: 'yes'
      }
    })

    const env = JSON.parse(readFileSync(dump, 'utf8')) as Record<string, string>
    expect(env.KEEP_ME).toBe('yes')
    expect(env.PRIORITY_ID).toBe('1')
    expect(env.BRANCH_NAME).toBe('feature/us-001')
    expect(env.BASE_BRANCH).toBe('roadmap')
    expect(env.WORKTREE_PATH).toBe(join(dir.path, 'repo-wt1'))
    expect(Object.keys(env).filter((name) => /^(INPUT_|ACTIONS_)/i.test(name))).toEqual([])
    expect(Object.values(env).some((value) => value.includes(token))).toBe(false)
    expect(env.GITHUB_TOKEN).toBeUndefined()
    expect(env.GITHUB_ENV).toBeUndefined()
    expect(env.GIT_DIR).toBeUndefined()
  })

  test('no agent starts while a resource is over its limit; the start follows when it clears', async () => {
    using dir = createRepo(independent(2))
    const record = join(dir.path, 'record.txt')
    let samples = 0
    let clearedAt = 0
    const settings = settingsFor(dir.repo, {
      priorities: '1,2',
      'max-parallel': '2',
      'max-cpu-percent': '80',
      'agent-command': agentCommand(`--record=${record}`)
    })
    const { tasks, logger } = await runStage(settings, {
      resourceIntervalMs: 30,
      resourceSampler: () => {
        samples += 1
        if (samples <= 4) return Promise.resolve({ cpuPercent: 97, memoryPercent: 10 })
        clearedAt ||= Date.now()
        return Promise.resolve({ cpuPercent: 5, memoryPercent: 10 })
      }
    })

    expect(tasks.map((task) => task.status)).toEqual(['completed', 'completed'])
    expect(logger.lines).toContain(
      'Priority 1 waits to start: CPU used outside this run at 97% (max-cpu-percent 80)'
    )
    expect(logger.lines).toContain('Resources are below the limits again: starting priority 1')
    const starts = readRecord(record).filter((r) => r.event === 'start')
    expect(starts.every((start) => start.time >= clearedAt)).toBe(true)
  })

  test('a start held for too long with nothing running gives up: the rest is skipped, with why', async () => {
    using dir = createRepo(independent(2))
    const settings = settingsFor(dir.repo, {
      priorities: '1,2',
      'max-memory-percent': '50',
      'agent-command': agentCommand()
    })
    const { tasks } = await runStage(settings, {
      resourceIntervalMs: 20,
      maxIdleWaitMs: 100,
      resourceSampler: () => Promise.resolve({ cpuPercent: 1, memoryPercent: 90 })
    })

    for (const task of tasks) {
      expect(task.status).toBe('skipped')
      expect(task.error).toContain('memory in use at 90% (max-memory-percent 50)')
      expect(task.started_at).toBeNull()
    }
    expect(worktreeList(dir.repo)).toHaveLength(1)
  })

  test('cancelling stops every tree, marks running and queued tasks cancelled, keeps work', async () => {
    using dir = createRepo(independent(3))
    const pids = join(dir.path, 'pids.txt')
    const agent = script(
      join(dir.path, 'slow-agent.sh'),
      [
        'echo "work $PRIORITY_ID" > "done-$PRIORITY_ID.txt"',
        'if [ "$PRIORITY_ID" = 1 ]; then git add -A && git -c user.name=a -c user.email=a@b commit -qm "part 1"; fi',
        `sleep 30 & echo $! >> ${pids}`,
        'echo $$ >> ' + pids,
        'wait'
      ].join('\n')
    )
    const settings = settingsFor(dir.repo, {
      priorities: '1-3',
      'max-parallel': '2',
      'agent-command': agent
    })
    const controller = new AbortController()
    const stage = runStage(settings, { signal: controller.signal, killGraceMs: 200 })
    expect(await until(() => pidsIn(pids).length >= 4)).toBe(true)
    controller.abort()
    const { byPriority } = await stage

    expect(byPriority(1)).toMatchObject({ status: 'cancelled', commits: 1, merge: 'not-merged' })
    expect(byPriority(2)).toMatchObject({ status: 'cancelled', commits: 1 })
    expect(byPriority(2).error).toContain('its uncommitted changes were saved')
    expect(byPriority(3).status).toBe('cancelled')
    expect(byPriority(3).error).toBe('the run was cancelled before this priority started')
    for (const pid of pidsIn(pids)) expect(isAlive(pid)).toBe(false)
    expect(worktreeList(dir.repo)).toHaveLength(1)
    expect(existsSync(join(dir.path, 'repo-wt3'))).toBe(false)
    expect(branches(dir.repo).sort()).toEqual([
      'feature/us-001',
      'feature/us-002',
      'main',
      'roadmap'
    ])
    expect(git(dir.repo, 'log', '-1', '--format=%s', 'feature/us-001')).toBe('part 1')
  })

  test('a priority that overlaps an earlier one starts after it is merged, from the new base', async () => {
    using dir = createRepo(
      roadmapFiles({ 1: { files: ['src/shared.ts'] }, 2: { files: ['src/shared.ts'] } })
    )
    const record = join(dir.path, 'record.txt')
    const settings = settingsFor(dir.repo, {
      priorities: '1,2',
      'max-parallel': '2',
      'agent-command': agentCommand(`--sleep=0.2 --record=${record}`)
    })
    const { byPriority } = await runStage(settings)

    expect(byPriority(1).merge).toBe('merged')
    expect(byPriority(2).merge).toBe('merged')
    const records = readRecord(record)
    const end1 = records.find((r) => r.event === 'end' && r.priority === 1)!
    const start2 = records.find((r) => r.event === 'start' && r.priority === 2)!
    expect(start2.time).toBeGreaterThanOrEqual(end1.time)
    // 2 started from the merge of 1: its commit's parent is that merge.
    expect(git(dir.repo, 'rev-parse', 'roadmap^2^')).toBe(byPriority(1).merge_commit)
    expect(git(dir.repo, 'show', 'roadmap:src/shared.ts')).toContain('priority 1')
  })

  test('setup-command runs in the new worktree with the copied worktree-files; its failure fails the priority', async () => {
    using dir = createRepo({ ...independent(2), '.gitignore': '.env\n' })
    writeFileSync(join(dir.repo, '.env'), 'SECRET=local\n')
    const settings = settingsFor(dir.repo, {
      priorities: '1,2',
      'max-parallel': '2',
      'worktree-files': '.env',
      'setup-command':
        'grep -q SECRET=local .env && echo "setup for $PRIORITY_ID" && test "$PRIORITY_ID" != 2',
      'agent-command': agentCommand()
    })
    const { byPriority } = await runStage(settings)

    expect(byPriority(1).status).toBe('completed')
    expect(git(dir.repo, 'show', '--stat', '--format=', 'roadmap^2')).not.toContain('.env')
    expect(readFileSync(byPriority(1).log_file!, 'utf8')).toContain('setup for 1')
    expect(byPriority(2)).toMatchObject({ status: 'failed', exit_code: 1 })
    expect(byPriority(2).error).toBe('the setup command exited with status 1: setup for 2')
  })

  test('a branch left with unmerged work fails its priority only, with what to do', async () => {
    using dir = createRepo(independent(2))
    git(dir.repo, 'branch', 'feature/us-002', 'roadmap')
    git(dir.repo, 'commit', '--allow-empty', '-q', '-m', 'main moves on')
    const wt = join(dir.path, 'scratch')
    git(dir.repo, 'worktree', 'add', '-q', wt, 'feature/us-002')
    git(wt, 'commit', '--allow-empty', '-q', '-m', 'earlier work')
    git(dir.repo, 'worktree', 'remove', wt)
    const settings = settingsFor(dir.repo, {
      resume: 'never',
      priorities: '1,2',
      'max-parallel': '2',
      'agent-command': agentCommand()
    })
    const { byPriority } = await runStage(settings)

    expect(byPriority(1).status).toBe('completed')
    expect(byPriority(2).status).toBe('failed')
    expect(byPriority(2).error).toContain(
      'branch feature/us-002 already exists with 1 commit(s) that are not in roadmap'
    )
    expect(byPriority(2).error).toContain('git branch -D feature/us-002')
    expect(git(dir.repo, 'log', '-1', '--format=%s', 'feature/us-002')).toBe('earlier work')
  })

  test('a progress line comes at a steady pace', async () => {
    using dir = createRepo(independent(2))
    const logger = memoryLogger()
    const settings = settingsFor(dir.repo, {
      priorities: '1,2',
      'max-parallel': '1',
      'agent-command': agentCommand('--sleep=0.5')
    })
    await runStage(settings, { logger, progressIntervalMs: 150 })

    const progress = logger.lines.filter((line) => line.startsWith('Progress '))
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress[0]).toMatch(
      /^Progress 0:0\d: 1 running \(1 for 0:0\d\), 1 queued \(2\), 0 of 2 done$/
    )
  })
})

describe('through the engine', () => {
  test('runParallel: the limit held, every priority merged, nothing left behind', async () => {
    using dir = createRepo(independent(4))
    const record = join(dir.path, 'record.txt')
    const settings = settingsFor(dir.repo, {
      priorities: '1-4',
      'max-parallel': '2',
      'pr-comment': 'false',
      'agent-command': agentCommand(`--sleep=0.3 --record=${record}`)
    })
    const result = await runParallel(settings, {
      logger: memoryLogger(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      killGraceMs: 300,
      resourceSampler: () => Promise.resolve({ cpuPercent: 1, memoryPercent: 1 })
    })

    expect(result.tasks.map((task) => [task.status, task.merge])).toEqual(
      Array(4).fill(['completed', 'merged'])
    )
    expect(maxOverlap(readRecord(record))).toBeLessThanOrEqual(2)
    expect(worktreeList(dir.repo)).toHaveLength(1)
    expect(branches(dir.repo).sort()).toEqual(['main', 'roadmap'])
  })
})
