import { FILTER_OPERATORS } from "@meterline/core";
import { z } from "zod";

export const FilterOperator = z.enum(FILTER_OPERATORS);
export type FilterOperator = z.infer<typeof FilterOperator>;

export const FilterConjunction = z.enum(["and", "or"]);
export type FilterConjunction = z.infer<typeof FilterConjunction>;

/** SDK 0.32.16 only round-trips integer numbers in clause values. */
export const FilterClause = z.object({
  property: z.string(),
  operator: FilterOperator,
  value: z.union([z.string(), z.number().int(), z.boolean()]),
});
export type FilterClause = z.infer<typeof FilterClause>;

export const Filter = z.object({
  conjunction: FilterConjunction,
  get clauses(): z.ZodArray<z.ZodUnion<[typeof Filter, typeof FilterClause]>> {
    return z.array(z.union([Filter, FilterClause]));
  },
});
export type Filter = z.infer<typeof Filter>;
