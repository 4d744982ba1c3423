// Two tiers (STYLE.md §12): fast unit specs beside the code, e2e specs in test/ against real PostgreSQL and Redis.
const transform = {
  '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  // ESM-only dependencies (NestJS 12 and others) compiled to CommonJS for Jest; see the transformer.
  '^.+\\.m?js$': '<rootDir>/test/support/esm-to-cjs.transformer.js',
};
// Every dependency goes through the transformer, which only touches ES-module files.
const transformIgnorePatterns = [];
module.exports = {
  // Per-project testTimeout is ignored by Jest 30; e2e specs boot the app and wait for real queues.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
      moduleFileExtensions: ['ts', 'js', 'json'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      moduleFileExtensions: ['ts', 'js', 'json'],
      transform,
      transformIgnorePatterns,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      testTimeout: 60000,
    },
  ],
};
