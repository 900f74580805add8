/**
 * Two layers of tests:
 * - unit: everything that needs neither Docker nor the development environment (`npm run test:unit`);
 * - floor: the unit tests again, with aws-cdk-lib and constructs at the floor of the peer dependencies
 *   (installed into .cdk-floor/ by scripts/cdk-floor.sh), so that the floor package.json names is tested;
 * - e2e (`*.e2e.test.ts`): real builds, the Docker engine, the SSH git server, moto; they run with the
 *   environment scripts/dev-env.sh starts (`npm test` runs all three, after `dev-env.sh up` and `cdk-floor.sh`).
 * @type {import('jest').Config}
 */
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Transpile only (tsconfig.dev.json sets isolatedModules): `npm run lint` type-checks lib, tests,
  // examples and bench once, instead of ts-jest type-checking every test file in every worker.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] },
};

const unit = { ...common, testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['\\.e2e\\.test\\.ts$'] };
const floor = '<rootDir>/.cdk-floor/node_modules';

module.exports = {
  projects: [
    { ...unit, displayName: 'unit' },
    {
      ...unit,
      displayName: 'floor',
      // What does not load aws-cdk-lib (the jsii assembly and the API reference) is checked once, by `unit`.
      testPathIgnorePatterns: [...unit.testPathIgnorePatterns, '/test/jsii\\.test\\.ts$', '/test/api-docs\\.test\\.ts$'],
      setupFiles: ['<rootDir>/test/floor-setup.ts'],
      moduleNameMapper: {
        '^aws-cdk-lib$': `${floor}/aws-cdk-lib`,
        '^aws-cdk-lib/(.*)$': `${floor}/aws-cdk-lib/$1`,
        '^constructs$': `${floor}/constructs`,
      },
    },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.test.ts'], globalSetup: '<rootDir>/test/global-setup.ts' },
  ],
  // Real BuildKit builds run inside some tests; two cores cannot run them in parallel usefully.
  maxWorkers: 2,
  testTimeout: 20 * 60 * 1000,
};
