export interface SortSpec<Property extends string> {
  property: Property;
  direction: "asc" | "desc";
}

/**
 * ORDER BY from a closed map of sortable properties. Properties come from the API's allow-list,
 * and the map lookup means nothing else can reach the SQL text.
 */
export function orderBySql<Property extends string>(
  sort: ReadonlyArray<SortSpec<Property>>,
  columns: Record<Property, string>,
  tieBreaker: string,
): string {
  const parts = sort.map((s) => `${columns[s.property]} ${s.direction === "desc" ? "DESC" : "ASC"}`);
  parts.push(tieBreaker);
  return parts.join(", ");
}

export interface Page {
  limit: number;
  offset: number;
}

export function pageSql(page: Page): string {
  return `LIMIT ${Math.trunc(page.limit)} OFFSET ${Math.trunc(page.offset)}`;
}
