import {
  FILTER_OPERATORS,
  type Filter,
  type FilterClause,
  type FilterConjunction,
  type FilterValue,
  stripMetadataPrefix,
} from "@meterline/core";
import { z } from "zod";
import { parseInput } from "./parse-input.js";
import { pyEnum } from "./py-enum.js";
import { type PyError, pyError } from "./py-error.js";
import { INVALID, pySchema, type Report } from "./py-schema.js";
import { checkPyString, pyString } from "./py-string.js";

/** Later Polar's cap on string clause values (September 2025). */
export const FILTER_STRING_MAX_LENGTH = 1000;
/**
 * Integer clause values must survive a JSON round trip through the SDK and a double comparison,
 * so they stay within the exactly representable range.
 */
export const FILTER_INTEGER_LIMIT = Number.MAX_SAFE_INTEGER;
export const FILTER_CONJUNCTIONS: readonly FilterConjunction[] = ["and", "or"];

/**
 * `value: constr(max_length=1000) | conint(±2^53−1) | bool` as a pydantic smart union in JSON mode:
 * the JSON type decides, an integral float (`10.0`, which JSON.parse already made 10) is an
 * integer, and when nothing fits every member's error is reported under its tag.
 */
function checkFilterValue(input: unknown, report: Report): FilterValue | typeof INVALID {
  if (input === undefined) {
    report(pyError.missing());
    return INVALID;
  }
  if (typeof input === "boolean") return input;
  const errors: [string, PyError][] = [];
  if (typeof input === "string") {
    const text = checkPyString(input, { maxLength: FILTER_STRING_MAX_LENGTH });
    if (text.ok) return text.value;
    errors.push(
      ["constrained-str", text.error],
      ["constrained-int", pyError.intParsing(input)],
      ["bool", pyError.boolParsing(input)],
    );
  } else if (typeof input === "number") {
    if (Number.isInteger(input) && Math.abs(input) <= FILTER_INTEGER_LIMIT) return input;
    const intError = !Number.isInteger(input)
      ? pyError.intFromFloat(input)
      : input > 0
        ? pyError.lessThanEqual(FILTER_INTEGER_LIMIT, input)
        : pyError.greaterThanEqual(-FILTER_INTEGER_LIMIT, input);
    errors.push(
      ["constrained-str", pyError.stringType(input)],
      ["constrained-int", intError],
      ["bool", pyError.boolParsing(input)],
    );
  } else {
    errors.push(
      ["constrained-str", pyError.stringType(input)],
      ["constrained-int", pyError.intType(input)],
      ["bool", pyError.boolType(input)],
    );
  }
  for (const [tag, error] of errors) report(error, [tag]);
  return INVALID;
}

/** One `{property, operator, value}` clause; the stored property has its `metadata.` prefix stripped once. */
export const FilterClauseInput = z
  .object({
    property: pyString(),
    operator: pyEnum(FILTER_OPERATORS),
    value: pySchema(checkFilterValue, {
      anyOf: [
        { type: "string", maxLength: FILTER_STRING_MAX_LENGTH },
        { type: "integer", minimum: -FILTER_INTEGER_LIMIT, maximum: FILTER_INTEGER_LIMIT },
        { type: "boolean" },
      ],
    }),
  })
  .transform((clause): FilterClause => ({ ...clause, property: stripMetadataPrefix(clause.property) }));
export type FilterClauseInput = FilterClause;

/**
 * A clause is `Filter | FilterClause` without a discriminator: the first member that validates
 * wins, and when neither does both members' errors are reported under `Filter` / `FilterClause`.
 */
function checkClause(input: unknown, report: Report): Filter | FilterClause | typeof INVALID {
  const asFilter = parseInput(FilterInput, input, []);
  if (asFilter.ok) return asFilter.value;
  const asClause = parseInput(FilterClauseInput, input, []);
  if (asClause.ok) return asClause.value;
  for (const { loc, ...error } of asFilter.detail) report(error, ["Filter", ...loc]);
  for (const { loc, ...error } of asClause.detail) report(error, ["FilterClause", ...loc]);
  return INVALID;
}

/** A meter or event-list filter: `{conjunction, clauses}`, nested to any depth. */
export const FilterInput: z.ZodType<Filter, unknown> = z.object({
  conjunction: pyEnum(FILTER_CONJUNCTIONS),
  clauses: z.array(
    pySchema(checkClause, {
      type: "object",
      description: "A nested filter `{conjunction, clauses}` or a clause `{property, operator, value}`.",
    }),
  ),
});
export type FilterInput = Filter;
