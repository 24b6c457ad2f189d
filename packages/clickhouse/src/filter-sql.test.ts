import type { Aggregation, Filter, FilterClause, FilterValue } from "@meterline/core";
import { describe, expect, it } from "vitest";
import { compileCustomerMatch } from "./customer-sql.js";
import {
  compileAggregationValue,
  compileEligibility,
  compileFilter,
  compileMetadataQuery,
  EPOCH_SECONDS,
} from "./filter-sql.js";

const clause = (property: string, operator: FilterClause["operator"], value: FilterValue): FilterClause => ({
  property,
  operator,
  value,
});
const and = (...clauses: Filter["clauses"]): Filter => ({ conjunction: "and", clauses });
const or = (...clauses: Filter["clauses"]): Filter => ({ conjunction: "or", clauses });

const TYPE = (key: string) => `metadata_types[indexOf(metadata_keys, '${key}')]`;
const TEXT = (key: string) => `metadata_texts[indexOf(metadata_keys, '${key}')]`;
const NUMBER = (key: string) => `metadata_numbers[indexOf(metadata_keys, '${key}')]`;
const SECONDS = "(intDiv(timestamp_ms, 1000) + (timestamp_ms % 1000 >= 500) - (timestamp_ms % 1000 <= -500))";

describe("generated SQL for each clause kind", () => {
  it.each<[string, Filter, string]>([
    ["name eq", and(clause("name", "eq", "ai_usage")), "name = 'ai_usage'"],
    ["name ne", and(clause("name", "ne", "x")), "name != 'x'"],
    ["name gt", and(clause("name", "gt", "a")), "name > 'a'"],
    ["name lt", and(clause("name", "lt", "b")), "name < 'b'"],
    // 18.16 compares `<=`/`>=` wrongly against a constant with NUL bytes; NOT of the strict one is exact.
    ["name gte", and(clause("name", "gte", "a")), "NOT (name < 'a')"],
    ["name lte", and(clause("name", "lte", "")), "NOT (name > '')"],
    ["name like is a literal substring", and(clause("name", "like", "a%_")), "position(name, 'a%_') > 0"],
    ["source not_like", and(clause("metadata.source", "not_like", "a%")), "position(source, 'a%') = 0"],
    ["name with a number value", and(clause("name", "eq", 1)), "0"],
    ["source with a boolean value", and(clause("source", "eq", true)), "0"],
    ["timestamp gte", and(clause("timestamp", "gte", 1748736000)), `${SECONDS} >= 1748736000.0`],
    ["timestamp lt a fraction", and(clause("metadata.timestamp", "lt", 0.5)), `${SECONDS} < 0.5`],
    ["timestamp like", and(clause("timestamp", "like", 1748)), `position(toString(${SECONDS}), '1748') > 0`],
    [
      "timestamp like a tiny number",
      and(clause("timestamp", "not_like", 1e-7)),
      `position(toString(${SECONDS}), '0.0000001') = 0`,
    ],
    ["timestamp with a string value", and(clause("timestamp", "eq", "1748736000")), "0"],
    ["timestamp with a boolean value", and(clause("timestamp", "eq", true)), "0"],
    ["metadata eq string", and(clause("tier", "eq", "gold")), `(${TYPE("tier")} = 1 AND ${TEXT("tier")} = 'gold')`],
    ["metadata gt string", and(clause("tier", "gt", "7")), `(${TYPE("tier")} = 1 AND ${TEXT("tier")} > '7')`],
    ["metadata gte string", and(clause("tier", "gte", "7")), `(${TYPE("tier")} = 1 AND NOT (${TEXT("tier")} < '7'))`],
    [
      "metadata eq number: the text of a stored string, or the stored number",
      and(clause("metadata.tier", "eq", 1e21)),
      `((${TYPE("tier")} = 1 AND ${TEXT("tier")} = '1000000000000000000000') OR (${TYPE("tier")} = 2 AND ${NUMBER("tier")} = 1e+21))`,
    ],
    [
      "metadata lte number",
      and(clause("n", "lte", -12.5)),
      `((${TYPE("n")} = 1 AND NOT (${TEXT("n")} > '-12.5')) OR (${TYPE("n")} = 2 AND ${NUMBER("n")} <= -12.5))`,
    ],
    [
      "metadata ne a subnormal number",
      and(clause("n", "ne", 5e-324)),
      `((${TYPE("n")} = 1 AND ${TEXT("n")} != '0.${"0".repeat(323)}5') OR (${TYPE("n")} = 2 AND ${NUMBER("n")} != reinterpretAsFloat64(unhex('0100000000000000'))))`,
    ],
    [
      "metadata ne boolean",
      and(clause("premium", "ne", true)),
      `(${TYPE("premium")} = 3 AND ${NUMBER("premium")} != 1.0)`,
    ],
    [
      "metadata gt boolean",
      and(clause("premium", "gt", false)),
      `(${TYPE("premium")} = 3 AND ${NUMBER("premium")} > 0.0)`,
    ],
    [
      "metadata like boolean is eq",
      and(clause("premium", "like", false)),
      `(${TYPE("premium")} = 3 AND ${NUMBER("premium")} = 0.0)`,
    ],
    [
      "metadata not_like boolean is ne",
      and(clause("premium", "not_like", true)),
      `(${TYPE("premium")} = 3 AND ${NUMBER("premium")} != 1.0)`,
    ],
    [
      "metadata like string",
      and(clause("model", "like", "pro")),
      `(${TYPE("model")} != 0 AND position(${TEXT("model")}, 'pro') > 0)`,
    ],
    [
      "metadata like number reads its text",
      and(clause("model", "like", 1.5e-7)),
      `(${TYPE("model")} != 0 AND position(${TEXT("model")}, '0.00000015') > 0)`,
    ],
    [
      "metadata not_like",
      and(clause("model", "not_like", "")),
      `(${TYPE("model")} != 0 AND position(${TEXT("model")}, '') = 0)`,
    ],
    [
      "metadata.metadata.x is the key metadata.x",
      and(clause("metadata.metadata.x", "eq", "v")),
      `(${TYPE("metadata.x")} = 1 AND ${TEXT("metadata.x")} = 'v')`,
    ],
    ["the empty key", and(clause("metadata.", "eq", "v")), `(${TYPE("")} = 1 AND ${TEXT("")} = 'v')`],
    ["empty filter", or(), "1"],
    [
      "nested conjunctions",
      and(clause("name", "eq", "a"), or(), or(clause("source", "eq", "user"), and(clause("name", "lt", "b")))),
      "(name = 'a' AND 1 AND (source = 'user' OR name < 'b'))",
    ],
  ])("%s", (_name, filter, sql) => {
    expect(compileFilter(filter)).toBe(sql);
  });

  it("exports the rounding it uses for timestamps", () => {
    expect(EPOCH_SECONDS).toBe(SECONDS);
  });

  it("escapes hostile keys and values into literals", () => {
    const hostile = "'; DROP TABLE events_v1; --";
    const filter = or(
      clause(hostile, "eq", hostile),
      clause("name", "like", hostile),
      clause(`metadata.${hostile}`, "eq", 1),
      clause('x"tier\\', "lt", "a\u0000"),
    );
    expect(compileFilter(filter)).toBe(
      `((${TYPE("\\'; DROP TABLE events_v1; --")} = 1 AND ${TEXT("\\'; DROP TABLE events_v1; --")} = '\\'; DROP TABLE events_v1; --') OR position(name, '\\'; DROP TABLE events_v1; --') > 0 OR ((${TYPE("\\'; DROP TABLE events_v1; --")} = 1 AND ${TEXT("\\'; DROP TABLE events_v1; --")} = '1') OR (${TYPE("\\'; DROP TABLE events_v1; --")} = 2 AND ${NUMBER("\\'; DROP TABLE events_v1; --")} = 1.0)) OR (${TYPE('x"tier\\\\')} = 1 AND ${TEXT('x"tier\\\\')} < 'a\\x00'))`,
    );
    // Every quote in the output is escaped or delimits a literal: stripping the literals leaves no user text.
    const withoutLiterals = compileFilter(filter).replace(/'(?:[^'\\]|\\.)*'/g, "''");
    expect(withoutLiterals).not.toContain("DROP");
    expect(compileMetadataQuery({ [hostile]: [hostile] }).replace(/'(?:[^'\\]|\\.)*'/g, "''")).not.toContain("DROP");
  });
});

