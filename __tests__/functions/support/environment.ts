import { localCredentials, localRegion } from "../../../emulator/local-credentials";

/** Sets variables on process.env and returns a function that restores the previous values. */
export function setEnvironment(variables: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  const assign = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  };
  assign(variables);
  return () => assign(previous);
}

/** What a deployed handler gets from Lambda, pointed at local emulators only through standard SDK variables. */
export function lambdaLikeEnvironment(
  extra: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return {
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    POWERTOOLS_SERVICE_NAME: "functions-test",
    POWERTOOLS_LOG_LEVEL: "SILENT",
    ...extra,
  };
}
