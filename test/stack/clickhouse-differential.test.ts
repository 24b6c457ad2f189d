import { randomBytes } from "node:crypto";
import {
  ClickHouseConnection,
  ClickHouseEventStore,
  compileAggregationValue,
  compileEligibility,
  compileFilter,
  compileMetadataQuery,
  float64Literal,
  Int64,
  integerLiteral,
  migrate,
  millisecondsLiteral,
  quoteString,
  wellFormed,
} from "@meterline/clickhouse";
import {
  type AggregateState,
  aggregateEvents,
  canonicalMetadataJson,
  compareCodePoints,
  type EvaluableEvent,
  evaluateFilter,
  isEligible,
  type StoredEvent,
} from "@meterline/core";
import { describeStack, makeStoredEvent, stackAvailable } from "@meterline/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  describeEvent,
  metadataQueryMatches,
  RandomCases,
} from "../../packages/clickhouse/src/testing/random-cases.js";

/**
 * The ClickHouse compiler held to the reference evaluator in @meterline/core (ARCHITECTURE §2),
 * on generated events and filters, as packages/postgres/src/filter-sql.test.ts does for Postgres.
 * Events go in through ClickHouseEventStore.insert, so the stored metadata arrays are the ones
 * production writes. The literal functions are checked against the same server: every value
 * written through them must read back unchanged.
 */

const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? "http://127.0.0.1:8123";
const SEED = 20250619;
const EVENT_COUNT = 2000;
const FILTER_COUNT = 2000;
const AGGREGATION_COUNT = 400;
const METADATA_QUERY_COUNT = 300;
const QUANTITIES_COUNT = 120;
const LIST_COUNT = 120;
const ORGANIZATION_ID = "00000000-0000-4000-8000-00000000c0de";

const status = await stackAvailable(async () => {
  const connection = ClickHouseConnection.open({ url: CLICKHOUSE_URL, database: "default" });
  try {
    await connection.command("SELECT 1");
  } finally {
    await connection.close();
  }
});

const PredicateRow = z.object({ log_offset: Int64, results: z.array(z.number().nullable()) });
const AggregatesRow = z.object({
  aggregates: z.array(z.tuple([Int64, Int64, z.number().nullable(), z.number().nullable(), z.number().nullable()])),
});

