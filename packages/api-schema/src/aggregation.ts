import { z } from "zod";

export const CountAggregation = z.object({ func: z.literal("count") });
export type CountAggregation = z.infer<typeof CountAggregation>;

export const PropertyAggregation = z.object({ func: z.enum(["sum", "max", "min", "avg"]), property: z.string() });
export type PropertyAggregation = z.infer<typeof PropertyAggregation>;

export const Aggregation = z.discriminatedUnion("func", [CountAggregation, PropertyAggregation]);
export type Aggregation = z.infer<typeof Aggregation>;
