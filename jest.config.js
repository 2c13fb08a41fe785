// Jest under ESM: ts-jest's ESM preset, `.js` suffixes of relative imports mapped back to `.ts`.
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }
    ]
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/__tests__/faults/'],
  testTimeout: 60000,
  maxWorkers: 2,
  // A worker that ran the whole suite needs more than jest's 500 ms to free its heap after its
  // event loop emptied; killed sooner, jest warns of a leak that is not there.
  workerGracefulExitTimeout: 3000
}
