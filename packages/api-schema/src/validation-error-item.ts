import { z } from "zod";

/** Where a validation error sits: `body`/`query`/`path` first, then keys, indexes and union tags. */
export const Loc = z.array(z.union([z.string(), z.number().int()]));
export type Loc = z.infer<typeof Loc>;

/**
 * One entry of a 422 `detail` list, shaped like pydantic's error dicts because Polar's clients
 * (and people reading the responses) rely on `type` and `loc`; the SDK requires `loc`, `msg`, `type`.
 */
export const ValidationErrorItem = z.object({
  type: z.string(),
  loc: Loc,
  msg: z.string(),
  input: z.unknown(),
  ctx: z.record(z.string(), z.unknown()).optional(),
});
export type ValidationErrorItem = z.infer<typeof ValidationErrorItem>;
