import { z } from "zod";
import { Pagination } from "./pagination.js";

/** Polar's list envelope `{items, pagination}` around any item schema. */
export function listResource<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), pagination: Pagination });
}
export type ListResource<Item> = { items: Item[]; pagination: Pagination };
