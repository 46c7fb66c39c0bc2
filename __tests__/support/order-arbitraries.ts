import fc from "fast-check";

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** A real calendar date, YYYY-MM-DD, year 0000-9999, leap days included. */
export const calendarDate = fc
  .record({
    year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1900, 2000, 2024, 2100, 2400)),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .map(
    ({ year, month, day }) => `${pad(year, 4)}-${pad(month)}-${pad(Math.min(day, daysInMonth(year, month)))}`,
  );

const clockTime = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m, s]) => `${pad(h)}:${pad(m)}:${pad(s)}`);

const fraction = fc.option(fc.stringMatching(/^\.[0-9]{1,9}$/), { nil: "" });

const zone = fc.oneof(
  fc.constantFrom("", "Z", "z"),
  fc
    .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([sign, h, m]) => `${sign}${pad(h)}:${pad(m)}`),
);

/** Every orderdate shape the contract accepts: date, T/t/space, time, optional fraction and zone. */
export const acceptedOrderDate = fc
  .tuple(calendarDate, fc.constantFrom("T", "t", " "), clockTime, fraction, zone)
  .map((parts) => parts.join(""));

/** A non-negative price with up to 4 decimals, 0 to 10000, as decimal text (the JSON number sent). */
export const priceText = fc.integer({ min: 0, max: 100_000_000 }).map((tenThousandths) => {
  const whole = Math.floor(tenThousandths / 10_000);
  const decimals = String(tenThousandths % 10_000)
    .padStart(4, "0")
    .replace(/0+$/, "");
  return decimals === "" ? String(whole) : `${whole}.${decimals}`;
});

/**
 * A price written with 20 decimal places, 0 to 10000 (more than 18 characters: API Gateway reads it as an
 * exact BigDecimal), its last digit not zero so that the literal is DynamoDB's normalized text.
 */
export const longPriceText = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.stringMatching(/^[0-9]{19}$/), fc.integer({ min: 1, max: 9 }))
  .map(([whole, digits, last]) => `${whole}.${digits}${last}`);

/** Pieces that break naive templates, JSON or queues. */
const hostilePieces = [
  '"',
  "\\",
  '"}',
  "'",
  "$",
  "#",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...} is the point of this input
  "${x}",
  "$input.body",
  "#set($x = 1)",
  "## comment",
  "#if(",
  "\u0000",
  "\n",
  "\u001f",
  "\u007f",
  "\u2028",
  "\uFFFE",
  "\uFFFF",
  "Z\u00fcrich \u2615 \u{1D11E}",
  "\u{1F600}",
];

/**
 * Text of 1 to maxLength code points from all of Unicode (astral included, no lone surrogates),
 * mixed with hostile pieces.
 */
export function unicodeText(maxLength: number): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.constantFrom(...hostilePieces),
    fc.string({ unit: "binary", minLength: 1, maxLength: 4 }),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 2 }),
  );
  return fc
    .array(piece, { minLength: 1, maxLength })
    .map((pieces) => [...pieces.join("")].slice(0, maxLength).join(""));
}
