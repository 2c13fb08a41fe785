import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { execute } from '../../src/engine/execute.js'
import { silentLogger } from '../helpers/logger.js'
import { parseSettings } from '../../src/inputs/settings.js'
import { planAnnotations } from '../../src/report/annotations.js'
import { renderSummary } from '../../src/report/summary.js'
import { renderTerminalReport } from '../../src/report/terminal.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'

const AGENT = resolve('examples/agent/example-agent.mjs')

describe('reports of a real run', () => {
  it('say what happened and how to resolve the conflict, and the commands work', async () => {
    using repo = createRepo(
      roadmapFiles({
        1: { files: ['src/shared.ts'] },
        2: { files: ['src/shared.ts'] },
        3: { files: ['src/three.ts'] },
        4: { files: ['src/four.ts'] },
        5: { files: ['src/five.ts'] }
      })
    )
    const settings = parseSettings(
      {
        priorities: '1-5',
        separation: 'off',
        // All start together from the same base: of 1 and 2, the second to merge conflicts.
        'max-parallel': '5',
        'max-cpu-percent': '100',
        'max-memory-percent': '100',
        'agent-command': `node ${AGENT} --priority={priority} --fail-on=3 --noop-on=4`,
        'log-dir': join(repo.path, 'logs'),
        'pr-comment': 'false',
        // The conflict stays for the report to explain (rerun, the default, would settle it).
        'on-conflict': 'keep'
      },
      repo.repo,
      {}
    )
    const { result } = await execute(settings, { logger: silentLogger, killGraceMs: 500 })
    // 1 and 2 edit the same lines: whichever merges second conflicts.
    const loser = result.tasks.find((t) => t.merge === 'conflict')?.priority ?? 0
    const winner = 3 - loser
    expect([1, 2]).toContain(loser)
    expect(result.tasks.map((t) => [t.priority, t.status, t.merge])).toEqual([
      [1, 'completed', loser === 1 ? 'conflict' : 'merged'],
      [2, 'completed', loser === 2 ? 'conflict' : 'merged'],
      [3, 'failed', 'not-merged'],
      [4, 'no-changes', 'not-merged'],
      [5, 'completed', 'merged']
    ])

    const summary = renderSummary(result)
    expect(summary.split('\n')[0]).toBe(
      '## ❌ 2 of 5 priorities merged into `roadmap`: 1 conflicted, 1 failed, 1 made no changes'
    )
    expect(summary).toContain(`#### PRIORITY ${loser} · \`feature/us-00${loser}\``)
    expect(summary).toContain('Conflicts with `roadmap` in `src/shared.ts`.')
    expect(summary).toMatch(/#### ❌ PRIORITY 3 · `feature\/us-003` · failed \(exit code 3\)/)
    const log = result.tasks[2].log_file!
    expect(existsSync(log)).toBe(true)
    expect(summary).toContain(`Log file: \`${log}\``)
    expect(summary).toMatch(
      new RegExp(
        `\`\`\`mermaid\\n%%\\{init: .*\\}%%\\ngantt\\n[\\s\\S]*:done, p${winner}, \\d+, \\d+\\n`
      )
    )
    expect(summary).toMatch(new RegExp(`:crit, p${loser}, \\d+, \\d+\\n`))
    expect(planAnnotations(result).map((a) => [a.level, a.title, a.file])).toEqual([
      ['error', `PRIORITY ${loser} conflicts with roadmap`, 'src/shared.ts'],
      ['error', 'PRIORITY 3 failed', undefined],
      ['warning', 'PRIORITY 4 made no changes', undefined]
    ])

    // The commands the terminal report gives resolve the conflict in this repository.
    const report = renderTerminalReport(result)
    const lines = report.split('\n')
    const first = lines.findIndex((line) => line.includes('To resolve it:')) + 1
    const end = lines.findIndex((line, index) => index >= first && !line.startsWith('    '))
    const commands = lines.slice(first, end).map((line) => line.trim())
    expect(commands[0]).toBe('git switch roadmap')
    for (const command of commands) {
      if (command.startsWith('#')) {
        writeFileSync(join(repo.repo, 'src/shared.ts'), '// both\n')
        continue
      }
      const run = spawnSync('bash', ['-c', command], { cwd: repo.repo, encoding: 'utf8' })
      expect(run.status).toBe(command.startsWith('git merge') ? 1 : 0)
    }
    expect(git(repo.repo, 'log', '-1', '--format=%s', 'roadmap')).toBe(
      `Merge PRIORITY ${loser} from parallel execution`
    )
    expect(git(repo.repo, 'status', '--porcelain')).toBe('')
  })
})
