import { z } from "zod";
import { DateTimeString } from "./date-time-string.js";

/** One entry of `active_meters`. `id` is sent as Polar's server does; SDK 0.32.16 strips it. */
export const CustomerStateMeter = z.object({
  id: z.string(),
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  meter_id: z.string(),
  consumed_units: z.number(),
  credited_units: z.number().int(),
  balance: z.number(),
});
export type CustomerStateMeter = z.infer<typeof CustomerStateMeter>;
