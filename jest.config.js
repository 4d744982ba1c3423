// Two tiers (STYLE.md §12): fast unit specs beside the code, e2e specs in test/ against real PostgreSQL and Redis.
// `jest --selectProjects e2e test/x.e2e-spec.ts` reads the path as a second project name and runs every e2e spec:
// refuse it with the form that works, rather than quietly starting a 5-minute run.
{
  const argv = process.argv;
  const at = argv.indexOf('--selectProjects');
  if (
    at >= 0 &&
    argv
      .slice(at + 1)
      .some(
        (a, i, rest) =>
          /\.(spec|e2e-spec)\.ts$|[\\/]/.test(a) && rest.slice(0, i).every((b) => !b.startsWith('-')),
      )
  ) {
    throw new Error(
      'Put test paths before --selectProjects, e.g. `npx jest test/x.e2e-spec.ts --selectProjects e2e`, or use --testPathPatterns x',
    );
  }
}
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
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/docker/**/*.spec.ts', '<rootDir>/web/**/*.spec.ts'],
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
