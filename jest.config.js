const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/'],
      transform,
    },
    {
      // Real Firestore and Pub/Sub emulators, started once for the run by the global setup.
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      transform,
      globalSetup: '<rootDir>/test/support/emulator-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/emulator-global-teardown.ts',
    },
  ],
  // Parser limit tests build multi-megabyte hostile messages and integration tests wait on
  // emulators; give them room on a 2-core machine.
  testTimeout: 60_000,
};
