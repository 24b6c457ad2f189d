import { type QueryInput, queryValues } from "./query-values.js";

/** A list filter of free strings (`?external_customer_id=a&external_customer_id=b`, OR-ed). */
export function parseMultiString(query: QueryInput, key: string): string[] {
  return queryValues(query, key);
}
