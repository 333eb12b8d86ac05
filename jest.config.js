const { existsSync } = require('node:fs');

/**
 * Jest projects: fast unit tests; integration tests that run the real ASL, dynalite and Bolt over HTTP; and
 * browser tests (playwright-core driving Debian's chromium), included when chromium is installed — .ci/run
 * installs it, so CI always runs them.
 */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
];
// jira.js ships ESM only (exports with an `import` condition alone): Jest's CommonJS runtime resolves it to its
// built entry and compiles it with the same swc transform; tsx and esbuild (the Lambda bundles) load it as it is.
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc, '/jira\\.js/dist/.+\\.js$': swc },
  transformIgnorePatterns: ['/node_modules/(?!jira\\.js/)'],
  moduleNameMapper: { '^jira\\.js$': '<rootDir>/node_modules/jira.js/dist/index.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    ...(existsSync(chromium)
      ? [{ ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] }]
      : []),
  ],
};
