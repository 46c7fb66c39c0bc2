/** A command-line option that must be a positive integer; `fallback` when it is not given. */
export function positiveInteger(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new Error(`${flag} must be a positive integer, got "${text}"`);
  return Number(text);
}
