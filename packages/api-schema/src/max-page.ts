/** Number of pages for `total` rows at the effective (clamped) `limit`; 0 for an empty list. */
export function maxPage(total: number, limit: number): number {
  return limit > 0 ? Math.ceil(total / limit) : 0;
}
