import {
  type AggregateState,
  type Aggregation,
  aggregateEvents,
  canonicalMetadataJson,
  type EvaluableEvent,
  evaluateFilter,
  FILTER_OPERATORS,
  type Filter,
  type FilterClause,
  type FilterValue,
  type MetadataQuery,
  textForm,
} from "@meterline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileAggregationValue, compileEligibility, compileFilter, compileMetadataQuery } from "./filter-sql.js";
import { migrate } from "./migrate.js";
import { PgliteClient } from "./pglite-client.js";
import { Params } from "./sql-client.js";

function compiled(compile: (params: Params) => string): { sql: string; values: unknown[] } {
  const params = new Params();
  const sql = compile(params);
  return { sql, values: params.values };
}

const clause = (property: string, operator: FilterClause["operator"], value: FilterValue): FilterClause => ({
  property,
  operator,
  value,
});
const and = (...clauses: Filter["clauses"]): Filter => ({ conjunction: "and", clauses });
const or = (...clauses: Filter["clauses"]): Filter => ({ conjunction: "or", clauses });

describe("generated SQL", () => {
  it.each<[string, Filter, string, unknown[]]>([
    ["name eq", and(clause("name", "eq", "ai_usage")), `name = $1 COLLATE "C"`, ["ai_usage"]],
    ["source not_like", and(clause("metadata.source", "not_like", "a%")), "strpos(source, $1) = 0", ["a%"]],
    ["name with a number value", and(clause("name", "eq", 1)), "FALSE", []],
    [
      "timestamp gte",
      and(clause("timestamp", "gte", 1748736000)),
      `round(extract(epoch from "timestamp"))::float8 >= $1::float8`,
      [1748736000],
    ],
    [
      "timestamp like",
      and(clause("timestamp", "like", 1748)),
      `strpos(round(extract(epoch from "timestamp"))::text, $1) > 0`,
      ["1748"],
    ],
    ["timestamp with a boolean value", and(clause("timestamp", "eq", true)), "FALSE", []],
    [
      "metadata gt string",
      and(clause("tier", "gt", "7")),
      `CASE jsonb_typeof(metadata->$1) WHEN 'string' THEN metadata->>$1 > $2 COLLATE "C" ELSE FALSE END`,
      ["tier", "7"],
    ],
    [
      "metadata eq number",
      and(clause("metadata.tier", "eq", 1e21)),
      `CASE jsonb_typeof(metadata->$1) WHEN 'string' THEN metadata->>$1 = $2 COLLATE "C" WHEN 'number' THEN (metadata->$1)::float8 = $3::float8 ELSE FALSE END`,
      ["tier", "1000000000000000000000", 1e21],
    ],
    [
      "metadata ne boolean",
      and(clause("premium", "ne", true)),
      `CASE WHEN jsonb_typeof(metadata->$1) = 'boolean' THEN (metadata->$1)::boolean <> $2::boolean ELSE FALSE END`,
      ["premium", true],
    ],
    [
      "metadata like boolean is eq",
      and(clause("premium", "like", false)),
      `CASE WHEN jsonb_typeof(metadata->$1) = 'boolean' THEN (metadata->$1)::boolean = $2::boolean ELSE FALSE END`,
      ["premium", false],
    ],
    [
      "metadata like number",
      and(clause("model", "like", 1.5e-7)),
      `CASE WHEN jsonb_typeof(metadata->$1) IN ('string', 'number', 'boolean') THEN strpos(metadata->>$1, $2) > 0 ELSE FALSE END`,
      ["model", "0.00000015"],
    ],
    ["empty filter", or(), "TRUE", []],
    [
      "nested conjunctions",
      and(clause("name", "eq", "a"), or(), or(clause("source", "eq", "user"), and(clause("name", "lt", "b")))),
      `(name = $1 COLLATE "C" AND TRUE AND (source = $2 COLLATE "C" OR name < $3 COLLATE "C"))`,
      ["a", "user", "b"],
    ],
  ])("%s", (_name, filter, sql, values) => {
    expect(compiled((params) => compileFilter(filter, params))).toEqual({ sql, values });
  });

  it("qualifies columns with an alias", () => {
    const filter = and(clause("name", "like", "x"), clause("timestamp", "lt", 0), clause("k", "gt", "v"));
    expect(compiled((params) => compileFilter(filter, params, "e")).sql).toBe(
      `(strpos(e.name, $1) > 0 AND round(extract(epoch from e."timestamp"))::float8 < $2::float8 AND CASE jsonb_typeof(e.metadata->$3) WHEN 'string' THEN e.metadata->>$3 > $4 COLLATE "C" ELSE FALSE END)`,
    );
    expect(() => compileFilter(filter, new Params(), "e; DROP TABLE x")).toThrow();
  });

  it("numbers placeholders after those already taken", () => {
    const params = new Params(["org"]);
    expect(compileFilter(and(clause("name", "eq", "x")), params)).toBe(`name = $2 COLLATE "C"`);
    expect(params.values).toEqual(["org", "x"]);
  });

  it("never puts a key or value into the SQL text", () => {
    const hostile = "'; DROP TABLE events_v1; --";
    const filter = or(
      clause(hostile, "eq", hostile),
      clause("name", "like", hostile),
      clause(`metadata.${hostile}`, "eq", 1),
    );
    const { sql } = compiled((params) => compileFilter(filter, params));
    const query = compiled((params) => compileMetadataQuery({ [hostile]: [hostile] }, params));
    expect(sql).not.toContain("DROP");
    expect(query.sql).not.toContain("DROP");
  });

  it.each<[string, Aggregation, string, string, unknown[]]>([
    ["count", { func: "count" }, "TRUE", "NULL::float8", []],
    [
      "sum of a metadata key",
      { func: "sum", property: "metadata.tokens" },
      "jsonb_typeof(metadata->$1) IS NOT DISTINCT FROM 'number'",
      "CASE WHEN jsonb_typeof(metadata->$2) = 'number' THEN (metadata->$2)::float8 END",
      ["tokens", "tokens"],
    ],
    ["max of name", { func: "max", property: "name" }, "FALSE", "NULL::float8", []],
    [
      "avg of timestamp reads the metadata key",
      { func: "avg", property: "timestamp" },
      "TRUE",
      "CASE WHEN jsonb_typeof(metadata->$1) = 'number' THEN (metadata->$1)::float8 END",
      ["timestamp"],
    ],
  ])("aggregation: %s", (_name, aggregation, eligibility, value, values) => {
    const params = new Params();
    expect(compileEligibility(aggregation, params)).toBe(eligibility);
    expect(compileAggregationValue(aggregation, params)).toBe(value);
    expect(params.values).toEqual(values);
  });

  it("metadata list queries", () => {
    expect(compiled((params) => compileMetadataQuery({}, params))).toEqual({ sql: "TRUE", values: [] });
    expect(compiled((params) => compileMetadataQuery({ tier: ["gold", "10"], flag: [] }, params, "e"))).toEqual({
      sql: `(CASE WHEN jsonb_typeof(e.metadata->$1) IN ('string', 'number', 'boolean') THEN e.metadata->>$1 IN ($2, $3) ELSE FALSE END AND FALSE)`,
      values: ["tier", "gold", "10"],
    });
  });
});

