import { z } from "zod";
import { DateTimeString } from "./date-time-string.js";

/** One bucket, labelled with its series point (not necessarily the period start). */
export const MeterQuantity = z.object({ timestamp: DateTimeString, quantity: z.number() });
export type MeterQuantity = z.infer<typeof MeterQuantity>;

/** `total` is one aggregation over the whole truncated range, not the sum of the buckets. */
export const MeterQuantities = z.object({ quantities: z.array(MeterQuantity), total: z.number() });
export type MeterQuantities = z.infer<typeof MeterQuantities>;
