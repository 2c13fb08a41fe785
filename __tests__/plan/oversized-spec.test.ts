import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { GitCommandManager } from '../../src/git/git-command-manager.js'
import { MAX_SPEC_BYTES } from '../../src/plan/base-tree.js'
import { buildPlan } from '../../src/plan/plan.js'
import { writePromptFile } from '../../src/run/agent-prompt.js'
import { createRepo, git, roadmapFiles, tempDir, writeFiles } from '../helpers/temp-repo.js'
import { planSettings, SPECS } from './plan-settings.js'

// A spec of 6 MB (one of 100 MB took 1.3 GB of memory to plan): read up to 5 MB only, with a
// note on the task. What it names past the cap is not read, so it is not in the plan.

const SPEC = `${SPECS}/SPEC-001-feature-1.md`
const FILLER_LINE = 'Prose that names no file of the repository, only words and more words.\n'

function oversizedSpec(): string {
  const filler = FILLER_LINE.repeat(Math.ceil((6 * 1024 * 1024) / FILLER_LINE.length))
  return `# SPEC-1: Feature 1\n\n## Files\n\n- \`src/early.ts\`\n\n${filler}\n- \`src/late.ts\`\n`
}

describe('a spec over the size cap', () => {
  it('is planned from its first 5 MB, with a note; a path named after them is not read', async () => {
    using repo = createRepo({
      ...roadmapFiles({ 1: { files: ['src/early.ts'] } }),
      [SPEC]: oversizedSpec(),
      'src/late.ts': '// late\n'
    })
    const plan = await buildPlan(planSettings(repo.repo, [1]))
    expect(plan.separation.task_file_map['1']).toEqual(['src/early.ts'])
    const notes = plan.tasks[0].notes.join('\n')
    expect(notes).toContain(`${SPEC} is 6 MB: only its first 5 MB were read`)
  }, 60_000)

  it('is read through git up to the cap, cut at a line', async () => {
    using repo = createRepo({ [SPEC]: oversizedSpec(), 'small.md': 'small\n' })
    const id = git(repo.repo, 'rev-parse', `roadmap:${SPEC}`).trim()
    const small = git(repo.repo, 'rev-parse', 'roadmap:small.md').trim()
    const blobs = await new GitCommandManager(repo.repo).readBlobs([id, small], MAX_SPEC_BYTES)
    const big = blobs.get(id)
    expect(big?.size).toBeGreaterThan(6 * 1024 * 1024)
    expect(Buffer.byteLength(big?.text ?? '')).toBeLessThanOrEqual(MAX_SPEC_BYTES)
    expect(Buffer.byteLength(big?.text ?? '')).toBeGreaterThan(MAX_SPEC_BYTES - FILLER_LINE.length)
    expect(big?.text.endsWith(FILLER_LINE)).toBe(true)
    expect(blobs.get(small)?.text.trim()).toBe('small')
  }, 60_000)

  it("is cut in the agent's prompt after its first 200,000 characters, without reading it whole", async () => {
    using folder = tempDir()
    const spec = oversizedSpec()
    writeFiles(folder.path, { [SPEC]: spec })
    const prompt = join(folder.path, 'prompt.md')
    await writePromptFile(
      prompt,
      {
        priority: 1,
        title: null,
        branch: 'feature/us-001',
        worktree: folder.path,
        base: 'roadmap',
        specFiles: [SPEC],
        files: [],
        autoCommit: true
      },
      null
    )
    const text = readFileSync(prompt, 'utf8')
    expect(text).toContain(`(… cut: ${SPEC} is ${Buffer.byteLength(spec)} bytes; read it itself)`)
    expect(text.length).toBeLessThan(250_000)
  })
})
