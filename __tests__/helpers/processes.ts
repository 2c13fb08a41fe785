import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'

/** Writes an executable bash script and returns its path. */
export function script(path: string, body: string): string {
  writeFileSync(path, `#!/usr/bin/env bash\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

/** Waits (polling, tests only) until `check` holds or the time is up. */
export async function until(check: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (check()) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return check()
}

/** Pids listed one per line (or as the last field of example-agent --record lines), once each. */
export function pidsIn(file: string): number[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => Number(line.trim().split(' ').at(-1)))
    .filter((pid, index, all) => Number.isSafeInteger(pid) && pid > 1 && all.indexOf(pid) === index)
}
