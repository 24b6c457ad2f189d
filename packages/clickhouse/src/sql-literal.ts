/**
 * The only way a value enters ClickHouse SQL text (ARCHITECTURE §6). ClickHouse 18.16 has no
 * server-side query parameters, so every user key, value, id and date is written as a literal
 * here, and nowhere else is a value concatenated into SQL. Each function yields one complete
 * literal expression that reads back as exactly the value given, on 18.16 and on current releases.
 */

/** Values a literal can be made of; `literal` picks the matching function. */
export type LiteralValue = string | number | boolean | Date;

export function literal(value: LiteralValue): string {
  if (typeof value === "string") return quoteString(value);
  if (typeof value === "number") return float64Literal(value);
  if (typeof value === "boolean") return booleanLiteral(value);
  return millisecondsLiteral(value);
}

/**
 * A single-quoted string literal. Backslash and quote are escaped, and every control character
 * (NUL and newlines included) is written as `\xHH`, so the query text stays printable and no byte
 * can end the literal early. `\N` stays two characters (`'\\N'`): only TSV reads it as NULL.
 * Lone UTF-16 surrogates have no UTF-8 form; they become U+FFFD, as Node's UTF-8 encoder (and so
 * the Postgres driver) writes them.
 */
export function quoteString(value: string): string {
  return `'${wellFormed(value).replace(ESCAPED, escapeCharacter)}'`;
}

// Backslash, quote, C0 controls and DEL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is escaped
const ESCAPED = /[\\'\u0000-\u001f\u007f]/g;

function escapeCharacter(character: string): string {
  if (character === "\\") return "\\\\";
  if (character === "'") return "\\'";
  return `\\x${character.charCodeAt(0).toString(16).padStart(2, "0").toUpperCase()}`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string with each lone surrogate replaced by U+FFFD, as it will be stored (UTF-8). */
export function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, "\uFFFD");
}

/** The smallest positive normal double: the SQL parser (strtod) refuses anything smaller than it. */
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * A `Float64` literal that reads back as exactly `value`. The shortest round-trip digits are
 * written with a decimal point or exponent, so the parser types them Float64 (never UInt64, which
 * would compare differently) and parses them with strtod, which rounds correctly. Subnormal
 * numbers, which that parser rejects as a syntax error, are written as their IEEE-754 bytes.
 * -0 becomes 0: Meterline stores -0 as 0 (`formatNumberPlain`), and they compare equal anyway.
 */
export function float64Literal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} has no ClickHouse Float64 literal`);
  if (value === 0) return "0.0";
  if (Math.abs(value) < MIN_NORMAL) {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleLE(value);
    return `reinterpretAsFloat64(unhex('${bytes.toString("hex").toUpperCase()}'))`;
  }
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** An integer literal (limit, offset, log offset); only safe integers are exact in JavaScript. */
export function integerLiteral(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer`);
  return String(value + 0);
}

/** `1` or `0`: ClickHouse 18.16 has no boolean literal (UInt8 is its boolean). */
export function booleanLiteral(value: boolean): string {
  return value ? "1" : "0";
}

/**
 * An instant as `Int64` epoch milliseconds, the unit the timestamp columns use (18.16 has no
 * DateTime64, and DateTime cannot hold instants before 1970). Typed explicitly so a list of
 * instants on both sides of 1970 still forms an `Array(Int64)`.
 */
export function millisecondsLiteral(date: Date): string {
  const milliseconds = date.getTime();
  if (!Number.isFinite(milliseconds)) throw new RangeError("Invalid Date has no ClickHouse literal");
  return `toInt64(${integerLiteral(milliseconds)})`;
}

/** `column IN (…)` over literals; an empty list is false (`IN ()` is a syntax error). */
export function inList(column: string, values: readonly LiteralValue[]): string {
  if (values.length === 0) return "0";
  return `${column} IN (${values.map(literal).join(", ")})`;
}

/** `(a, b) IN ((…), (…))` over literal tuples; an empty list is false. */
export function inTuples(columns: readonly string[], tuples: ReadonlyArray<readonly LiteralValue[]>): string {
  if (tuples.length === 0) return "0";
  for (const tuple of tuples) {
    if (tuple.length !== columns.length)
      throw new RangeError(`A tuple of ${tuple.length} for ${columns.length} columns`);
  }
  const list = tuples.map((tuple) => `(${tuple.map(literal).join(", ")})`).join(", ");
  return `(${columns.join(", ")}) IN (${list})`;
}

/**
 * A database name, which is spliced as an identifier: it comes from configuration, never from
 * a request, and is restricted to what needs no quoting on any ClickHouse version.
 */
export function databaseIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid ClickHouse database name: ${name}`);
  return name;
}