// ------------------------------------------------------------------------------------------------
// Differential test: the compiler against the reference evaluator on generated events and filters.

const SEED = 20250619;
const EVENT_COUNT = 2000;
const FILTER_COUNT = 2000;
const AGGREGATION_COUNT = 400;
const METADATA_QUERY_COUNT = 300;

/** mulberry32: tiny, seedable, good enough to spread cases; a failure names its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let next = random(SEED);
/** Each phase draws from its own stream, so running one test alone (`-t`) reproduces its cases. */
const reseed = (phase: number) => {
  next = random(SEED + phase);
};
const chance = (p: number) => next() < p;
const integer = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

// biome-ignore format: a value table reads better packed
const STRINGS = [
  "10", "5", "7", "-1", "0", "1", "1.5", "12.5", "0.0000001", "1000000000000000000000", "3000000000", "1.0", "001",
  "gold", "Gold", "silver", "t", "f", "true", "True", "false", "", " ", "a_c", "abc", "aXc", "a%c", "100%",
  "gpt-pro", "PRO", "other_value", "usage", "é", "e\u0301", "😀", "\uFFFF", "\uE000", "x😀", "x\uFFFF", "\u{10FFFF}",
  "ai_usage", "user", "system", "sys", "er",
];
// biome-ignore format: a value table reads better packed
const NUMBERS = [
  0, -0, 1, -1, 5, 7, 10, 12, 12.5, -12.5, 0.5, -0.5, 1.5, 0.1, 1e-7, 1.5e-7, -1e-7, 1e21, -1e21, 1e300, 5e-324,
  2 ** 31, 2 ** 31 + 1, -(2 ** 31) - 1, 3000000000, 2 ** 53 - 1, 1748736000, 1748736001, 123456.789,
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
];
// biome-ignore format: a value table reads better packed
const PROPERTIES = [
  "name", "source", "timestamp", "metadata.name", "metadata.source", "metadata.timestamp", "metadata.metadata.x",
  "metadata.", "absent", "toString", "constructor", ...KEYS, ...KEYS.map((key) => `metadata.${key}`),
];
const ALPHABET = ["a", "b", "1", "0", "_", "%", "t", "r", "u", "e", ".", "-", "😀", "\uFFFF", "é"];

