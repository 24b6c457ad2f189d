import { z } from "zod";
import { Aggregation } from "./aggregation.js";
import { DateTimeString } from "./date-time-string.js";
import { Filter } from "./filter.js";
import { Metadata } from "./metadata.js";

/** A meter as stored: `filter` and `aggregation` properties already have `metadata.` stripped. */
export const Meter = z.object({
  metadata: Metadata,
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  id: z.string(),
  name: z.string(),
  filter: Filter,
  aggregation: Aggregation,
  organization_id: z.string(),
});
export type Meter = z.infer<typeof Meter>;
