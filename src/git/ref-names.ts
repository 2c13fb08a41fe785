import { InputError } from '../core/errors.js'
import { shorten } from '../core/shorten.js'

/**
 * Why `name` is not a valid branch name (git check-ref-format's rules, plus a conservative
 * character set so that no branch name can carry shell syntax), or null when it is valid.
 */
export function branchNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty'
  if (name.length > 200) return 'it is longer than 200 characters'
  if (!/^[A-Za-z0-9._/+-]+$/.test(name)) {
    return 'only letters, digits and . _ / + - are allowed in branch names here'
  }
  if (name.startsWith('-')) return 'it starts with "-"'
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
    return 'it has an empty path component ("/" at an end, or "//")'
  }
  if (name.includes('..')) return 'it contains ".."'
  if (name.endsWith('.')) return 'it ends with "."'
  if (name === '@' || name === 'HEAD') return `"${name}" is reserved`
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `the component "${part}" starts with "."`
    if (part.endsWith('.lock')) return `the component "${part}" ends with ".lock"`
  }
  return null
}

export function assertBranchName(name: string, what: string): void {
  const problem = branchNameProblem(name)
  if (problem)
    throw new InputError(`${what}: "${shorten(name)}" is not a valid branch name: ${problem}`)
}

/**
 * A branch named by the user (base-branch): valid, and not a ref's full name (`refs/heads/main`
 * or `heads/main` for `main`: git would read it as another ref, or the run would look for a
 * branch no one has).
 */
export function assertPlainBranchName(name: string, what: string): void {
  assertBranchName(name, what)
  const ambiguity = ambiguousBranchProblem(name)
  if (ambiguity) {
    const meant = templateWithoutNamespace(name)
    throw new InputError(
      `${what}: "${shorten(name)}" is not a branch name: ${ambiguity}; write the branch's own name${meant && meant !== name ? `, e.g. "${shorten(meant)}"` : ''}`
    )
  }
}

const PLACEHOLDER = /\{priority(?::0?(\d+)d)?\}/g

/**
 * `feature/us-{priority:03d}` with 7 gives `feature/us-007`. A decimal priority pads its whole
 * part and keeps its decimals: 2.5 gives `feature/us-002.5` (a single `.` inside a ref
 * component is allowed; the ID never ends in `.` nor holds `..`).
 */
export function renderBranchTemplate(template: string, priority: number): string {
  const [whole, decimals] = String(priority).split('.')
  return template.replace(
    PLACEHOLDER,
    (_match, width?: string) =>
      whole.padStart(width ? Number(width) : 0, '0') + (decimals ? `.${decimals}` : '')
  )
}

/**
 * First components that git's short-name rules read as something other than a branch: `x`
 * is looked up as `refs/x`, `refs/tags/x`, `refs/heads/x`, `refs/remotes/x` in that order, so
 * a branch named `heads/x` (made as `refs/heads/heads/x`) is found as `refs/heads/x`, and one
 * named `refs/heads/x` is a branch `refs/heads/refs/heads/x` that no one means.
 */
const REF_NAMESPACES = new Set(['refs', 'heads', 'tags', 'remotes'])

/**
 * Why the branch `name` would be read by git as another ref (a ref namespace as its first
 * component), or null. (Names of the `FETCH_HEAD` kind, that git looks up in .git first, hold
 * no digit: a rendered template always holds the priority's.)
 */
export function ambiguousBranchProblem(name: string): string | null {
  const first = name.split('/')[0]
  if (REF_NAMESPACES.has(first)) {
    return `it starts with "${first}/", so git reads it as another ref (branches are made under refs/heads/ already: this one would be refs/heads/${name})`
  }
  return null
}

/** The template without the ref namespaces a user may have written before the branch name. */
function templateWithoutNamespace(template: string): string {
  return template.replace(/^(refs\/)?(heads\/)?/, '')
}

/** Refuses a template that cannot give one valid, distinct branch per priority. */
export function validateBranchTemplate(template: string, priorities: readonly number[]): void {
  if (!template.match(PLACEHOLDER)) {
    throw new InputError(
      `branch-template: "${shorten(template)}" has no {priority} placeholder, so every priority would get the same branch`
    )
  }
  for (const [, width] of template.matchAll(PLACEHOLDER)) {
    // Checked before rendering: padding to a huge width would not even fit in a string.
    if (width && Number(width) > 200) {
      throw new InputError(
        `branch-template: "${shorten(template)}" pads the priority to ${shorten(width)} characters, past the 200 a branch name may have here`
      )
    }
  }
  if (/[{}]/.test(template.replace(PLACEHOLDER, ''))) {
    throw new InputError(
      `branch-template: "${shorten(template)}" has a placeholder other than {priority} or {priority:0Nd}`
    )
  }
  for (const priority of priorities) {
    const branch = renderBranchTemplate(template, priority)
    assertBranchName(branch, 'branch-template')
    const ambiguity = ambiguousBranchProblem(branch)
    if (ambiguity) {
      const plain = templateWithoutNamespace(template)
      const plainIsClear = ambiguousBranchProblem(renderBranchTemplate(plain, priority)) === null
      const fix = plainIsClear
        ? `give the plain branch name: "${shorten(plain)}"`
        : 'give a name that starts outside refs/, heads/, tags/ and remotes/ (e.g. "feature/us-{priority:03d}")'
      throw new InputError(
        `branch-template: "${shorten(template)}" gives the branch "${shorten(branch)}" for priority ${priority}: ${ambiguity}; ${fix}`
      )
    }
  }
}