function randomString(): string {
  if (chance(0.7)) return pick([...STRINGS, ...NAMES]);
  return Array.from({ length: integer(0, 4) }, () => pick(ALPHABET)).join("");
}

function randomNumber(): number {
  if (chance(0.6)) return pick(NUMBERS);
  if (chance(0.3)) return pick(EPOCHS) + integer(-1, 1);
  const magnitude = (next() * 2 - 1) * 10 ** integer(-8, 22);
  return chance(0.5) ? Math.round(magnitude) : magnitude;
}

function randomValue(): FilterValue {
  const roll = next();
  return roll < 0.45 ? randomString() : roll < 0.85 ? randomNumber() : chance(0.5);
}

/** Metadata the API would reject (null, arrays, objects) is included: the evaluator must treat it as missing. */
function randomMetadata(): Record<string, unknown> {
  const entries: Array<[string, unknown]> = [];
  for (const key of KEYS) {
    if (!chance(0.3)) continue;
    const roll = next();
    const value = roll < 0.85 ? randomValue() : pick([null, [], [1], ["10"], { a: 1 }, {}]);
    entries.push([key, value]);
  }
  // fromEntries defines own properties, so "__proto__" stays a plain key as JSON.parse would make it.
  return Object.fromEntries(entries);
}

function randomEvent(): EvaluableEvent {
  const seconds = chance(0.6) ? pick(EPOCHS) : integer(-2208988800, 4102444800);
  const milliseconds = chance(0.7) ? pick([0, 0, 400, 499, 500, 501, 600, 999]) : integer(0, 999);
  return {
    name: chance(0.8) ? pick(NAMES) : randomString(),
    source: chance(0.7) ? "user" : "system",
    timestamp: new Date(seconds * 1000 + milliseconds),
    metadata: randomMetadata(),
  };
}

function randomFilter(depth: number): Filter {
  const size = chance(0.12) ? 0 : integer(1, 4);
  const clauses = Array.from({ length: size }, () =>
    depth < 3 && chance(0.3)
      ? randomFilter(depth + 1)
      : { property: pick(PROPERTIES), operator: pick(FILTER_OPERATORS), value: randomValue() },
  );
  return { conjunction: chance(0.5) ? "and" : "or", clauses };
}

// biome-ignore format: a value table reads better packed
const AGGREGATED_PROPERTIES = [
  "tokens", "metadata.tokens", "n", "tier", "timestamp", "metadata.timestamp", "name", "source", "absent",
  "metadata.metadata.x", "__proto__", "0", "",
];

function randomAggregation(): Aggregation {
  const func = pick(["count", "sum", "avg", "min", "max"] as const);
  return func === "count" ? { func } : { func, property: pick(AGGREGATED_PROPERTIES) };
}

function randomMetadataQuery(): MetadataQuery {
  // A Map, because assigning query["__proto__"] on a plain object would replace its prototype.
  const query = new Map<string, string[]>();
  for (let i = integer(0, 3); i > 0; i--) {
    const values = Array.from({ length: integer(chance(0.05) ? 0 : 1, 3) }, () =>
      chance(0.4) ? textForm(randomNumber()) : randomString(),
    );
    const key = pick([...KEYS, "absent"]);
    query.set(key, [...(query.get(key) ?? []), ...values]);
  }
  return Object.fromEntries(query);
}

