/**
 * Links into the repository on GitHub, built from the runner's GITHUB_SERVER_URL and
 * GITHUB_REPOSITORY: a commit, a branch, a compare view. Null where the runner names no
 * repository (the CLI), or a value would not make a sound URL.
 */
export interface RepositoryLinks {
  commit(sha: string): string | null
  branch(name: string): string | null
  compare(base: string, head: string): string | null
}

/** No links: off a runner, or where the branches are not on GitHub. */
export const NO_LINKS: RepositoryLinks = {
  commit: () => null,
  branch: () => null,
  compare: () => null
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/
const SERVER = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]+)?(\/[A-Za-z0-9._~/-]*)?$/

/** A ref's name in a URL path: each segment encoded, the slashes kept. */
function refPath(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/')
}

export function repositoryLinks(env: NodeJS.ProcessEnv): RepositoryLinks {
  const repository = env.GITHUB_REPOSITORY ?? ''
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  if (!REPOSITORY.test(repository) || !SERVER.test(server)) return NO_LINKS
  const root = `${server}/${repository}`
  return {
    commit: (sha) => (/^[0-9a-f]{7,64}$/.test(sha) ? `${root}/commit/${sha}` : null),
    branch: (name) => (name ? `${root}/tree/${refPath(name)}` : null),
    compare: (base, head) =>
      base && head ? `${root}/compare/${refPath(base)}...${refPath(head)}` : null
  }
}

/** `[text](url)`, or the text alone without a URL. The text is Markdown already. */
export function linked(text: string, url: string | null): string {
  return url ? `[${text}](${url})` : text
}
