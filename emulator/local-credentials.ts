/** Client settings every SDK client pointed at a local emulator uses. */
export const localRegion = "us-east-1";

export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };

export function localClientConfig(endpoint: string) {
  return { endpoint, region: localRegion, credentials: localCredentials };
}
