import { join } from 'node:path'
import { runParallel } from '../../src/engine/run-mode.js'
import { createRepo, git, roadmapFiles } from '../helpers/temp-repo.js'
import { memoryLogger, script, settingsFor, testEngineOptions } from '../run/run-helpers.js'

// Before a start, git is asked only about the paths the priorities not started yet name. What
// an ended agent left there uncommitted counts as much as what it committed: a new file under
// priority 3 names (untracked) and an edit of a file it names (not added). Priority 3
// waits for 1's merge, which holds both (auto-commit), and starts from it.
const AGENT = `
case "$PRIORITY_ID" in
  1) echo a > src/a.ts; git add src/a.ts; git commit -qm "priority 1"
     mkdir -p src/new && echo made > src/new/made.ts
     echo "from 1" >> src/hub.ts ;;
  2) sleep 2; echo b > src/b.ts; git add -A; git commit -qm "priority 2" ;;
  3) test -f src/new/made.ts && grep -q "from 1" src/hub.ts || { echo "1's work is missing" >&2; exit 1; }
     echo "from 3" >> src/hub.ts; git add -A; git commit -qm "priority 3" ;;
esac
`

describe('the check before a start', () => {
  test('sees what an ended agent left uncommitted under a pending priority’s paths', async () => {
    using dir = createRepo({
      ...roadmapFiles({
        1: { files: ['src/a.ts'] },
        2: { files: ['src/b.ts'] },
        3: { files: ['src/hub.ts'] }
      }),
      // Priority 3 also creates a file that does not exist yet.
      'docs/architecture/specs/SPEC-003-feature-3.md':
        '# SPEC-3: Feature 3\n\n## Files\n\n- `src/hub.ts`\n- Create `src/new/made.ts`\n',
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
    expect(result.tasks.map((task) => [task.status, task.merge])).toEqual([
      ['completed', 'merged'],
      ['completed', 'merged'],
      ['completed', 'merged']
    ])
    expect(logger.text()).toContain('PRIORITY 3 now waits for PRIORITY 1')
    expect(git(dir.repo, 'show', 'roadmap:src/hub.ts')).toBe('hub\nfrom 1\nfrom 3')
    expect(git(dir.repo, 'show', 'roadmap:src/new/made.ts')).toBe('made')
  })
})
