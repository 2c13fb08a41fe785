import { execFileSync } from 'node:child_process'

/**
 * Commits files onto a branch straight into the object store with one `git fast-import`,
 * without writing the working tree: a thousand specs take milliseconds instead of a second.
 * A checkout of that branch is left behind its branch (fine for the plan, which reads the
 * branch).
 */
export function commitToBranch(repo: string, branch: string, files: Record<string, string>): void {
  const chunks: Buffer[] = []
  const text = (value: string): void => {
    chunks.push(Buffer.from(value))
  }
  const data = (value: string): void => {
    const bytes = Buffer.from(value)
    text(`data ${bytes.length}\n`)
    chunks.push(bytes, Buffer.from('\n'))
  }
  text(`commit refs/heads/${branch}\n`)
  text('committer Test <test@example.com> 1700000000 +0000\n')
  data('specs')
  text(`from refs/heads/${branch}^0\n`)
  for (const [path, content] of Object.entries(files)) {
    text(`M 100644 inline ${path}\n`)
    data(content)
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo, input: Buffer.concat(chunks) })
}
