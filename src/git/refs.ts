/**
 * Ref names, composed here only: a branch name goes around as a name and becomes a ref at the
 * door to git, so that no stage spells `refs/heads/` itself.
 */
export const BRANCH_PREFIX = 'refs/heads/'

/** Every ref of the repository, for a listing (`refsUnder(EVERY_REF)`). */
export const EVERY_REF = 'refs/'

/** `roadmap` → `refs/heads/roadmap`. */
export function branchRef(branch: string): string {
  return `${BRANCH_PREFIX}${branch}`
}

/** `refs/heads/roadmap` → `roadmap`; any other ref as it is. */
export function branchOfRef(ref: string): string {
  return ref.startsWith(BRANCH_PREFIX) ? ref.slice(BRANCH_PREFIX.length) : ref
}

/** Where a fetch keeps a remote's copy of a branch: `refs/remotes/<remote>/<branch>`. */
export function trackingRef(remote: string, branch: string): string {
  return `refs/remotes/${remote}/${branch}`
}

/** origin's copy of a branch, as the last fetch saw it. */
export function originRef(branch: string): string {
  return trackingRef('origin', branch)
}

/** The refspec that fetches a remote's branch into its tracking ref (forced, as fetch does). */
export function fetchSpec(branch: string, remote = 'origin'): string {
  return `+${branchRef(branch)}:${trackingRef(remote, branch)}`
}
