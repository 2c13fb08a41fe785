import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { isHubFile } from '../../src/merge/hub-files.js'
import { riskOrder } from '../../src/merge/risk-order.js'
import { createRepo, git } from '../helpers/temp-repo.js'
import { commitFiles } from './merge-helpers.js'

// Hub files (the manifest, the CLI entry, the main loop) are touched for wiring by priorities
// whose specs never name them. They do not serialise priorities; the merge that touches them
// goes after the others of its batch, where the merge queue catches a real conflict.
describe('hub files in the merge order', () => {
  it('knows manifests, lock files and the entry points near the root', () => {
    expect(
      ['package.json', 'api/pyproject.toml', 'poetry.lock', 'src/cli.ts', 'forge/daemon.py'].map(
        isHubFile
      )
    ).toEqual([true, true, true, true, true])
    expect(
      ['src/report/summary.ts', 'a/b/c/index.ts', 'forge/notify/slack.py'].map(isHubFile)
    ).toEqual([false, false, false])
  })

  it('a branch that touches a hub file merges after the others, however small', async () => {
    using repo = createRepo({
      'package.json': '{}\n',
      'src/cli.ts': '// cli\n',
      'src/a.ts': '',
      'src/b.ts': ''
    })
    const base = git(repo.repo, 'rev-parse', 'roadmap')
    const hub = commitFiles(
      repo.repo,
      'hub',
      { 'package.json': '{"dependencies":{}}\n' },
      { from: base }
    )
    const big = commitFiles(
      repo.repo,
      'big',
      { 'src/a.ts': Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') },
      { from: base }
    )
    const small = commitFiles(repo.repo, 'small', { 'src/b.ts': 'one\n' }, { from: base })
    const order = await riskOrder(new GitCommandManager(repo.repo), base, [hub, big, small])
    expect(order).toEqual([2, 1, 0])
  })
})
