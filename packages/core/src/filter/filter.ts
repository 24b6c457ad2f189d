export type FilterOperator = "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "like" | "not_like";
export const FILTER_OPERATORS: readonly FilterOperator[] = ["eq", "ne", "gt", "gte", "lt", "lte", "like", "not_like"];

export type FilterConjunction = "and" | "or";

/** A clause value as the wire carries it: a JSON string, integer or boolean. */
export type FilterValue = string | number | boolean;

export interface FilterClause {
  property: string;
  operator: FilterOperator;
  value: FilterValue;
}

export interface Filter {
  conjunction: FilterConjunction;
  clauses: Array<Filter | FilterClause>;
}

export function isFilter(clause: Filter | FilterClause): clause is Filter {
  return "conjunction" in clause;
}

export type AggregationFunction = "count" | "sum" | "avg" | "min" | "max";
export type PropertyAggregationFunction = Exclude<AggregationFunction, "count">;

export type Aggregation = { func: "count" } | { func: PropertyAggregationFunction; property: string };

/** Properties that read event columns instead of metadata keys (spec §4.3). */
export const BUILT_IN_PROPERTIES = ["name", "source", "timestamp"] as const;
export type BuiltInProperty = (typeof BUILT_IN_PROPERTIES)[number];

const METADATA_PREFIX = "metadata.";

/** `metadata.x` → `x`, once, as Polar does at validation time; the stripped form is stored. */
export function stripMetadataPrefix(property: string): string {
  return property.startsWith(METADATA_PREFIX) ? property.slice(METADATA_PREFIX.length) : property;
}
