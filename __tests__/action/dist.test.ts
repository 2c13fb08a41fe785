import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRepo, git, roadmapFiles, tempDir, type TempRepo } from '../helpers/temp-repo.js'
import {
  assertDistBuilt,
  FAKE_TOKEN,
  parseCommandFile,
  SimulatedRunner,
  undeclaredOutputs,
  type StepResult
} from './runner.js'

// The bundled action (dist/index.js) run as a GitHub runner runs it: `node dist/index.js`
// with INPUT_* variables, command files, a real repository as the workspace, then the post
// step with the state main saved. dist/ is built by `npm run package`.

const AGENT = join(process.cwd(), 'examples', 'agent', 'example-agent.mjs')

/** Inputs that keep the outcome independent of the machine's load. */
const UNGATED = { 'max-cpu-percent': '100', 'max-memory-percent': '100' }

beforeAll(assertDistBuilt)

/** What a step could touch: refs, worktrees, the checkout, the folders beside it. */
function snapshot(repo: string) {
  return {
    refs: git(repo, 'for-each-ref', '--format=%(refname) %(objectname)'),
    worktrees: git(repo, 'worktree', 'list', '--porcelain'),
    status: git(repo, 'status', '--porcelain=v2', '--branch', '--untracked-files=all'),
    beside: readdirSync(dirname(repo)).sort()
  }
}

/** The workflow commands (`::error::…`) a step printed. */
const commands = (step: StepResult, name: string): string[] =>
  step.stdout.split('\n').filter((line) => line.startsWith(`::${name}`))

function demoRepo(): TempRepo {
  return createRepo(
    roadmapFiles({ 1: { files: ['src/one.ts'] }, 2: { us: 20, files: ['src/two.ts'] } })
  )
}

