import * as path from "node:path";

/** The AWS list prices the bench and the demo bill by (region and date of the check inside). */
export const PRICES_FILE = path.join(__dirname, "prices.json");
