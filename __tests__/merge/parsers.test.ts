import { parseMergeTree } from '../../src/merge/merge-tree.js'
import { parseWorktreeList } from '../../src/git/worktree-list.js'
import { redactCredentials } from '../../src/merge/redact.js'

const TREE = '709011f5f1ea09996d7fcc78d25be5f94073c016'

describe('parseMergeTree (merge-tree --write-tree --name-only -z)', () => {
  it('reads a clean merge: the tree alone', () => {
    expect(parseMergeTree(`${TREE}\0`, true)).toEqual({
      clean: true,
      tree: TREE,
      conflictFiles: [],
      conflicts: []
    })
  })

  it('reads conflicted paths, then the empty field, then the messages (git 2.39 output)', () => {
    const output =
      `${TREE}\0bin.dat\0f\0g\0\0` +
      '1\0bin.dat\0CONFLICT (binary)\0warning: Cannot merge binary files: bin.dat (A vs. B)\n\0' +
      '1\0bin.dat\0Auto-merging\0Auto-merging bin.dat\n\0' +
      '1\0f\0CONFLICT (contents)\0CONFLICT (content): Merge conflict in f\n\0' +
      '1\0g\0CONFLICT (modify/delete)\0CONFLICT (modify/delete): g deleted in A and modified in B.\n\0'
    const merge = parseMergeTree(output, false)
    expect(merge.tree).toBe(TREE)
    expect(merge.conflictFiles).toEqual(['bin.dat', 'f', 'g'])
    expect(merge.conflicts.map((c) => [c.type, c.paths])).toEqual([
      ['CONFLICT (binary)', ['bin.dat']],
      ['CONFLICT (contents)', ['f']],
      ['CONFLICT (modify/delete)', ['g']]
    ])
    expect(merge.conflicts[2].message).toBe(
      'CONFLICT (modify/delete): g deleted in A and modified in B.'
    )
  })

  it('keeps names with spaces, newlines and non-ASCII unquoted', () => {
    const output = `${TREE}\0dir with space/a\nb.txt\0caf\u00e9.md\0\0`
    expect(parseMergeTree(output, false).conflictFiles).toEqual([
      'dir with space/a\nb.txt',
      'caf\u00e9.md'
    ])
  })

  it('takes the paths of CONFLICT records when no path has a higher stage', () => {
    const output =
      `${TREE}\0\0` +
      '2\0old\0new\0CONFLICT (rename/delete)\0CONFLICT (rename/delete): old renamed to new\n\0'
    expect(parseMergeTree(output, false).conflictFiles).toEqual(['old', 'new'])
  })

  it('refuses output without a tree id', () => {
    expect(() => parseMergeTree('fatal: refusing to merge unrelated histories\n', false)).toThrow(
      /no tree id/
    )
  })
})

describe('parseWorktreeList (worktree list --porcelain -z)', () => {
  it('reads the main checkout first, branches, detached, bare and prunable records', () => {
    const output =
      'worktree /repo\0HEAD aaaa\0branch refs/heads/roadmap\0\0' +
      'worktree /repo-wt65\0HEAD bbbb\0branch refs/heads/feature/us-065\0locked parallel-worktree: priority 65\0\0' +
      'worktree /repo-rebasing\0HEAD cccc\0detached\0\0' +
      'worktree /gone\0HEAD dddd\0branch refs/heads/x\0prunable gitdir file points to non-existent location\0\0'
    const list = parseWorktreeList(output)
    expect(
      list.map((wt) => [wt.path, wt.main, wt.ref, wt.branch, wt.detached, wt.prunable])
    ).toEqual([
      ['/repo', true, 'refs/heads/roadmap', 'roadmap', false, false],
      ['/repo-wt65', false, 'refs/heads/feature/us-065', 'feature/us-065', false, false],
      ['/repo-rebasing', false, null, null, true, false],
      ['/gone', false, 'refs/heads/x', 'x', false, true]
    ])
    expect(list[1]).toMatchObject({ locked: true, lockReason: 'parallel-worktree: priority 65' })
  })

  it('reads a bare main repository', () => {
    expect(parseWorktreeList('worktree /srv/repo.git\0bare\0\0')[0]).toMatchObject({
      bare: true,
      head: null
    })
  })
})

describe('redactCredentials', () => {
  it('removes user and token from URLs and authorization headers', () => {
    const text =
      "fatal: unable to access 'https://x-access-token:ghs_secret123@github.com/o/r.git/': 403\n" +
      'http.extraheader=AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA=='
    const clean = redactCredentials(text)
    expect(clean).not.toMatch(/ghs_secret123|eC1hY2Nlc3M/)
    expect(clean).toContain('https://***@github.com/o/r.git/')
  })
})
