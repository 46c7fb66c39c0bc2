/**
 * Tests on the plans that `npm run test:terraform` writes (real Terraform and AWS provider); kept out of
 * the plain `npm test`, which has no Terraform. `npm run test:terraform` runs plans/ and state-encryption
 * (the S3 backend's writes against moto, from tools/python/venv.sh), `npm run
 * test:rehearsal` rehearsal-report.test.ts, which reads what `npm run rehearse` wrote: run that first.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__/tools/terraform"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }] },
  testTimeout: 60000,
  maxWorkers: 1,
};
