import {
  type Aggregation,
  type Filter,
  type FilterClause,
  type FilterOperator,
  formatNumberPlain,
  isFilter,
  type MetadataQuery,
  stripMetadataPrefix,
  textForm,
} from "@meterline/core";
import { METADATA_TYPE } from "./event-row.js";
import { float64Literal, inList, quoteString } from "./sql-literal.js";

/**
 * Meter filters as ClickHouse expressions over `events_v1`, held to the reference evaluator in
 * `@meterline/core` by a differential test (test/stack/clickhouse-differential.test.ts). Rules
 * every emitted fragment keeps:
 * - keys and values enter only through `sql-literal.ts`;
 * - metadata is read from the parallel arrays (`metadata_keys`, `_types`, `_texts`, `_numbers`),
 *   never parsed out of the JSON text: `visitParam*` takes the first `"key":` anywhere in the text,
 *   so a key whose name ends in `"key` (`{"x\"tier":"gold","tier":5}` reads "gold" for `tier`) or a
 *   nested object holding `key` fools it (checked on 18.16 in the differential test). `indexOf`
 *   on the key array is exact, and a missing key reads index 0, whose elements are the type 0
 *   ("missing"), '' and 0;
 * - the result is a UInt8 0 or 1, never NULL, so callers may select it as a column;
 * - strings compare as bytes, which for UTF-8 is code-point order (the reference's
 *   `compareCodePoints`); `metadata_texts` holds each value's `textForm`; string `<=` and `>=`
 *   are written as NOT `>` and NOT `<` (18.16 gets them wrong around NUL bytes, see `textClause`);
 * - `like` is `position(...) > 0`: a literal substring, so `%` and `_` in values stay characters;
 * - only functions present in ClickHouse 18.16 and current releases are used.
 */

const COMPARISONS: Record<Exclude<FilterOperator, "like" | "not_like">, string> = {
  eq: "=",
  ne: "!=",
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
};

/**
 * Epoch seconds of the event time rounded half away from zero, as the reference does.
 * `intDiv` and `%` truncate toward zero, so the remainder carries the sign of the instant.
 */
export const EPOCH_SECONDS =
  "(intDiv(timestamp_ms, 1000) + (timestamp_ms % 1000 >= 500) - (timestamp_ms % 1000 <= -500))";

/** The type, text form and number of the metadata value under `key`, as SQL expressions. */
export function metadataSlot(key: string): { type: string; text: string; number: string } {
  const index = `indexOf(metadata_keys, ${quoteString(key)})`;
  return {
    type: `metadata_types[${index}]`,
    text: `metadata_texts[${index}]`,
    number: `metadata_numbers[${index}]`,
  };
}

export function compileFilter(filter: Filter): string {
  if (filter.clauses.length === 0) return "1";
  const parts = filter.clauses.map((clause) => (isFilter(clause) ? compileFilter(clause) : compileClause(clause)));
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(filter.conjunction === "and" ? " AND " : " OR ")})`;
}

/** The aggregation's eligibility clause (spec §4.6), to AND with the filter. */
export function compileEligibility(aggregation: Aggregation): string {
  if (aggregation.func === "count") return "1";
  const property = stripMetadataPrefix(aggregation.property);
  if (property === "name" || property === "source") return "0";
  if (property === "timestamp") return "1";
  return `${metadataSlot(property).type} = ${METADATA_TYPE.number}`;
}

/**
 * The double an event contributes, NULL when it has none (aggregates skip NULLs as the reference
 * skips undefined). Typed Nullable(Float64) even for count, so `sum(v)` over it still resolves.
 */
export function compileAggregationValue(aggregation: Aggregation): string {
  const none = "CAST(NULL AS Nullable(Float64))";
  if (aggregation.func === "count") return none;
  const property = stripMetadataPrefix(aggregation.property);
  if (property === "name" || property === "source") return none;
  // For `timestamp` this reads the metadata key, like the reference (a Polar quirk).
  const slot = metadataSlot(property);
  return `if(${slot.type} = ${METADATA_TYPE.number}, ${slot.number}, NULL)`;
}

/**
 * `?metadata[key]=value` list filters (spec §2.3): the stored value's text form must equal one of
 * the key's values exactly; keys are ANDed. A missing key never matches (its text reads '', so the
 * type is checked), and a key given with no values matches nothing (an empty OR).
 */
export function compileMetadataQuery(metadata: MetadataQuery): string {
  const parts = Object.entries(metadata).map(([key, values]) => {
    if (values.length === 0) return "0";
    const slot = metadataSlot(key);
    return `(${slot.type} != 0 AND ${inList(slot.text, values)})`;
  });
  if (parts.length === 0) return "1";
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" AND ")})`;
}

function compileClause(clause: FilterClause): string {
  const property = stripMetadataPrefix(clause.property);
  const { operator, value } = clause;
  if (property === "name" || property === "source") {
    return typeof value === "string" ? textClause(property, operator, value) : "0";
  }
  if (property === "timestamp") {
    if (typeof value !== "number") return "0";
    if (operator === "like" || operator === "not_like") {
      return textClause(`toString(${EPOCH_SECONDS})`, operator, formatNumberPlain(value));
    }
    return `${EPOCH_SECONDS} ${COMPARISONS[operator]} ${float64Literal(value)}`;
  }

  const slot = metadataSlot(property);
  if (typeof value === "boolean") {
    // A boolean clause value matches only a stored boolean (stored as 1/0); like is eq, not_like is ne.
    const comparison = operator === "like" ? "=" : operator === "not_like" ? "!=" : COMPARISONS[operator];
    return `(${slot.type} = ${METADATA_TYPE.boolean} AND ${slot.number} ${comparison} ${float64Literal(Number(value))})`;
  }
  const pattern = textClause(slot.text, operator, textForm(value));
  if (operator === "like" || operator === "not_like") return `(${slot.type} != 0 AND ${pattern})`;
  const asString = `${slot.type} = ${METADATA_TYPE.string} AND ${pattern}`;
  // A string value never matches a stored number; a number value compares with both.
  if (typeof value === "string") return `(${asString})`;
  return `((${asString}) OR (${slot.type} = ${METADATA_TYPE.number} AND ${slot.number} ${COMPARISONS[operator]} ${float64Literal(value)}))`;
}

/**
 * ClickHouse 18.16 gets `s <= 'c'` and `s >= 'c'` wrong for a column against a constant when
 * either holds a NUL byte ('' >= '\0' is true there; found by the differential test, ~5% of such
 * pairs in a fuzz), while `<`, `>`, `=`, `!=`, IN and `position` are right. Strings are totally
 * ordered, so `<=` is written as NOT `>` and `>=` as NOT `<`.
 */
function textClause(column: string, operator: FilterOperator, text: string): string {
  const value = quoteString(text);
  switch (operator) {
    case "like":
      return `position(${column}, ${value}) > 0`;
    case "not_like":
      return `position(${column}, ${value}) = 0`;
    case "gte":
      return `NOT (${column} < ${value})`;
    case "lte":
      return `NOT (${column} > ${value})`;
    default:
      return `${column} ${COMPARISONS[operator]} ${value}`;
  }
}
