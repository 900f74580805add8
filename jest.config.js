/**
 * Two layers of tests:
 * - unit: everything that needs neither Docker nor the development environment (`npm run test:unit`);
 * - e2e (`*.e2e.test.ts`): real builds, the Docker engine, the SSH git server, moto; they run with the
 *   environment scripts/dev-env.sh starts (`npm test` runs both layers, after `dev-env.sh up`).
 * @type {import('jest').Config}
 */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Transpile only (tsconfig.dev.json sets isolatedModules): `npm run lint` type-checks lib, tests,
  // examples and bench once, instead of ts-jest type-checking every test file in every worker.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] },
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['\\.e2e\\.test\\.ts$'] },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.test.ts'], globalSetup: '<rootDir>/test/global-setup.ts' },
  ],
  // Real BuildKit builds run inside some tests; two cores cannot run them in parallel usefully.
  maxWorkers: 2,
  testTimeout: 20 * 60 * 1000,
};
