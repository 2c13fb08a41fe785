// `npm run test:faults`: the slow fault-injection suite, which `npm test` leaves out.
import base from './jest.config.js'

export default {
  ...base,
  testMatch: ['<rootDir>/__tests__/faults/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/']
}