/** The reference for `?metadata[k]=v`, written from spec §2.3. */
function metadataQueryMatches(query: MetadataQuery, event: EvaluableEvent): boolean {
  return Object.entries(query).every(([key, values]) => {
    if (!Object.hasOwn(event.metadata, key)) return false;
    const stored = event.metadata[key];
    if (typeof stored !== "string" && typeof stored !== "number" && typeof stored !== "boolean") return false;
    return values.includes(textForm(stored));
  });
}

function describeEvent(events: EvaluableEvent[], index: number): string {
  const event = events[index] as EvaluableEvent;
  return JSON.stringify({
    index,
    name: event.name,
    source: event.source,
    timestamp: event.timestamp.toISOString(),
    metadata: canonicalMetadataJson(event.metadata),
  });
}

describe("compiled filters agree with the reference evaluator", () => {
  reseed(0);
  const events = Array.from({ length: EVENT_COUNT }, randomEvent);
  let db: PgliteClient;

  beforeAll(async () => {
    db = await PgliteClient.open();
    await migrate(db);
    // PGlite's database collation is C, which would hide a missing COLLATE "C"; give the columns a
    // linguistic one, as a real server's default often is ("B" < "a" is false there).
    await db.exec(
      `ALTER TABLE events_v1 ALTER COLUMN name TYPE text COLLATE "unicode", ALTER COLUMN source TYPE text COLLATE "unicode"`,
    );
    for (let start = 0; start < events.length; start += 500) {
      const params = new Params();
      const rows = events.slice(start, start + 500).map((event, offset) => {
        const n = start + offset;
        const id = `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
        return `(${params.add(id)}, '00000000-0000-4000-8000-000000000000', ${params.add(event.name)}, ${params.add(event.source)},
          ${params.add(event.timestamp.toISOString())}::timestamptz, now(), ${params.add(canonicalMetadataJson(event.metadata))}::text::jsonb, 0, ${n})`;
      });
      await db.query(
        `INSERT INTO events_v1 (id, organization_id, name, source, "timestamp", ingested_at, metadata, log_partition, log_offset)
         VALUES ${rows.join(", ")}`,
        params.values,
      );
    }
  });

  afterAll(async () => {
    await db?.close();
  });

  /**
   * One string per predicate, one character per event in log order: 1 true, 0 false, n NULL.
   * Many predicates share one scan, which keeps thousands of filters within seconds.
   */
  async function evaluateInSql(
    predicates: Array<(params: Params) => string>,
  ): Promise<Array<{ sql: string; result: string }>> {
    const results: Array<{ sql: string; result: string }> = [];
    for (let start = 0; start < predicates.length; start += 100) {
      const params = new Params();
      const compiled = predicates.slice(start, start + 100).map((predicate) => {
        const first = params.values.length + 1;
        const sql = predicate(params);
        return { sql, own: `-- $${first}.. = ${JSON.stringify(params.values.slice(first - 1))}` };
      });
      const sqls = compiled.map((c) => c.sql);
      const columns = sqls.map(
        (sql, i) =>
          `string_agg(CASE ${sql} WHEN TRUE THEN '1' WHEN FALSE THEN '0' ELSE 'n' END, '' ORDER BY log_offset) AS p${i}`,
      );
      const [row] = await db.query<Record<string, string>>(
        `SELECT ${columns.join(", ")} FROM events_v1 e`,
        params.values,
      );
      for (const [i, { sql, own }] of compiled.entries())
        results.push({ sql: `${sql}\n${own}`, result: row?.[`p${i}`] ?? "" });
    }
    return results;
  }

  function firstDifference(expected: string, actual: string): number {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) if (expected[i] !== actual[i]) return i;
    return -1;
  }

  it(`selects the same events for ${FILTER_COUNT} random filters`, async () => {
    reseed(1);
    const filters = Array.from({ length: FILTER_COUNT }, () => randomFilter(1));
    const results = await evaluateInSql(
      filters.map((filter, i) => (params) => compileFilter(filter, params, i % 2 === 0 ? "e" : undefined)),
    );
    let selectedSomething = 0;
    filters.forEach((filter, f) => {
      const expected = events.map((event) => (evaluateFilter(filter, event) ? "1" : "0")).join("");
      const { sql, result } = results[f] as { sql: string; result: string };
      const index = firstDifference(expected, result);
      if (index !== -1) {
        expect.fail(
          `filter ${JSON.stringify(filter)}\nSQL ${sql}\nevent ${describeEvent(events, index)}\nreference ${expected[index]}, SQL ${result[index]} (seed ${SEED})`,
        );
      }
      if (expected.includes("1") && expected.includes("0")) selectedSomething++;
    });
    // Guards the generator: agreement proves little unless many filters split the events.
    expect(selectedSomething).toBeGreaterThan(FILTER_COUNT / 3);
  });

  it(`aggregates the same values for ${AGGREGATION_COUNT} random meters`, async () => {
    reseed(2);
    const meters = Array.from({ length: AGGREGATION_COUNT }, () => ({
      filter: randomFilter(2),
      aggregation: randomAggregation(),
    }));
    type Row = {
      k: number;
      count: number;
      value_count: number;
      sum: number | null;
      min: number | null;
      max: number | null;
    };
    const rows: Row[] = [];
    for (let start = 0; start < meters.length; start += 50) {
      const params = new Params();
      const selects = meters.slice(start, start + 50).map(({ filter, aggregation }, i) => {
        const where = `${compileFilter(filter, params, "e")} AND ${compileEligibility(aggregation, params, "e")}`;
        return `SELECT ${start + i} AS k, count(*)::int8 AS count, count(v)::int8 AS value_count, sum(v) AS sum, min(v) AS min, max(v) AS max
          FROM (SELECT ${compileAggregationValue(aggregation, params, "e")} AS v FROM events_v1 e WHERE ${where}) s`;
      });
      rows.push(...(await db.query<Row>(selects.join(" UNION ALL "), params.values)));
    }
    let nonEmpty = 0;
    for (const row of rows) {
      const { filter, aggregation } = meters[row.k] as (typeof meters)[number];
      const selected = events.filter((event) => evaluateFilter(filter, event));
      const expected = aggregateEvents(aggregation, selected);
      const actual: AggregateState = {
        count: row.count,
        valueCount: row.value_count,
        sum: row.sum ?? 0,
        min: row.min,
        max: row.max,
      };
      const magnitude = aggregateEvents(
        aggregation,
        selected.map((event) => ({ ...event, metadata: absolute(event.metadata) })),
      ).sum;
      const message = `meter ${JSON.stringify({ filter, aggregation })} (seed ${SEED})`;
      expect(exceptSum(actual), message).toEqual(exceptSum(expected));
      // Summation order differs between the two, so the error bound is relative to Σ|v|, not to the sum.
      expect(Math.abs(actual.sum - expected.sum), message).toBeLessThanOrEqual(1e-9 * magnitude);
      if (expected.valueCount > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(AGGREGATION_COUNT / 5);
  });

  it(`matches the same events for ${METADATA_QUERY_COUNT} metadata list queries`, async () => {
    reseed(3);
    const queries = Array.from({ length: METADATA_QUERY_COUNT }, randomMetadataQuery);
    const results = await evaluateInSql(queries.map((query) => (params) => compileMetadataQuery(query, params, "e")));
    let selectedSomething = 0;
    queries.forEach((query, q) => {
      const expected = events.map((event) => (metadataQueryMatches(query, event) ? "1" : "0")).join("");
      const { sql, result } = results[q] as { sql: string; result: string };
      const index = firstDifference(expected, result);
      if (index !== -1) {
        expect.fail(
          `query ${JSON.stringify(query)}\nSQL ${sql}\nevent ${describeEvent(events, index)}\nreference ${expected[index]}, SQL ${result[index]}`,
        );
      }
      if (expected.includes("1")) selectedSomething++;
    });
    expect(selectedSomething).toBeGreaterThan(METADATA_QUERY_COUNT / 4);
  });
});

/** Counts, min and max must agree exactly; -0 in a generated event is stored as jsonb 0, which is equal. */
function exceptSum(state: AggregateState): AggregateState {
  const plain = (value: number | null) => (value === null ? null : value + 0);
  return { ...state, sum: 0, min: plain(state.min), max: plain(state.max) };
}

function absolute(metadata: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(metadata).map(([key, value]) => [key, typeof value === "number" ? Math.abs(value) : value]),
  );
}
