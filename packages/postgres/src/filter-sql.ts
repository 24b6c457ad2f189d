import {
  type Aggregation,
  type Filter,
  type FilterClause,
  type FilterOperator,
  isFilter,
  type MetadataQuery,
  stripMetadataPrefix,
  textForm,
} from "@meterline/core";
import type { Params } from "./sql-client.js";

/**
 * Meter filters as Postgres boolean expressions over `events_v1` columns, held to the reference
 * evaluator in `@meterline/core` by a differential test. Rules every emitted fragment keeps:
 * - user keys and values only ever travel as `Params` placeholders;
 * - every cast sits in a CASE branch guarded by `jsonb_typeof`: Postgres may evaluate the sides of
 *   AND in any order, and one `::float8` on a string fails the whole query;
 * - the result is TRUE or FALSE, never NULL, so callers may negate it or select it as a column;
 * - strings compare with COLLATE "C" (code-point order, the reference's `compareCodePoints`)
 *   whatever the database collation is;
 * - `like` is `strpos(...) > 0`: a literal substring, so `%` and `_` in values stay characters.
 * Metadata is expected in `canonicalMetadataJson` form, so `->>` yields the reference's `textForm`.
 */

const COMPARISONS: Record<Exclude<FilterOperator, "like" | "not_like">, string> = {
  eq: "=",
  ne: "<>",
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
};

/** `alias` qualifies the columns (`e.metadata`) when the events table is joined or aliased. */
export function compileFilter(filter: Filter, params: Params, alias?: string): string {
  const columns = qualify(alias);
  const compile = (node: Filter): string => {
    if (node.clauses.length === 0) return "TRUE";
    const parts = node.clauses.map((clause) =>
      isFilter(clause) ? compile(clause) : compileClause(clause, params, columns),
    );
    return parts.length === 1 ? (parts[0] as string) : `(${parts.join(node.conjunction === "and" ? " AND " : " OR ")})`;
  };
  return compile(filter);
}

/** The aggregation's eligibility clause (spec §4.6), to AND with the filter. */
export function compileEligibility(aggregation: Aggregation, params: Params, alias?: string): string {
  if (aggregation.func === "count") return "TRUE";
  const property = stripMetadataPrefix(aggregation.property);
  if (property === "name" || property === "source") return "FALSE";
  if (property === "timestamp") return "TRUE";
  return `jsonb_typeof(${qualify(alias).metadata}->${params.add(property)}) IS NOT DISTINCT FROM 'number'`;
}

/**
 * The double an event contributes, NULL when it has none (SQL aggregates skip NULLs as the
 * reference skips undefined). Typed even for count so `sum(v)` over it still resolves.
 */
export function compileAggregationValue(aggregation: Aggregation, params: Params, alias?: string): string {
  if (aggregation.func === "count") return "NULL::float8";
  const property = stripMetadataPrefix(aggregation.property);
  if (property === "name" || property === "source") return "NULL::float8";
  // For `timestamp` this reads the metadata key, like the reference (a Polar quirk).
  const value = `${qualify(alias).metadata}->${params.add(property)}`;
  return `CASE WHEN jsonb_typeof(${value}) = 'number' THEN (${value})::float8 END`;
}

/**
 * `?metadata[key]=value` list filters (spec §2.3): the stored value's text form must equal one of
 * the key's values exactly; keys are ANDed. A missing key, null, array or object never matches,
 * and a key given with no values matches nothing (an empty OR).
 */
export function compileMetadataQuery(metadata: MetadataQuery, params: Params, alias?: string): string {
  const column = qualify(alias).metadata;
  const parts = Object.entries(metadata).map(([key, values]) => {
    if (values.length === 0) return "FALSE";
    const placeholder = params.add(key);
    const list = values.map((value) => params.add(value)).join(", ");
    return `CASE WHEN jsonb_typeof(${column}->${placeholder}) IN ('string', 'number', 'boolean') THEN ${column}->>${placeholder} IN (${list}) ELSE FALSE END`;
  });
  if (parts.length === 0) return "TRUE";
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(" AND ")})`;
}

interface Columns {
  name: string;
  source: string;
  timestamp: string;
  metadata: string;
}

function qualify(alias: string | undefined): Columns {
  if (alias === undefined) return { name: "name", source: "source", timestamp: '"timestamp"', metadata: "metadata" };
  // The alias is spliced into SQL, so it must be a plain identifier chosen by code, never input.
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`Invalid table alias: ${alias}`);
  return {
    name: `${alias}.name`,
    source: `${alias}.source`,
    timestamp: `${alias}."timestamp"`,
    metadata: `${alias}.metadata`,
  };
}

function compileClause(clause: FilterClause, params: Params, columns: Columns): string {
  const property = stripMetadataPrefix(clause.property);
  const { operator, value } = clause;
  if (property === "name" || property === "source") {
    if (typeof value !== "string") return "FALSE";
    return textClause(columns[property], operator, params.add(value));
  }
  if (property === "timestamp") {
    if (typeof value !== "number") return "FALSE";
    // round(numeric) rounds half away from zero; extract(epoch) is numeric from Postgres 14 on.
    const seconds = `round(extract(epoch from ${columns.timestamp}))`;
    if (operator === "like" || operator === "not_like")
      return textClause(`${seconds}::text`, operator, params.add(textForm(value)));
    return `${seconds}::float8 ${COMPARISONS[operator]} ${params.add(value)}::float8`;
  }

  const key = params.add(property);
  const stored = `${columns.metadata}->${key}`;
  const text = `${columns.metadata}->>${key}`;
  if (typeof value === "boolean") {
    // A boolean clause value matches only a stored boolean; on booleans like is eq, not_like is ne.
    const comparison = operator === "like" ? "=" : operator === "not_like" ? "<>" : COMPARISONS[operator];
    return `CASE WHEN jsonb_typeof(${stored}) = 'boolean' THEN (${stored})::boolean ${comparison} ${params.add(value)}::boolean ELSE FALSE END`;
  }
  const pattern = textClause(text, operator, params.add(textForm(value)));
  if (operator === "like" || operator === "not_like") {
    return `CASE WHEN jsonb_typeof(${stored}) IN ('string', 'number', 'boolean') THEN ${pattern} ELSE FALSE END`;
  }
  // A string value never matches a stored number; a number value compares with both.
  const numeric =
    typeof value === "number"
      ? ` WHEN 'number' THEN (${stored})::float8 ${COMPARISONS[operator]} ${params.add(value)}::float8`
      : "";
  return `CASE jsonb_typeof(${stored}) WHEN 'string' THEN ${pattern}${numeric} ELSE FALSE END`;
}

function textClause(column: string, operator: FilterOperator, placeholder: string): string {
  if (operator === "like") return `strpos(${column}, ${placeholder}) > 0`;
  if (operator === "not_like") return `strpos(${column}, ${placeholder}) = 0`;
  return `${column} ${COMPARISONS[operator]} ${placeholder} COLLATE "C"`;
}
