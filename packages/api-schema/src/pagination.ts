import { z } from "zod";

/** `max_page` = ceil(total_count / effective limit), 0 for an empty list; the SDK pages on it. */
export const Pagination = z.object({
  total_count: z.number().int(),
  max_page: z.number().int(),
});
export type Pagination = z.infer<typeof Pagination>;
