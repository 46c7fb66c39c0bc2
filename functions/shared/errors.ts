/** A handler was deployed without an environment variable it needs. */
export class MissingEnvironmentVariableError extends Error {
  override name = "MissingEnvironmentVariableError";

  constructor(readonly variableName: string) {
    super(`Environment variable ${variableName} is required but is not set`);
  }
}
