import { MissingEnvironmentVariableError } from "./errors";

/** The value of a required environment variable; throws naming the variable when it is missing or empty. */
export function requireEnvironmentVariable(
  name: string,
  environment: NodeJS.ProcessEnv = process.env,
): string {
  const value = environment[name];
  if (value === undefined || value === "") {
    throw new MissingEnvironmentVariableError(name);
  }
  return value;
}
