import { z } from "zod";
import { Customer } from "./customer.js";
import { DateTimeString } from "./date-time-string.js";
import { Meter } from "./meter.js";

/** A customer's current window on one meter; `balance` = credited − consumed and may be negative. */
export const CustomerMeter = z.object({
  id: z.string(),
  created_at: DateTimeString,
  modified_at: DateTimeString.nullable(),
  customer_id: z.string(),
  meter_id: z.string(),
  consumed_units: z.number(),
  credited_units: z.number().int(),
  balance: z.number(),
  customer: Customer,
  meter: Meter,
});
export type CustomerMeter = z.infer<typeof CustomerMeter>;
