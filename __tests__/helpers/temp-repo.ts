import { execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** A throwaway folder that removes itself: `using dir = tempDir()`. */
export interface TempDir extends Disposable {
  path: string
}

export function tempDir(prefix = 'pw-test-'): TempDir {
  const path = realpathSync(mkdtempSync(join(tmpdir(), prefix)))
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) }
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  LC_ALL: 'C'
}

/** Runs git for a test and returns its trimmed stdout; throws on failure. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim()
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
}

export interface TempRepo extends TempDir {
  /** The repository folder (`<tmp>/repo`); worktrees made with worktree-dir `..` land beside it. */
  repo: string
}

/**
 * A real repository in a temp folder: `files` committed on `main`, then a `base` branch
 * (default `roadmap`) checked out, with the identity set in the repository's config.
 */
export function createRepo(
  files: Record<string, string> = { 'README.md': '# demo\n' },
  { base = 'roadmap', checkout = true }: { base?: string; checkout?: boolean } = {}
): TempRepo {
  const dir = tempDir()
  const repo = join(dir.path, 'repo')
  mkdirSync(repo)
  git(repo, 'init', '-q', '-b', 'main')
  git(repo, 'config', 'user.name', 'Test')
  git(repo, 'config', 'user.email', 'test@example.com')
  git(repo, 'config', 'commit.gpgsign', 'false')
  writeFiles(repo, files)
  git(repo, 'add', '-A')
  git(repo, 'commit', '-q', '-m', 'initial')
  git(repo, 'branch', base)
  if (checkout) git(repo, 'checkout', '-q', base)
  return { ...dir, repo }
}

/** A ROADMAP plus one spec per priority, each naming the files it touches. */
export function roadmapFiles(
  specs: Record<number, { us?: number; title?: string; files: string[] }>
): Record<string, string> {
  const files: Record<string, string> = {}
  let roadmap = '# Roadmap\n\n'
  for (const [p, spec] of Object.entries(specs)) {
    const us = spec.us ?? Number(p)
    const title = spec.title ?? `Feature ${us}`
    roadmap += `### PRIORITY ${p}: US-${us} - ${title}\n\n**Status**: 📝 Planned\n\n`
    files[`docs/architecture/specs/SPEC-${String(us).padStart(3, '0')}-feature-${us}.md`] =
      `# SPEC-${us}: ${title}\n\n## Files\n\n` +
      spec.files.map((f) => `- \`${f}\``).join('\n') +
      '\n'
    for (const f of spec.files) files[f] ??= `// ${f}\n`
  }
  files['docs/roadmap/ROADMAP.md'] = roadmap
  return files
}
