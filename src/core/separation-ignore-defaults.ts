/**
 * What never counts as touched by default (the `separation-ignore` input): documents, which
 * agents write beside the code and git merges line by line; bookkeeping (status files,
 * agent notes); runtime data, which the program writes and no merge conflicts on. The
 * ROADMAP, the spec files and the specs folder never count, whatever this list says.
 * A line starting with `!` takes paths back (`!docs/api/**`).
 */
export const DEFAULT_SEPARATION_IGNORE: readonly string[] = [
  '**/*.md',
  '**/*.markdown',
  '**/*.mdx',
  '**/*.rst',
  '**/*.adoc',
  'docs/**',
  '**/CHANGELOG*',
  'data/**',
  '**/*.db',
  '**/*.sqlite',
  '**/*.sqlite3',
  '**/*.log',
  'logs/**',
  '**/__pycache__/**'
]
