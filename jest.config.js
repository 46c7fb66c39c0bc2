/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Tests on what the real Terraform wrote (`npm run plan`, `npm run rehearse`): jest.terraform.config.js
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/tools/terraform/"],
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.js"],
  testTimeout: 120000,
  maxWorkers: 2,
};
