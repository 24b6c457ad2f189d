import {
  type Aggregation,
  canonicalMetadataJson,
  type EvaluableEvent,
  FILTER_OPERATORS,
  type Filter,
  type FilterValue,
  type MetadataQuery,
  textForm,
} from "@meterline/core";

/**
 * Generated events, filters, aggregations and metadata queries for the differential test
 * (test/stack/clickhouse-differential.test.ts). The value tables and shapes are those of the
 * Postgres differential test (packages/postgres/src/filter-sql.test.ts, not exported from there),
 * plus metadata aimed at JSON-text extraction: keys that contain quotes and other keys' names,
 * key names inside string values, nested objects holding the same keys, escapes and control
 * characters, and doubles of every bit pattern (18.16 parses JSON decimals inexactly).
 */

// biome-ignore format: a value table reads better packed
const STRINGS = [
  "10", "5", "7", "-1", "0", "1", "1.5", "12.5", "0.0000001", "1000000000000000000000", "3000000000", "1.0", "001",
  "gold", "Gold", "silver", "t", "f", "true", "True", "false", "", " ", "a_c", "abc", "aXc", "a%c", "100%",
  "gpt-pro", "PRO", "other_value", "usage", "é", "e\u0301", "😀", "\uFFFF", "\uE000", "x😀", "x\uFFFF", "\u{10FFFF}",
  "ai_usage", "user", "system", "sys", "er",
  // Aimed at extraction from JSON text and at literal escaping.
  '"tier":5', '{"tokens":1}', '"flag":true', "x\\", '\\"n\\":1', "tier", "tokens", "\u0000", "a\nb", "\\N", "\\", "'",
  "'; DROP TABLE events_v1; --", '","tier":"gold', "\t",
];
// biome-ignore format: a value table reads better packed
const NUMBERS = [
  0, -0, 1, -1, 5, 7, 10, 12, 12.5, -12.5, 0.5, -0.5, 1.5, 0.1, 1e-7, 1.5e-7, -1e-7, 1e21, -1e21, 1e300, 5e-324,
  2 ** 31, 2 ** 31 + 1, -(2 ** 31) - 1, 3000000000, 2 ** 53 - 1, 1748736000, 1748736001, 123456.789,
  2.2250738585072014e-308, 2.225073858507201e-308, -5e-324, 1.7976931348623156e300,
];
// biome-ignore format: a value table reads better packed
const NAMES = [
  "ai_usage", "aXc", "a_c", "other", "meter.credited", "Ai_usage", "%", "", "😀", "\uFFFF", "usage 100%", "10", "5",
];
const EPOCHS = [0, -1, 1, 1748736000, 1748736001, -315619200, 946684800, 4102444800];
// biome-ignore format: a value table reads better packed
const KEYS = [
  "tier", "tokens", "model", "flag", "n", "name", "source", "timestamp", "metadata.x", "a.b", "customer_id",
  "__proto__", "0", "", "k😀",
  // A key's name inside another key (after an escaped quote), and keys needing JSON escapes.
  'x"tier', 'tokens"', '"n', "a\\b", "ti\\u0065r", "tier ", "line\nbreak",
];
// biome-ignore format: a value table reads better packed
const PROPERTIES = [
  "name", "source", "timestamp", "metadata.name", "metadata.source", "metadata.timestamp", "metadata.metadata.x",
  "metadata.", "absent", "toString", "constructor", ...KEYS, ...KEYS.map((key) => `metadata.${key}`),
];
const ALPHABET = ["a", "b", "1", "0", "_", "%", "t", "r", "u", "e", ".", "-", "😀", "\uFFFF", "é", '"', "\\", ":"];
/** Non-flat values (the API rejects them; the evaluator treats them as missing), some holding known keys. */
const NON_FLAT: unknown[] = [null, [], [1], ["10"], { a: 1 }, {}, { tier: 5 }, { tokens: 1, flag: true }, ["tier"]];

// biome-ignore format: a value table reads better packed
const AGGREGATED_PROPERTIES = [
  "tokens", "metadata.tokens", "n", "tier", "timestamp", "metadata.timestamp", "name", "source", "absent",
  "metadata.metadata.x", "__proto__", "0", "", 'x"tier', "ti\\u0065r",
];

