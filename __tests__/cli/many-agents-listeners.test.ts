import { join } from 'node:path'
import { createRepo, roadmapFiles, tempDir } from '../helpers/temp-repo.js'
import { script } from '../helpers/processes.js'
import { buildSourceCli, runAsUser } from './source-cli.js'

// Each running agent listens for the run's cancellation. Sixteen at once are more listeners
// than Node's default of 10 on one signal, which Node reports on stderr as a possible leak
// ("MaxListenersExceededWarning"): a job's log would show it at every wide run. The run raises
// the limit to what max-parallel needs, and each wait for a slot takes its listener away.
describe('sixteen agents at once', () => {
  test('print no warning of too many listeners', () => {
    using cli = buildSourceCli()
    using runnerTemp = tempDir('pw-cli-temp-')
    const priorities = Array.from({ length: 16 }, (_, k) => k + 1)
    using dir = createRepo(
      roadmapFiles(Object.fromEntries(priorities.map((p) => [p, { files: [`f${p}.txt`] }])))
    )
    const agent = script(
      join(dir.path, 'agent.sh'),
      'sleep 1; printf "%s\\n" "$1" > "f$1.txt"; git add -A; git commit -qm "work of $1"\n'
    )
    const result = runAsUser(
      cli.entry,
      [
        'run',
        '--priorities',
        '1-16',
        '--max-parallel',
        '16',
        '--agent-command',
        `bash ${agent} {priority}`,
        '--no-pr-comment',
        '--max-cpu-percent',
        '100',
        '--max-memory-percent',
        '100'
      ],
      { runnerTemp: runnerTemp.path, cwd: dir.repo }
    )
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('16')
    expect(result.stderr).not.toContain('MaxListenersExceededWarning')
  }, 90_000)
})
