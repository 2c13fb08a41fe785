import { posix } from 'node:path'
import type { TreeListing } from './base-tree.js'

/**
 * spec-kit's documents that are context, not changes: a feature folder's `plan.md` holds the
 * project's structure tree (every folder the project has), while its `tasks.md` names the
 * files the feature really touches (`T012 [P] [US1] Create model in src/models/user.py`).
 * When the folder has a `tasks.md`, its `plan.md` counts only through the files the tasks
 * name; without one, the plan is all there is and counts.
 */
export function contextDocuments(specFiles: readonly string[]): Set<string> {
  const withTasks = new Set(
    specFiles
      .filter((file) => posix.basename(file).toLowerCase() === 'tasks.md')
      .map((file) => posix.dirname(file))
  )
  return new Set(
    specFiles.filter(
      (file) =>
        posix.basename(file).toLowerCase() === 'plan.md' && withTasks.has(posix.dirname(file))
    )
  )
}

/** The documents spec-kit's commands write in a feature folder. */
const SPEC_KIT_DOCUMENTS = new Set([
  'spec.md',
  'plan.md',
  'tasks.md',
  'research.md',
  'data-model.md',
  'quickstart.md',
  'contracts/',
  'checklists/'
])

/**
 * A path a spec names that is one of its own folder's documents (`contracts/`, `plan.md`
 * next to a spec-kit `tasks.md`): bookkeeping of the spec, not a change to the repository.
 */
export function isOwnDocument(path: string, specFile: string, tree: TreeListing): boolean {
  const folder = posix.dirname(specFile)
  if (folder === '.' || folder === '') return false
  // spec-kit's templates name the feature's documents whether or not they were written.
  if (SPEC_KIT_DOCUMENTS.has(path)) return true
  const inFolder = posix.join(folder, path.replace(/\/$/, ''))
  return path.endsWith('/') ? tree.hasFolder(inFolder) : tree.hasFile(inFolder)
}

/**
 * A bare name (`plan.md`, `tasks.md`) that stands for a document beside the spec: the spec's
 * own folder holds it, or the spec is a spec-kit document and the name one of spec-kit's.
 * Such a name is the spec's bookkeeping: neither a change nor a path to place in the tree.
 */
export function isSiblingDocument(name: string, specFile: string, tree: TreeListing): boolean {
  if (name.includes('/')) return false
  const folder = posix.dirname(specFile)
  if (folder === '.' || folder === '') return false
  if (tree.hasFile(posix.join(folder, name))) return true
  const kit = (file: string): boolean => SPEC_KIT_DOCUMENTS.has(file.toLowerCase())
  return kit(name) && kit(posix.basename(specFile))
}