describeStack(`ClickHouse at ${new URL(CLICKHOUSE_URL).host}`, status, () => {
  describe("compiled filters agree with the reference evaluator", () => {
    const cases = new RandomCases(SEED);
    cases.reseed(0);
    const events: EvaluableEvent[] = Array.from({ length: EVENT_COUNT }, () => cases.event());
    const stored: StoredEvent[] = events.map((event, offset) =>
      makeStoredEvent({
        ...event,
        id: `00000000-0000-4000-8000-${offset.toString(16).padStart(12, "0")}`,
        organizationId: ORGANIZATION_ID,
        ingestedAt: new Date("2025-06-01T00:00:00.000Z"),
        position: { partition: 0, offset },
      }),
    );
    let connection: ClickHouseConnection;
    let store: ClickHouseEventStore;

    beforeAll(async () => {
      connection = ClickHouseConnection.open({
        url: CLICKHOUSE_URL,
        database: `meterline_test_${randomBytes(6).toString("hex")}`,
      });
      await migrate(connection);
      store = new ClickHouseEventStore(connection);
      const outcomes = await store.insert(stored);
      expect([...outcomes.values()].every((outcome) => outcome === "inserted")).toBe(true);
    });

    afterAll(async () => {
      await connection?.dropDatabase();
      await connection?.close();
    });

    /** One string per predicate, one character per event in log order: 1 true, 0 false, n NULL. */
    async function evaluateInSql(predicates: string[]): Promise<string[]> {
      const results: string[] = [];
      for (let start = 0; start < predicates.length; start += 100) {
        const chunk = predicates.slice(start, start + 100);
        const rows = await connection.query({
          sql: `SELECT log_offset, [${chunk.join(",\n")}] AS results FROM events_v1
            WHERE organization_id = ${quoteString(ORGANIZATION_ID)} ORDER BY log_offset`,
          row: PredicateRow,
        });
        expect(rows.map((row) => row.log_offset)).toEqual(events.map((_, offset) => offset));
        chunk.forEach((_, i) => {
          results.push(rows.map((row) => (row.results[i] === null ? "n" : String(row.results[i]))).join(""));
        });
      }
      return results;
    }

    function firstDifference(expected: string, actual: string): number {
      for (let i = 0; i < Math.max(expected.length, actual.length); i++) if (expected[i] !== actual[i]) return i;
      return -1;
    }

    it(`selects the same events for ${FILTER_COUNT} random filters`, async () => {
      cases.reseed(1);
      const filters = Array.from({ length: FILTER_COUNT }, () => cases.filter(1));
      const sqls = filters.map(compileFilter);
      const results = await evaluateInSql(sqls);
      let split = 0;
      filters.forEach((filter, f) => {
        const expected = events.map((event) => (evaluateFilter(filter, event) ? "1" : "0")).join("");
        const result = results[f] as string;
        const index = firstDifference(expected, result);
        if (index !== -1) {
          expect.fail(
            `filter ${JSON.stringify(filter)}\nSQL ${sqls[f]}\nevent ${describeEvent(events[index] as EvaluableEvent, index)}\nreference ${expected[index]}, SQL ${result[index]} (seed ${SEED})`,
          );
        }
        if (expected.includes("1") && expected.includes("0")) split++;
      });
      // Guards the generator: agreement proves little unless many filters split the events.
      expect(split).toBeGreaterThan(FILTER_COUNT / 3);
    });

    it(`aggregates the same values for ${AGGREGATION_COUNT} random meters`, async () => {
      cases.reseed(2);
      const meters = Array.from({ length: AGGREGATION_COUNT }, () => ({
        filter: cases.filter(2),
        aggregation: cases.aggregation(),
      }));
      const actual: AggregateState[] = [];
      for (let start = 0; start < meters.length; start += 50) {
        const columns = meters.slice(start, start + 50).map(({ filter, aggregation }) => {
          const matches = `(${compileFilter(filter)} AND ${compileEligibility(aggregation)})`;
          const value = `if(${matches}, ${compileAggregationValue(aggregation)}, NULL)`;
          return `tuple(countIf(${matches}), count(${value}), sum(${value}), min(${value}), max(${value}))`;
        });
        const [row] = await connection.query({
          sql: `SELECT [${columns.join(",\n")}] AS aggregates FROM events_v1
            WHERE organization_id = ${quoteString(ORGANIZATION_ID)}`,
          row: AggregatesRow,
        });
        for (const [count, valueCount, sum, min, max] of row?.aggregates ?? []) {
          actual.push({ count, valueCount, sum: sum ?? 0, min, max });
        }
      }
      expect(actual).toHaveLength(AGGREGATION_COUNT);
      let nonEmpty = 0;
      meters.forEach(({ filter, aggregation }, m) => {
        const selected = events.filter((event) => evaluateFilter(filter, event));
        const expected = aggregateEvents(aggregation, selected);
        const message = `meter ${JSON.stringify({ filter, aggregation })} (seed ${SEED})`;
        expectSameAggregate(actual[m] as AggregateState, expected, magnitudeOf(aggregation, selected), message);
        if (expected.valueCount > 0) nonEmpty++;
      });
      expect(nonEmpty).toBeGreaterThan(AGGREGATION_COUNT / 5);
    });

    it(`matches the same events for ${METADATA_QUERY_COUNT} metadata list queries`, async () => {
      cases.reseed(3);
      const queries = Array.from({ length: METADATA_QUERY_COUNT }, () => cases.metadataQuery());
      const sqls = queries.map(compileMetadataQuery);
      const results = await evaluateInSql(sqls);
      let selectedSomething = 0;
      queries.forEach((query, q) => {
        const expected = events.map((event) => (metadataQueryMatches(query, event) ? "1" : "0")).join("");
        const result = results[q] as string;
        const index = firstDifference(expected, result);
        if (index !== -1) {
          expect.fail(
            `query ${JSON.stringify(query)}\nSQL ${sqls[q]}\nevent ${describeEvent(events[index] as EvaluableEvent, index)}\nreference ${expected[index]}, SQL ${result[index]}`,
          );
        }
        if (expected.includes("1")) selectedSomething++;
      });
      expect(selectedSomething).toBeGreaterThan(METADATA_QUERY_COUNT / 4);
    });

    it(`buckets the same partials for ${QUANTITIES_COUNT} random quantities queries`, async () => {
      cases.reseed(4);
      const instants = stored.map((event) => event.timestamp.getTime());
      let nonEmpty = 0;
      for (let q = 0; q < QUANTITIES_COUNT; q++) {
        // Boundaries on event instants (and 1 ms off them) put events exactly on the half-open edges.
        const picked = new Set<number>();
        for (let i = cases.integer(1, 12); i >= 0; i--) picked.add(cases.pick(instants) + cases.pick([0, 0, -1, 1]));
        const boundaries = [...picked].sort((a, b) => a - b).map((ms) => new Date(ms));
        const filter = cases.filter(2);
        const aggregation = cases.aggregation();
        const metadata = cases.chance(0.3) ? cases.metadataQuery() : undefined;
        const partials = await store.quantities({
          organizationId: ORGANIZATION_ID,
          filter,
          aggregation,
          boundaries,
          ...(metadata === undefined ? {} : { metadata }),
        });
        expect(partials).toHaveLength(Math.max(boundaries.length - 1, 0));
        partials.forEach((partial, i) => {
          const [from, to] = [(boundaries[i] as Date).getTime(), (boundaries[i + 1] as Date).getTime()];
          const selected = events.filter(
            (event) =>
              event.timestamp.getTime() >= from &&
              event.timestamp.getTime() < to &&
              evaluateFilter(filter, event) &&
              (metadata === undefined || metadataQueryMatches(metadata, event)),
          );
          const expected = aggregateEvents(aggregation, selected);
          const message = `quantities ${JSON.stringify({ filter, aggregation, metadata, boundaries, period: i })}`;
          expectSameAggregate(partial, expected, magnitudeOf(aggregation, selected), message);
          if (expected.count > 0) nonEmpty++;
        });
      }
      expect(nonEmpty).toBeGreaterThan(QUANTITIES_COUNT / 2);
    });

    it(`lists the same pages for ${LIST_COUNT} random list queries (timestamp ties broken by log order)`, async () => {
      cases.reseed(5);
      let nonEmpty = 0;
      for (let q = 0; q < LIST_COUNT; q++) {
        const filter = cases.chance(0.7) ? cases.filter(2) : undefined;
        const aggregation = cases.chance(0.3) ? cases.aggregation() : undefined;
        const metadata = cases.chance(0.2) ? cases.metadataQuery() : undefined;
        const direction = cases.pick(["asc", "desc"] as const);
        const limit = cases.integer(1, 60);
        const offset = cases.chance(0.5) ? 0 : cases.integer(0, 200);
        const result = await store.list({
          organizationIds: [ORGANIZATION_ID],
          ...(filter === undefined ? {} : { filter }),
          ...(aggregation === undefined ? {} : { aggregation }),
          ...(metadata === undefined ? {} : { metadata }),
          sort: [{ property: "timestamp", direction }],
          limit,
          offset,
        });
        const sign = direction === "asc" ? 1 : -1;
        const matching = stored
          .filter(
            (event) =>
              (filter === undefined || evaluateFilter(filter, event)) &&
              (aggregation === undefined || isEligible(aggregation, event)) &&
              (metadata === undefined || metadataQueryMatches(metadata, event)),
          )
          .sort(
            (a, b) =>
              sign * (a.timestamp.getTime() - b.timestamp.getTime()) || sign * (a.position.offset - b.position.offset),
          );
        const message = `list ${JSON.stringify({ filter, aggregation, metadata, direction, limit, offset })}`;
        expect(result.total, message).toBe(matching.length);
        expect(
          result.items.map((event) => event.id),
          message,
        ).toEqual(matching.slice(offset, offset + limit).map((event) => event.id));
        if (result.items.length > 0) nonEmpty++;
      }
      expect(nonEmpty).toBeGreaterThan(LIST_COUNT / 3);
    });

    it("sorts event names by code point, NUL and astral characters included", async () => {
      const result = await store.names({
        organizationIds: [ORGANIZATION_ID],
        sort: [{ property: "name", direction: "asc" }],
        limit: 10_000,
        offset: 0,
      });
      const expected = [...new Set(events.map((event) => JSON.stringify([event.name, event.source])))]
        .map((key) => {
          const [name, source] = JSON.parse(key) as [string, string];
          return { name, source };
        })
        .sort((a, b) => compareCodePoints(a.name, b.name) || compareCodePoints(a.source, b.source));
      expect(expected.some(({ name }) => name.includes("\u0000"))).toBe(true);
      expect(result.items.map(({ name, source }) => ({ name, source }))).toEqual(expected);
      expect(result.total).toBe(expected.length);
    });

    it("reads every stored event back with its metadata", async () => {
      cases.reseed(6);
      for (let i = 0; i < 150; i++) {
        const event = cases.pick(stored);
        const read = await store.get([ORGANIZATION_ID], event.id);
        // -0 is stored as 0 (canonicalMetadataJson), so the canonical texts are compared.
        expect({ ...read, metadata: canonicalMetadataJson(read?.metadata ?? {}) }).toEqual({
          ...event,
          metadata: canonicalMetadataJson(event.metadata),
        });
      }
    });
  });
});

