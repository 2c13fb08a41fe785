import { InputError } from '../core/errors.js'
import type { GitCommandManager } from '../git/git-command-manager.js'
import { originRef } from '../git/refs.js'

/** How much of a spec or ROADMAP is read: past it, what a file names is not read. */
export const MAX_SPEC_BYTES = 5 * 1024 * 1024

/** The files of a tree, as the spec lookup needs them (no git involved). */
export interface TreeListing {
  hasFile(path: string): boolean
  hasFolder(path: string): boolean
  /** Every file path, in git's order. */
  files(): Iterable<string>
  /** Files at any depth under a folder. */
  filesUnder(folder: string): string[]
  /** Files whose last segment is `name`, at any depth. */
  filesNamed(name: string): readonly string[]
}

/**
 * The tree of the base branch's tip: specs and the ROADMAP are read from here, never from
 * the working tree, because the user's checkout may be on another branch and every
 * worktree starts from base. Few git processes: one `ls-tree`, then per `read` one `cat-file
 * --batch-check` and one `--batch` (and one `cat-file blob` per file over the cap).
 */
export class BaseTree implements TreeListing {
  private folders: Set<string> | null = null
  private sorted: string[] | null = null
  private byName: Map<string, string[]> | null = null
  private readonly cut = new Map<string, number>()

  private constructor(
    private readonly git: GitCommandManager,
    readonly branch: string,
    readonly commit: string,
    /** Blob id by path; symlinks and submodules are left out. */
    private readonly blobs: Map<string, string>
  ) {}

  /** `at`: the commit of the branch to read (the run's start), when not its tip. */
  static async read(git: GitCommandManager, branch: string, at?: string): Promise<BaseTree> {
    // A fresh CI checkout may have the base only as origin's (plan mode creates no branch).
    const commit =
      at ?? (await git.branchTip(branch)) ?? (await git.resolveCommit(originRef(branch)))
    if (!commit) {
      throw new InputError(
        `base-branch: branch "${branch}" does not exist in ${git.cwd}; the plan reads the ROADMAP and specs from it`
      )
    }
    const blobs = await git.treeBlobs(commit)
    return new BaseTree(git, branch, commit, blobs)
  }

  hasFile(path: string): boolean {
    return this.blobs.has(path)
  }

  hasFolder(path: string): boolean {
    if (!this.folders) {
      this.folders = new Set()
      for (const file of this.blobs.keys()) {
        for (let slash = file.indexOf('/'); slash > 0; slash = file.indexOf('/', slash + 1)) {
          this.folders.add(file.slice(0, slash))
        }
      }
    }
    return this.folders.has(path)
  }

  files(): Iterable<string> {
    return this.blobs.keys()
  }

  filesUnder(folder: string): string[] {
    const prefix = folder ? `${folder.replace(/\/$/, '')}/` : ''
    // Sorted once: the files under a folder are one run of the sorted list.
    this.sorted ??= [...this.blobs.keys()].sort()
    const sorted = this.sorted
    let low = 0
    let high = sorted.length
    while (low < high) {
      const middle = (low + high) >> 1
      if (sorted[middle] < prefix) low = middle + 1
      else high = middle
    }
    const files: string[] = []
    for (let index = low; index < sorted.length && sorted[index].startsWith(prefix); index += 1) {
      files.push(sorted[index])
    }
    return files
  }

  filesNamed(name: string): readonly string[] {
    if (!this.byName) {
      this.byName = new Map()
      for (const file of this.blobs.keys()) {
        const base = file.slice(file.lastIndexOf('/') + 1)
        const list = this.byName.get(base)
        if (list) list.push(file)
        else this.byName.set(base, [file])
      }
    }
    return this.byName.get(name) ?? []
  }

  /**
   * The text of these files (missing ones are left out). A file over `MAX_SPEC_BYTES` is read
   * up to them only (a 100 MB spec took 1.3 GB of memory): `cutSize` names its full size.
   */
  async read(paths: readonly string[]): Promise<Map<string, string>> {
    const wanted = paths.filter((path) => this.blobs.has(path))
    const ids = [...new Set(wanted.map((path) => this.blobs.get(path) as string))]
    const texts = new Map<string, string>()
    const byId = await this.git.readBlobs(ids, MAX_SPEC_BYTES)
    for (const path of wanted) {
      const blob = byId.get(this.blobs.get(path) as string)
      texts.set(path, blob?.text ?? '')
      if (blob && blob.size > MAX_SPEC_BYTES) this.cut.set(path, blob.size)
    }
    return texts
  }

  /** The full size in bytes of a file that `read` cut at `MAX_SPEC_BYTES`; undefined if whole. */
  cutSize(path: string): number | undefined {
    return this.cut.get(path)
  }
}