describe("generated SQL for each aggregation", () => {
  it.each<[string, Aggregation, string, string]>([
    ["count", { func: "count" }, "1", "CAST(NULL AS Nullable(Float64))"],
    [
      "sum of a metadata key",
      { func: "sum", property: "metadata.tokens" },
      `${TYPE("tokens")} = 2`,
      `if(${TYPE("tokens")} = 2, ${NUMBER("tokens")}, NULL)`,
    ],
    ["avg of a key", { func: "avg", property: "n" }, `${TYPE("n")} = 2`, `if(${TYPE("n")} = 2, ${NUMBER("n")}, NULL)`],
    ["min of a key", { func: "min", property: "n" }, `${TYPE("n")} = 2`, `if(${TYPE("n")} = 2, ${NUMBER("n")}, NULL)`],
    ["max of name", { func: "max", property: "name" }, "0", "CAST(NULL AS Nullable(Float64))"],
    ["sum of source", { func: "sum", property: "metadata.source" }, "0", "CAST(NULL AS Nullable(Float64))"],
    [
      "avg of timestamp reads the metadata key",
      { func: "avg", property: "timestamp" },
      "1",
      `if(${TYPE("timestamp")} = 2, ${NUMBER("timestamp")}, NULL)`,
    ],
  ])("%s", (_name, aggregation, eligibility, value) => {
    expect(compileEligibility(aggregation)).toBe(eligibility);
    expect(compileAggregationValue(aggregation)).toBe(value);
  });
});

describe("generated SQL for metadata list queries and customers", () => {
  it("metadata list queries", () => {
    expect(compileMetadataQuery({})).toBe("1");
    expect(compileMetadataQuery({ tier: ["gold"] })).toBe(`(${TYPE("tier")} != 0 AND ${TEXT("tier")} IN ('gold'))`);
    expect(compileMetadataQuery({ tier: ["gold", "10"], flag: [] })).toBe(
      `((${TYPE("tier")} != 0 AND ${TEXT("tier")} IN ('gold', '10')) AND 0)`,
    );
  });

  it("customer matches read the key column, then the exact columns", () => {
    expect(compileCustomerMatch({ customerIds: [], externalCustomerIds: [] })).toBe("0");
    expect(compileCustomerMatch({ customerIds: ["c1"], externalCustomerIds: [] })).toBe(
      "((customer_key IN ('c1')) AND customer_id IN ('c1'))",
    );
    expect(
      compileCustomerMatch({
        customerIds: ["c1"],
        externalCustomerIds: ["e1"],
        organizationExternalIds: [{ organizationId: "o1", externalId: "e2" }],
      }),
    ).toBe(
      "((customer_key IN ('c1', 'e1', 'e2') OR customer_key IN (SELECT customer_key FROM external_customer_aliases_v1 WHERE external_customer_id IN ('e1', 'e2'))) AND (customer_id IN ('c1') OR external_customer_id IN ('e1') OR (organization_id, external_customer_id) IN (('o1', 'e2'))))",
    );
  });
});
