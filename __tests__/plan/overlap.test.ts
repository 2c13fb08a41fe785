import picomatch from 'picomatch/posix.js'
import { findOverlaps, UNKNOWN_SCOPE, type TaskScope } from '../../src/plan/overlap.js'
import { overlapOf, parsePattern } from '../../src/plan/path-pattern.js'

function shared(a: string, b: string): string | null {
  return overlapOf(parsePattern(a), parsePattern(b))
}

function scopes(...paths: string[][]): TaskScope[] {
  return paths.map((list) => ({ paths: list, unknown: false }))
}

describe('the overlap rule for two paths', () => {
  it('the same file', () => {
    expect(shared('src/recipes.ts', 'src/recipes.ts')).toBe('src/recipes.ts')
    expect(shared('src/recipes.ts', 'src/recipes.tsx')).toBeNull()
    expect(shared('src/a.ts', 'lib/a.ts')).toBeNull()
  })

  it('a folder and anything under it, written with or without the slash', () => {
    expect(shared('src/report/', 'src/report/format.ts')).toBe('src/report/format.ts')
    expect(shared('src/report', 'src/report/deep/x.ts')).toBe('src/report/deep/x.ts')
    expect(shared('src/report/', 'src/report')).toBe('src/report/')
    expect(shared('src/report/', 'src/reporter.ts')).toBeNull()
    expect(shared('src/rep', 'src/report/x.ts')).toBeNull()
  })

  it('a bare file name is the root file: it meets the same name, never a file of that name in a folder', () => {
    expect(shared('__init__.py', '__init__.py')).toBe('__init__.py')
    expect(shared('__init__.py', 'coffee_maker/__init__.py')).toBeNull()
    expect(shared('index.ts', 'src/plan/index.ts')).toBeNull()
    expect(shared('package.json', '*.json')).toBe('package.json')
  })

  it('a glob and any path it matches, or a folder that may hold its matches', () => {
    expect(shared('src/**/*.test.ts', 'src/plan/plan.test.ts')).toBe('src/plan/plan.test.ts')
    expect(shared('src/**/*.test.ts', 'src/plan/plan.ts')).toBeNull()
    expect(shared('src/*.ts', 'src/a.ts')).toBe('src/a.ts')
    expect(shared('src/*.ts', 'src/deep/a.ts')).toBeNull()
    expect(shared('src/plan/*.ts', 'src/')).toBe('src/plan/*.ts')
    expect(shared('src/*/index.ts', 'src/report')).toBe('src/report')
    expect(shared('src/*/index.ts', 'src/report.ts')).toBeNull()
    expect(shared('.github/**', '.github/workflows/ci.yml')).toBe('.github/workflows/ci.yml')
    expect(shared('*.md', 'README.md')).toBe('README.md')
    expect(shared('*.md', 'docs/guide.md')).toBeNull()
  })

  it('a glob that may match a folder covers what is under it', () => {
    expect(shared('src/*', 'src/report/format.ts')).toBe('src/report/format.ts')
    expect(shared('src/{plan,run}', 'src/run/x.ts')).toBe('src/run/x.ts')
  })

  it('two globs that can match one path', () => {
    expect(shared('src/**/*.ts', 'src/plan/*.ts')).toBe('src/plan/*.ts')
    expect(shared('src/**/*.ts', 'src/**/*.js')).toBeNull()
    expect(shared('**/*.test.ts', 'src/plan/**')).toBe('src/plan/**')
    expect(shared('src/a*/x.ts', 'src/ab*/x.ts')).toBe('src/ab*/x.ts')
    expect(shared('src/a*/x.ts', 'src/b*/x.ts')).toBeNull()
    expect(shared('lib/**', 'src/**')).toBeNull()
    expect(shared('src/{a/b,c}.ts', 'src/a/b.ts')).toBe('src/a/b.ts')
  })
})

describe('the overlap rule never misses a real overlap', () => {
  // Ground truth: some file of a small repository that both entries touch (a literal touches
  // itself and what is under it; a glob what picomatch matches). Extra overlaps are allowed:
  // the rule errs on the safe side.
  const names = ['src', 'plan', 'a', 'ab', '.github', 'b.ts', 'x.test.ts', 'index.ts', 'c.js']
  const files: string[] = []
  const grow = (prefix: string, depth: number): void => {
    for (const name of names) {
      const path = prefix ? `${prefix}/${name}` : name
      files.push(path)
      if (depth < 3 && !name.includes('.')) grow(path, depth + 1)
    }
  }
  grow('', 1)
  const entries = [
    'src/',
    'src',
    'src/a',
    'b.ts',
    'src/b.ts',
    'src/**',
    '**/*.ts',
    'src/*.ts',
    'src/*/b.ts',
    '*',
    'src/*',
    'a*/b.ts',
    'ab*/**',
    '{src,plan}/*.ts',
    'src/{a,ab}/x.test.ts',
    '[ab]/b.ts',
    '**/x.test.ts',
    '*.js',
    'src/**/index.ts',
    '.github/**',
    '**/.github/*',
    'src/a?/*.ts',
    'plan/**/c.js'
  ]
  const touched = new Map(
    entries.map((entry) => {
      const pattern = parsePattern(entry)
      const bare = entry.replace(/\/$/, '')
      const touches = pattern.glob
        ? picomatch(bare, { dot: true })
        : (file: string) => file === bare || file.startsWith(`${bare}/`)
      return [entry, new Set(files.filter((file) => touches(file)))]
    })
  )
  it.each(entries)('%s', (a) => {
    for (const b of entries) {
      const both = [...(touched.get(a) as Set<string>)].some((file) => touched.get(b)?.has(file))
      if (both) expect([b, shared(a, b)]).toEqual([b, expect.any(String)])
    }
  })
})