/** mulberry32: tiny, seedable, good enough to spread cases; a failure names its seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class RandomCases {
  private next: () => number;

  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }

  /** Each phase draws from its own stream, so running one test alone (`-t`) reproduces its cases. */
  reseed(phase: number): void {
    this.next = mulberry32(this.seed + phase);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  integer(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  string(): string {
    if (this.chance(0.7)) return this.pick([...STRINGS, ...NAMES]);
    return Array.from({ length: this.integer(0, 4) }, () => this.pick(ALPHABET)).join("");
  }

  number(): number {
    if (this.chance(0.55)) return this.pick(NUMBERS);
    if (this.chance(0.3)) return this.pick(EPOCHS) + this.integer(-1, 1);
    if (this.chance(0.2)) return this.anyDouble();
    const magnitude = (this.next() * 2 - 1) * 10 ** this.integer(-8, 22);
    return this.chance(0.5) ? Math.round(magnitude) : magnitude;
  }

  /**
   * A double of uniformly random bits: every exponent, subnormals included. Magnitudes stay below
   * 1e300 so sums of a few thousand cannot overflow (both databases refuse an infinite sum).
   */
  anyDouble(): number {
    const bytes = Buffer.alloc(8);
    for (let i = 0; i < 8; i++) bytes[i] = this.integer(0, 255);
    const value = bytes.readDoubleLE(0);
    return Math.abs(value) < 1e300 ? value : this.anyDouble();
  }

  value(): FilterValue {
    const roll = this.next();
    return roll < 0.45 ? this.string() : roll < 0.85 ? this.number() : this.chance(0.5);
  }

  /** Metadata the API would reject (null, arrays, objects) is included: the evaluator must treat it as missing. */
  metadata(): Record<string, unknown> {
    const entries: Array<[string, unknown]> = [];
    for (const key of KEYS) {
      if (!this.chance(0.3)) continue;
      entries.push([key, this.next() < 0.85 ? this.value() : this.pick(NON_FLAT)]);
    }
    // fromEntries defines own properties, so "__proto__" stays a plain key as JSON.parse would make it.
    return Object.fromEntries(entries);
  }

  event(): EvaluableEvent {
    const seconds = this.chance(0.6) ? this.pick(EPOCHS) : this.integer(-2208988800, 4102444800);
    const milliseconds = this.chance(0.7) ? this.pick([0, 0, 400, 499, 500, 501, 600, 999]) : this.integer(0, 999);
    return {
      name: this.chance(0.8) ? this.pick(NAMES) : this.string(),
      source: this.chance(0.7) ? "user" : "system",
      timestamp: new Date(seconds * 1000 + milliseconds),
      metadata: this.metadata(),
    };
  }

  filter(depth: number): Filter {
    const size = this.chance(0.12) ? 0 : this.integer(1, 4);
    const clauses = Array.from({ length: size }, () =>
      depth < 3 && this.chance(0.3)
        ? this.filter(depth + 1)
        : { property: this.pick(PROPERTIES), operator: this.pick(FILTER_OPERATORS), value: this.value() },
    );
    return { conjunction: this.chance(0.5) ? "and" : "or", clauses };
  }

  aggregation(): Aggregation {
    const func = this.pick(["count", "sum", "avg", "min", "max"] as const);
    return func === "count" ? { func } : { func, property: this.pick(AGGREGATED_PROPERTIES) };
  }

  metadataQuery(): MetadataQuery {
    // A Map, because assigning query["__proto__"] on a plain object would replace its prototype.
    const query = new Map<string, string[]>();
    for (let i = this.integer(0, 3); i > 0; i--) {
      const values = Array.from({ length: this.integer(this.chance(0.05) ? 0 : 1, 3) }, () =>
        this.chance(0.4) ? textForm(this.number()) : this.string(),
      );
      const key = this.pick([...KEYS, "absent"]);
      query.set(key, [...(query.get(key) ?? []), ...values]);
    }
    return Object.fromEntries(query);
  }
}

/** The reference for `?metadata[k]=v`, written from spec §2.3. */
export function metadataQueryMatches(query: MetadataQuery, event: EvaluableEvent): boolean {
  return Object.entries(query).every(([key, values]) => {
    if (!Object.hasOwn(event.metadata, key)) return false;
    const stored = event.metadata[key];
    if (typeof stored !== "string" && typeof stored !== "number" && typeof stored !== "boolean") return false;
    return values.includes(textForm(stored));
  });
}

export function describeEvent(event: EvaluableEvent, index: number): string {
  return JSON.stringify({
    index,
    name: event.name,
    source: event.source,
    timestamp: event.timestamp.toISOString(),
    metadata: canonicalMetadataJson(event.metadata),
  });
}
