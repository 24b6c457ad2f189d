import type { QueryParameterDoc } from "@meterline/api";
import { z } from "zod";

/** The OpenAPI entries every paged, sorted list shares. */
export const PAGE_QUERY_DOCS: QueryParameterDoc[] = [
  { name: "page", schema: z.int().positive() },
  { name: "limit", schema: z.int().positive() },
  { name: "sorting", schema: z.array(z.string()) },
];

export const METADATA_QUERY_DOC: QueryParameterDoc = {
  name: "metadata",
  schema: z.record(z.string(), z.string()),
  style: "deepObject",
};

/** `metadata[key]=value` filters, or undefined when none was given. */
export function metadataFilter(metadata: Record<string, string[]>): Record<string, string[]> | undefined {
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

/** A multi-value filter: undefined when absent, so the repository applies no condition. */
export function listFilter<T>(values: T[]): T[] | undefined {
  return values.length > 0 ? values : undefined;
}

export const BY_ID_DOCS = { params: { id: z.uuid() } };
