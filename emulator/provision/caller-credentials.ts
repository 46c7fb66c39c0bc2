import { randomInt } from "node:crypto";
import type { AwsCredentials } from "../sigv4";

const UPPER_AND_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LETTERS_AND_DIGITS = `${UPPER_AND_DIGITS}abcdefghijklmnopqrstuvwxyz`;

function randomText(alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join("");
}

/**
 * The one caller identity an `AWS_IAM` stage accepts locally, new on every run: a 20-character access key
 * id (`LOCAL` + 15, so that it never passes for a real `AKIA`/`ASIA` key) and a 40-character secret.
 * Locally there is no IAM policy evaluation: a request signed with these credentials may invoke every method.
 */
export function generateCallerCredentials(): AwsCredentials {
  return {
    accessKeyId: `LOCAL${randomText(UPPER_AND_DIGITS, 15)}`,
    secretAccessKey: randomText(LETTERS_AND_DIGITS, 40),
  };
}
