import { checkPyInt } from "./py-int.js";
import { lastQueryValue, pushQueryError, type QueryInput } from "./query-values.js";
import type { ValidationErrorItem } from "./validation-error-item.js";

export const DEFAULT_PAGE_LIMIT = 10;
export const MAX_PAGE_LIMIT = 100;

export interface PageRequest {
  page: number;
  /** Already clamped to `MAX_PAGE_LIMIT`; compute `max_page` with this value. */
  limit: number;
}

function parsePositive(query: QueryInput, key: string, fallback: number, errors: ValidationErrorItem[]): number {
  const text = lastQueryValue(query, key);
  if (text === undefined) return fallback;
  const parsed = checkPyInt(text, { gt: 0 });
  if (parsed.ok) return parsed.value;
  pushQueryError(errors, [key], parsed.error);
  return fallback;
}

/** `page` (> 0, default 1) and `limit` (> 0, default 10, above 100 silently clamped to 100). */
export function parsePagination(query: QueryInput, errors: ValidationErrorItem[]): PageRequest {
  const page = parsePositive(query, "page", 1, errors);
  const limit = Math.min(parsePositive(query, "limit", DEFAULT_PAGE_LIMIT, errors), MAX_PAGE_LIMIT);
  return { page, limit };
}

/** Rows to skip for a page. */
export function pageOffset({ page, limit }: PageRequest): number {
  return (page - 1) * limit;
}
