/**
 * Tests of what the real Terraform produced: they read the files `npm run plan` and `npm run rehearse`
 * write (never run by plain `npm test`, which needs no Terraform).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__/terraform"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }] },
  testTimeout: 60000,
  maxWorkers: 1,
};
