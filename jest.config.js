/**
 * Jest: TypeScript through @swc/jest; one PostgreSQL + one Temporal dev server per run
 * (test/support/global-setup.mjs). Run through `npm test` (lint + typecheck + jest) or
 * `npx jest [pattern]`.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testTimeout: 120_000,
  // Local state and tool binaries are not source.
  modulePathIgnorePatterns: ['<rootDir>/\\.data/', '<rootDir>/\\.tools/', '<rootDir>/dist/'],
  watchPathIgnorePatterns: ['<rootDir>/\\.data/', '<rootDir>/\\.tools/', '<rootDir>/dist/'],
  watchman: false,
};
