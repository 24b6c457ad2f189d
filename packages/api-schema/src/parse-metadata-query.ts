import { type QueryInput, queryValues } from "./query-values.js";

const METADATA_KEY = /^metadata\[([^\]]+)\]$/;

/**
 * `?metadata[plan]=pro&metadata[plan]=team&metadata[tier]=1` → `{plan: ["pro","team"], tier: ["1"]}`.
 * Values of one key are OR-ed and keys AND-ed by the caller; values stay text because they are
 * compared with the stored value's text form.
 */
export function parseMetadataQuery(query: QueryInput): Record<string, string[]> {
  const metadata: Record<string, string[]> = {};
  for (const key of Object.keys(query)) {
    const name = METADATA_KEY.exec(key)?.[1];
    if (name === undefined) continue;
    const values = queryValues(query, key);
    if (values.length > 0) metadata[name] = [...(metadata[name] ?? []), ...values];
  }
  return metadata;
}