describe('dist/index.js on a simulated runner', () => {
  describe('a run of two priorities, then the post step', () => {
    let repo: TempRepo
    let runner: SimulatedRunner
    let main: StepResult
    let agentEnvs: ReturnType<typeof tempDir>

    beforeAll(() => {
      repo = demoRepo()
      agentEnvs = tempDir('pw-agent-env-')
      runner = new SimulatedRunner(repo.repo, {
        priorities: '1, 2',
        'agent-command': `env > ${agentEnvs.path}/env-$PRIORITY_ID.txt && node ${AGENT} --priority={priority}`,
        ...UNGATED
      })
      main = runner.main()
    })
    afterAll(() => {
      runner[Symbol.dispose]()
      agentEnvs[Symbol.dispose]()
      repo[Symbol.dispose]()
    })

    it('succeeds without errors', () => {
      expect({ status: main.status, errors: commands(main, 'error') }).toEqual({
        status: 0,
        errors: []
      })
    })

    it("sets the contract's outputs", () => {
      expect(main.outputs).toMatchObject({ merged: '1,2', failed: '', conflicted: '', skipped: '' })
      expect(undeclaredOutputs(main.outputs)).toEqual([])
      const result = JSON.parse(main.outputs.result) as {
        success: boolean
        mode: string
        base_branch: string
        priorities_requested: number[]
        tasks: { priority: number; status: string; merge: string; merge_commit: string }[]
      }
      expect(result).toMatchObject({
        success: true,
        mode: 'run',
        base_branch: 'roadmap',
        priorities_requested: [1, 2]
      })
      expect(result.tasks.map(({ priority, status, merge }) => [priority, status, merge])).toEqual([
        [1, 'completed', 'merged'],
        [2, 'completed', 'merged']
      ])
      const merges = git(repo.repo, 'log', '--merges', '--format=%H', 'roadmap').split('\n')
      expect(result.tasks.map((task) => task.merge_commit).sort()).toEqual(merges.sort())
    })

    it("keeps each agent's full log in the log-dir output, after the worktrees are gone", () => {
      const tasks = (JSON.parse(main.outputs.result) as { tasks: { log_file: string }[] }).tasks
      for (const [index, task] of tasks.entries()) {
        expect(dirname(task.log_file)).toBe(main.outputs['log-dir'])
        expect(readFileSync(task.log_file, 'utf8')).toContain(
          `example-agent: working on priority ${index + 1}`
        )
      }
    })

    it('writes the job summary', () => {
      expect(main.summary).toContain('feature/us-001')
      expect(main.summary).toContain('feature/us-002')
      expect(main.summary).toContain('roadmap')
    })

    it('saves the state the post step needs, and marks main finished', () => {
      expect(main.state).toMatchObject({ isPost: 'true', finished: 'true' })
    })

    it("merges each priority with the contract's message and two parents", () => {
      const merges = git(repo.repo, 'log', '--merges', '--format=%s|%P', 'roadmap')
        .split('\n')
        .map((line) => line.split('|'))
        .map(([subject, parents]) => [subject, parents.split(' ').length])
        .sort()
      expect(merges).toEqual([
        ['Merge PRIORITY 1 from parallel execution', 2],
        ['Merge PRIORITY 2 from parallel execution', 2]
      ])
      expect(git(repo.repo, 'show', 'roadmap:src/one.ts')).toContain('priority 1: change made')
      expect(git(repo.repo, 'show', 'roadmap:src/two.ts')).toContain('priority 2: change made')
    })

    it('removes the worktrees and deletes the merged branches', () => {
      expect(git(repo.repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(
        1
      )
      expect(readdirSync(dirname(repo.repo))).toEqual(['repo'])
      expect(git(repo.repo, 'branch', '--list', 'feature/*')).toBe('')
    })

    it("leaves the user's checkout of the base branch clean", () => {
      expect(git(repo.repo, 'status', '--porcelain')).toBe('')
    })

    it('keeps the token and the runner variables from the agents, and from the logs', () => {
      for (const priority of [1, 2]) {
        const env = parseEnv(readFileSync(join(agentEnvs.path, `env-${priority}.txt`), 'utf8'))
        expect(env).toMatchObject({ PRIORITY_ID: String(priority), BASE_BRANCH: 'roadmap' })
        const leaked = Object.keys(env).filter((name) =>
          /^(INPUT_|ACTIONS_|GITHUB_TOKEN$)/.test(name)
        )
        expect(leaked).toEqual([])
        expect(Object.values(env).join('\n')).not.toContain(FAKE_TOKEN)
      }
      // The one place it may appear: the mask command that tells the runner to hide it.
      const mentions = `${main.stdout}\n${main.stderr}`
        .split('\n')
        .filter((line) => line.includes(FAKE_TOKEN))
      expect(mentions.every((line) => line === `::add-mask::${FAKE_TOKEN}`)).toBe(true)
      expect(JSON.stringify(main.outputs) + main.summary).not.toContain(FAKE_TOKEN)
    })

    it('has a post step that changes nothing after a finished main', () => {
      const before = snapshot(repo.repo)
      const post = runner.post()
      expect({ status: post.status, errors: commands(post, 'error') }).toEqual({
        status: 0,
        errors: []
      })
      expect(commands(post, 'warning')).toEqual([])
      expect(post.outputs).toEqual({})
      expect(snapshot(repo.repo)).toEqual(before)
    })
  })

  describe('plan mode', () => {
    it('sets the matrix output and changes nothing', () => {
      using repo = demoRepo()
      using runner = new SimulatedRunner(repo.repo, { mode: 'plan', priorities: '2, 1' })
      const before = snapshot(repo.repo)
      const plan = runner.main()
      expect({ status: plan.status, errors: commands(plan, 'error') }).toEqual({
        status: 0,
        errors: []
      })
      expect(JSON.parse(plan.outputs.matrix)).toEqual({ priority: [2, 1] })
      expect(undeclaredOutputs(plan.outputs)).toEqual([])
      expect(JSON.parse(plan.outputs.result)).toMatchObject({ mode: 'plan' })
      expect(snapshot(repo.repo)).toEqual(before)
    })
  })

  describe('invalid input', () => {
    it('fails the step naming the bad token, and touches nothing (post included)', () => {
      using repo = demoRepo()
      using runner = new SimulatedRunner(repo.repo, { priorities: '65;rm -rf /', ...UNGATED })
      const before = snapshot(repo.repo)
      const main = runner.main()
      expect(main.status).toBe(1)
      const errors = commands(main, 'error')
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain('65;rm')
      expect(main.outputs).toEqual({})
      expect(snapshot(repo.repo)).toEqual(before)
      expect(readdirSync(runner.runnerTemp)).toEqual([])

      const post = runner.post()
      expect(post.status).toBe(0)
      expect(snapshot(repo.repo)).toEqual(before)
    })

    it('fails the step on a missing base branch, naming it', () => {
      using repo = demoRepo()
      using runner = new SimulatedRunner(repo.repo, {
        priorities: '1',
        'base-branch': 'no-such-branch',
        ...UNGATED
      })
      const before = snapshot(repo.repo)
      const main = runner.main()
      expect(main.status).toBe(1)
      expect(commands(main, 'error').join('\n')).toContain('no-such-branch')
      expect(snapshot(repo.repo)).toEqual(before)
    })
  })

  describe('a main step killed mid-run (a lost runner), then the post step', () => {
    it('stops the agents left behind, removes their worktrees and keeps their branches', async () => {
      using repo = demoRepo()
      using records = tempDir('pw-agent-records-')
      const record = join(records.path, 'events.txt')
      using runner = new SimulatedRunner(repo.repo, {
        priorities: '1',
        // A commit first, then a hang: the branch holds work the post step must keep.
        'agent-command': `node ${AGENT} --priority={priority} && node ${AGENT} --priority={priority} --hang-on=1 --record=${record}`,
        ...UNGATED
      })
      const roadmapBefore = git(repo.repo, 'rev-parse', 'roadmap')
      const { child, files } = runner.startMain()
      let agentPids: number[] = []
      try {
        // Until the agent runs and main has recorded it (a guard, not a timing assertion).
        const deadline = Date.now() + 60_000
        for (;;) {
          const leftovers = parseCommandFile(readFileSync(files.state, 'utf8')).leftovers
          agentPids = leftovers ? (JSON.parse(leftovers) as { pids: number[] }).pids : []
          if (agentPids.length > 0 && existsSync(record)) break
          if (child.exitCode !== null) throw new Error(`main ended early (${child.exitCode})`)
          if (Date.now() > deadline) throw new Error('the agent never started')
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        // Main dies with its watchdog (the supervisor that would otherwise stop the agents
        // within seconds), so that what is left for the post step to stop is really left.
        const watchdogs = watchdogsOf(child.pid!)
        expect(watchdogs).toHaveLength(1)
        for (const pid of watchdogs) process.kill(pid, 'SIGKILL')
        child.kill('SIGKILL')
        await new Promise((resolve) => child.once('exit', resolve))
        expect(agentPids.some(groupAlive)).toBe(true)

        runner.collectState(files)
        const post = runner.post()
        expect({ status: post.status, errors: commands(post, 'error') }).toEqual({
          status: 0,
          errors: []
        })
        expect(agentPids.filter(groupAlive)).toEqual([])
        expect(
          git(repo.repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)
        ).toHaveLength(1)
        expect(readdirSync(dirname(repo.repo))).toEqual(['repo'])
        expect(git(repo.repo, 'log', '--format=%s', 'roadmap..feature/us-001')).toMatch(
          /priority 1 by example-agent/
        )
        expect(git(repo.repo, 'rev-parse', 'roadmap')).toBe(roadmapBefore)
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL')
        for (const pid of agentPids) killGroup(pid)
      }
    })
  })
})

function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
  )
}

/**
 * Whether a process of the group is still running. Zombies do not count: the agents' parent
 * (main) was killed, and where PID 1 is slow to reap orphans they linger as zombies here.
 */
/** The watchdog a coordinator started: its child running node with an inline script. */
function watchdogsOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0')
        return ppid === parent && argv[1] === '-e'
      } catch {
        return false // gone meanwhile
      }
    })
    .map(Number)
}

function groupAlive(pgid: number): boolean {
  if (process.platform !== 'linux') {
    try {
      process.kill(-pgid, 0)
      return true
    } catch {
      return false
    }
  }
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .some((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        return Number(pgrp) === pgid && state !== 'Z'
      } catch {
        return false // ended while we looked
      }
    })
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // already gone
  }
}
