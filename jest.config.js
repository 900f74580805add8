/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  // Real BuildKit builds run inside some tests; two cores cannot run them in parallel usefully.
  maxWorkers: 2,
  testTimeout: 20 * 60 * 1000,
};