describeStack(`ClickHouse at ${new URL(CLICKHOUSE_URL).host}: literals`, status, () => {
  describe("every literal reads back as its value on this server", () => {
    let connection: ClickHouseConnection;
    beforeAll(() => {
      connection = ClickHouseConnection.open({ url: CLICKHOUSE_URL, database: "default" });
    });
    afterAll(async () => {
      await connection?.close();
    });

    async function readBack<T>(literals: string[], value: z.ZodType<T>): Promise<T[]> {
      const values: T[] = [];
      for (let start = 0; start < literals.length; start += 500) {
        const [row] = await connection.query({
          sql: `SELECT [${literals.slice(start, start + 500).join(", ")}] AS values`,
          row: z.object({ values: z.array(value) }),
        });
        values.push(...(row?.values ?? []));
      }
      return values;
    }

    it("strings: quotes, backslashes, NUL, controls, \\N, unicode, lone surrogates, generated ones", async () => {
      const strings = [
        "",
        "'",
        "\\",
        "\\'",
        "''",
        "\\N",
        "\u0000",
        "a\u0000b",
        "\n\r\t\u0001\u001f\u007f",
        '"',
        "-- x",
        "/* y */",
        "'; DROP TABLE events_v1; --",
        "é e\u0301 世界 😀 \uFFFF \u{10FFFF}",
        "\u0085\u2028",
        "\uD800",
        "x\uDC00y",
        ...fc.sample(fc.string({ unit: "binary" }), { numRuns: 400, seed: SEED }),
        ...fc.sample(fc.string({ unit: fc.constantFrom("'", "\\", "N", "\u0000", "\n", "x", "😀") }), {
          numRuns: 400,
          seed: SEED,
        }),
      ];
      expect(await readBack(strings.map(quoteString), z.string())).toEqual(strings.map(wellFormed));
    });

    it("a string longer than the default 256 KiB query limit", async () => {
      const long = "a'\\\u0000😀".repeat(60_000);
      expect(await readBack([quoteString(long)], z.string())).toEqual([long]);
    });

    it("doubles of every bit pattern, subnormals and extremes included", async () => {
      const cases = new RandomCases(SEED);
      const doubles = [
        0,
        -0,
        1,
        -1,
        0.1,
        1e-7,
        1e21,
        -1e21,
        2 ** 53 + 2,
        5e-324,
        -5e-324,
        2.225073858507201e-308,
        2.2250738585072014e-308,
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
        Number.MIN_VALUE,
        ...Array.from({ length: 2000 }, () => cases.anyDouble()),
        ...Array.from({ length: 300 }, () => {
          const bytes = Buffer.alloc(8);
          bytes.writeBigUInt64LE(BigInt(cases.integer(1, 2 ** 52 - 1)));
          return bytes.readDoubleLE(); // subnormal
        }),
      ];
      const read = await readBack(doubles.map(float64Literal), z.number());
      expect(read).toEqual(doubles.map((value) => value + 0));
    });

    it("integers and instants", async () => {
      const integers = [0, 1, -1, 42, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
      expect(
        await readBack(
          integers.map((value) => `toInt64(${integerLiteral(value)})`),
          Int64,
        ),
      ).toEqual(integers);
      const instants = [
        "1900-01-01T00:00:00.000Z",
        "1969-12-31T23:59:59.999Z",
        "1970-01-01T00:00:00.000Z",
        "2025-06-01T12:34:56.789Z",
        "2200-01-01T00:00:00.001Z",
      ].map((iso) => new Date(iso));
      expect(await readBack(instants.map(millisecondsLiteral), Int64)).toEqual(instants.map((date) => date.getTime()));
    });

    it("visitParam* is fooled by flat metadata, which is why filters read the key arrays", async () => {
      // A key containing `"tier` makes `"tier":` appear before the real key; a nested object holds one too.
      const json = [
        canonicalMetadataJson({ 'x"tier': "gold", tier: 5 }),
        canonicalMetadataJson({ nested: { tier: 1 } }),
      ];
      const rows = await connection.query({
        sql: `SELECT [${json.map((text) => `visitParamExtractFloat(${quoteString(text)}, 'tier')`).join(", ")}] AS numbers,
          [${json.map((text) => `visitParamHas(${quoteString(text)}, 'tier')`).join(", ")}] AS found`,
        row: z.object({ numbers: z.array(z.number()), found: z.array(z.number()) }),
      });
      // The reference reads 5 from the first and nothing from the second (nested values are missing).
      expect(rows[0]?.numbers[0]).not.toBe(5);
      expect(rows[0]?.found[1]).toBe(1);
    });
  });
});

function expectSameAggregate(actual: AggregateState, expected: AggregateState, magnitude: number, message: string) {
  // Counts, min and max agree exactly; -0 in a generated event is stored as 0, which is equal.
  const plain = (value: number | null) => (value === null ? null : value + 0);
  expect({ ...actual, sum: 0, min: plain(actual.min), max: plain(actual.max) }, message).toEqual({
    ...expected,
    sum: 0,
    min: plain(expected.min),
    max: plain(expected.max),
  });
  // Summation order differs between the two, so the error bound is relative to Σ|v|, not to the sum.
  expect(Math.abs(actual.sum - expected.sum), message).toBeLessThanOrEqual(1e-9 * magnitude);
}

function magnitudeOf(aggregation: Parameters<typeof aggregateEvents>[0], selected: EvaluableEvent[]): number {
  return aggregateEvents(
    aggregation,
    selected.map((event) => ({
      ...event,
      metadata: Object.fromEntries(
        Object.entries(event.metadata).map(([key, value]) => [
          key,
          typeof value === "number" ? Math.abs(value) : value,
        ]),
      ),
    })),
  ).sum;
}