describe('findOverlaps', () => {
  it('pairs tasks by index, first before second, with sorted shared paths', () => {
    const found = findOverlaps(
      scopes(
        ['src/recipes.ts', 'tests/recipes.test.ts'],
        ['src/cli.ts'],
        ['src/recipes.ts', 'tests/'],
        ['src/report/'],
        ['src/**/*.md', 'src/report/format.ts']
      )
    )
    expect(found).toEqual([
      { first: 0, second: 2, paths: ['src/recipes.ts', 'tests/recipes.test.ts'] },
      { first: 3, second: 4, paths: ['src/report/', 'src/report/format.ts'] }
    ])
  })

  it('a task with unknown scope overlaps every other one, whatever the paths', () => {
    const found = findOverlaps([
      { paths: ['a/x.ts'], unknown: false },
      { paths: [], unknown: true },
      { paths: ['b/y.ts'], unknown: false }
    ])
    expect(found).toEqual([
      { first: 0, second: 1, paths: [UNKNOWN_SCOPE] },
      { first: 1, second: 2, paths: [UNKNOWN_SCOPE] }
    ])
  })

  it('never pairs a task with itself, even when its own paths overlap', () => {
    expect(findOverlaps(scopes(['src/', 'src/a.ts', 'src/**/*.ts']))).toEqual([])
  })

  it('agrees with the pairwise rule on seeded random paths, globs and folders', () => {
    const random = seeded(42)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
    const folders = ['src', 'src/plan', 'src/run', 'lib', '.github', 'tests/unit', 'a-b/c.d']
    const names = ['x.ts', 'y.ts', 'index.ts', 'x.test.ts', 'README.md', 'Makefile', 'run']
    const globs = ['*.ts', '**/*.ts', '*', '**', '*.test.ts', 'x*', '{x,y}.ts', '[xy].ts']
    const entry = (): string => {
      const kind = random()
      const folder = pick(folders)
      if (kind < 0.45) return random() < 0.15 ? pick(names) : `${folder}/${pick(names)}`
      if (kind < 0.65) return `${folder}/`
      if (kind < 0.72) return folder
      return random() < 0.2 ? pick(globs) : `${folder}/${pick(globs)}`
    }
    for (let round = 0; round < 30; round += 1) {
      const tasks = Array.from({ length: 12 }, () =>
        Array.from({ length: 1 + Math.floor(random() * 4) }, entry)
      )
      const expected: { first: number; second: number; paths: string[] }[] = []
      for (let first = 0; first < tasks.length; first += 1) {
        for (let second = first + 1; second < tasks.length; second += 1) {
          const paths = new Set<string>()
          for (const a of new Set(tasks[first])) {
            for (const b of new Set(tasks[second])) {
              const path = shared(a, b)
              if (path) paths.add(path)
            }
          }
          if (paths.size) expected.push({ first, second, paths: [...paths].sort() })
        }
      }
      expect(findOverlaps(scopes(...tasks))).toEqual(expected)
    }
  })

  it('finds the right pairs among 1,000 tasks of 20 paths each', () => {
    const tasks = Array.from({ length: 1000 }, (_unused, task) => {
      const own = Array.from({ length: 18 }, (_x, k) => `src/module-${task}/file-${k}.ts`)
      // Every 100th task edits a shared registry; tasks 5 and 6 of every hundred share a folder.
      if (task % 100 === 0) own.push('src/registry.ts')
      if (task % 100 === 5) own.push('src/shared/')
      if (task % 100 === 6) own.push('src/shared/util.ts')
      own.push(`tests/module-${task}/**/*.test.ts`)
      return own
    })
    const found = findOverlaps(scopes(...tasks))
    const withPath = (path: string): number =>
      found.filter((overlap) => overlap.paths.includes(path)).length
    const pairsWithin = (members: number): number => (members * (members - 1)) / 2
    // 10 tasks edit the registry; 10 name the folder src/shared/, 10 the file in it.
    expect(withPath('src/registry.ts')).toBe(pairsWithin(10))
    expect(withPath('src/shared/')).toBe(pairsWithin(10))
    expect(withPath('src/shared/util.ts')).toBe(pairsWithin(10) + 10 * 10)
    expect(found).toHaveLength(3 * pairsWithin(10) + 10 * 10)
    expect(found.some((overlap) => overlap.paths.some((path) => path.includes('module-')))).toBe(
      false
    )
  })
})

/** A small deterministic PRNG (mulberry32), so failures can be replayed. */
function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let value = Math.imul(state ^ (state >>> 15), 1 | state)
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}
