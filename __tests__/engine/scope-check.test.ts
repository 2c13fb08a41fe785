import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { outOfScope, touchesScope } from '../../src/plan/scope.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { memoryLogger, script, settingsFor, testEngineOptions } from '../run/run-helpers.js'

// Priority 1 also edits src/hub.ts, which only priority 3's spec names: once 1 is done, 3 waits
// for its merge and starts from a base that has it, instead of conflicting with it.
const AGENT = `
case "$PRIORITY_ID" in
  1) echo "from 1" >> src/hub.ts; mkdir -p src && echo a > src/a.ts ;;
  2) sleep 2; mkdir -p src && echo b > src/b.ts ;;
  3) echo "from 3" >> src/hub.ts ;;
esac
git add -A && git commit -qm "priority $PRIORITY_ID"
`

describe('scope', () => {
  test('files outside the spec are reported, and a priority not started yet that names them waits for this merge', async () => {
    using dir = createRepo({
      ...roadmapFiles({
        1: { files: ['src/a.ts'] },
        2: { files: ['src/b.ts'] },
        3: { files: ['src/hub.ts'] }
      }),
      'src/hub.ts': 'hub\n'
    })
    const agent = script(join(dir.path, 'agent.sh'), AGENT)
    const logger = memoryLogger()
    const result = await runParallel(
      settingsFor(dir.repo, {
        priorities: '1-3',
        'max-parallel': '2',
        'agent-command': `bash ${agent}`,
        'on-conflict': 'keep',
        'pr-comment': 'false'
      }),
      testEngineOptions(logger)
    )
    const [one, two, three] = result.tasks
    expect(one.out_of_scope).toEqual(['src/hub.ts'])
    expect(two.out_of_scope).toEqual([])
    expect(result.tasks.map((t) => t.merge)).toEqual(['merged', 'merged', 'merged'])
    expect(logger.text()).toContain('PRIORITY 3 now waits for PRIORITY 1')
    // 3 started from a base that held 1's merge.
    const threeTip = git(dir.repo, 'rev-parse', `${three.merge_commit}^2`)
    expect(() =>
      git(dir.repo, 'merge-base', '--is-ancestor', one.merge_commit!, threeTip)
    ).not.toThrow()
    expect(git(dir.repo, 'show', 'roadmap:src/hub.ts')).toBe('hub\nfrom 1\nfrom 3')
  })

  test('in scope: a named file, a file under a named folder, a glob match', () => {
    expect(
      outOfScope(
        ['src/a.ts', 'src/ui/b.ts', 'lib/c.ts', 'x.md'],
        ['src/a.ts', 'src/ui/', 'lib/*.ts']
      )
    ).toEqual(['x.md'])
    expect(outOfScope(['anything.ts'], [])).toEqual([])
    expect(touchesScope(['src/main.ts'], ['src/'])).toBe(true)
    expect(touchesScope(['docs/a.md'], ['src/'])).toBe(false)
  })
})
