/**
 * The text a stored metadata value has in the database (Postgres `metadata->>'k'`), which is what
 * `like`, string comparisons and `?metadata[k]=v` queries see. Numbers are written by
 * `formatNumberPlain`, and `canonicalMetadataJson` writes them the same way into jsonb, so the
 * database returns exactly this text for every value Meterline stored.
 */
export function textForm(value: string | number | boolean): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  return formatNumberPlain(value);
}

/**
 * Shortest round-trip digits in positional notation, never an exponent: jsonb keeps a number's
 * decimal text as written, so `1e21` stored as JSON would read back as `1000000000000000000000`
 * while `String(1e21)` is `"1e+21"`; writing positional text on both sides keeps them equal.
 * Negative zero has no jsonb form and becomes `"0"`.
 */
export function formatNumberPlain(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} has no JSON number form`);
  if (value === 0) return "0";
  // Number#toString yields the shortest digits that round-trip; only its layout needs changing.
  const shortest = String(value);
  const exponentAt = shortest.indexOf("e");
  if (exponentAt === -1) return shortest;
  const sign = value < 0 ? "-" : "";
  const mantissa = shortest.slice(sign.length, exponentAt);
  const exponent = Number(shortest.slice(exponentAt + 1));
  const pointAt = mantissa.indexOf(".");
  const digits = pointAt === -1 ? mantissa : mantissa.slice(0, pointAt) + mantissa.slice(pointAt + 1);
  // Position of the decimal point counted from the first digit once the exponent is applied.
  const point = (pointAt === -1 ? mantissa.length : pointAt) + exponent;
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * JSON text of a metadata object with every number in `formatNumberPlain` form. This is the only
 * way metadata may be written to a jsonb column: filters and queries compare against the text
 * Postgres gives back, and the reference evaluator assumes it equals `textForm`. Keys with an
 * `undefined` value are left out, as `JSON.stringify` does.
 */
export function canonicalMetadataJson(metadata: Record<string, unknown>): string {
  return writeJson(metadata);
}

function writeJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return formatNumberPlain(value);
    case "object": {
      if (Array.isArray(value))
        return `[${value.map((item) => (item === undefined ? "null" : writeJson(item))).join(",")}]`;
      const members: string[] = [];
      for (const [key, member] of Object.entries(value)) {
        if (member !== undefined) members.push(`${JSON.stringify(key)}:${writeJson(member)}`);
      }
      return `{${members.join(",")}}`;
    }
    default:
      // A bigint, function or symbol means unvalidated input reached storage; refuse rather than drop it.
      throw new TypeError(`Cannot store a ${typeof value} as metadata`);
  }
}
