import { spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'

/**
 * Deletes files and folders (recursively, symbolic links not followed, missing ones no error)
 * with one `rm -rf` process: a worktree's thousands of files go 3-4 times faster than through
 * fs.rm, whose every unlink is a callback on this process's event loop (measured here: 16
 * worktrees of 5,000 files, 0.54 s against 1.97 s). fs.rm where there is no `rm` (Windows).
 */
export async function deletePaths(paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return
  if (process.platform === 'win32') {
    await Promise.all(paths.map((path) => rm(path, { recursive: true, force: true })))
    return
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('rm', ['-rf', '--', ...paths], { stdio: ['ignore', 'ignore', 'pipe'] })
    let said = ''
    child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString('utf8')))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`rm -rf exited ${code}: ${said.trim()}`))
    )
  })
}
