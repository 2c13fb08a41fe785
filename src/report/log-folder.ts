import { resolve } from 'node:path'

/**
 * The last line of every run that started agents, successful or not: where every run's log
 * is kept (a re-run's too), so that nobody has to guess the stamped default folder.
 */
export function logFolderLine(repo: string, logDir: string | undefined): string | null {
  return logDir ? `Agents' logs (every run of every priority): ${resolve(repo, logDir)}` : null
}
