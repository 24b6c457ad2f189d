import type { z } from "zod";
import { type PyError, pyError } from "./py-error.js";
import type { PyIssueParams } from "./py-schema.js";
import type { Loc, ValidationErrorItem } from "./validation-error-item.js";

type Issue = z.core.$ZodIssue;

/**
 * Turns zod issues into Polar's pydantic-style detail items, each located under `locPrefix`.
 * Pass `root` (the value that was parsed) so a missing field reports its parent object as
 * `input`, as pydantic does; parse with `{ reportInput: true }` so the other items carry theirs.
 * zod checks "is a number" before "is an integer", so a string sent to `z.int()` maps to
 * `float_parsing`; fields that need pydantic's lax integers use `pyInt`.
 */
export function toValidationDetail(issues: readonly Issue[], locPrefix: Loc, root?: unknown): ValidationErrorItem[] {
  const items: ValidationErrorItem[] = [];
  for (const issue of issues) collect(issue, [], locPrefix, root, items);
  return items;
}

function collect(issue: Issue, basePath: Loc, locPrefix: Loc, root: unknown, items: ValidationErrorItem[]): void {
  const path = [...basePath, ...issue.path.map(toLocPart)];
  switch (issue.code) {
    case "invalid_union":
      // zod keeps every branch's issues; pydantic reports all branches too.
      for (const branch of issue.errors) for (const nested of branch) collect(nested, path, locPrefix, root, items);
      return;
    case "invalid_key":
      for (const nested of issue.issues) collect(nested, [...path, "[key]"], locPrefix, root, items);
      return;
    case "invalid_element":
      for (const nested of issue.issues) collect(nested, path, locPrefix, root, items);
      return;
    case "unrecognized_keys":
      for (const key of issue.keys) {
        items.push(
          item(
            { type: "extra_forbidden", msg: "Extra inputs are not permitted", input: undefined },
            [...path, key],
            locPrefix,
            root,
          ),
        );
      }
      return;
    default:
      items.push(item(toPyError(issue), path, locPrefix, root));
  }
}

function item(error: PyError, path: Loc, locPrefix: Loc, root: unknown): ValidationErrorItem {
  let input = error.input;
  if (input === undefined && error.type === "missing" && root !== undefined) input = valueAt(root, path.slice(0, -1));
  const result: ValidationErrorItem = {
    type: error.type,
    loc: [...locPrefix, ...path],
    msg: error.msg,
    input: input ?? null,
  };
  if (error.ctx !== undefined) result.ctx = error.ctx;
  return result;
}

function toLocPart(part: PropertyKey): string | number {
  return typeof part === "number" ? part : String(part);
}

function valueAt(root: unknown, path: Loc): unknown {
  let current = root;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

function isMissing(issue: Issue): boolean {
  if (issue.input !== undefined) return false;
  // Without `reportInput` zod drops `input` everywhere; its default message still names undefined.
  return "input" in issue || issue.message.endsWith("received undefined");
}

function toPyError(issue: Issue): PyError {
  const input = issue.input;
  switch (issue.code) {
    case "custom": {
      const params = issue.params as Partial<PyIssueParams> | undefined;
      if (params?.pydantic) return params.pydantic;
      if (isMissing(issue)) return pyError.missing();
      return pyError.valueError(issue.message, input);
    }
    case "invalid_type":
      if (isMissing(issue) || issue.expected === "nonoptional") return pyError.missing();
      return invalidType(issue.expected, input);
    case "too_small":
      return tooSmall(issue, input);
    case "too_big":
      return tooBig(issue, input);
    case "invalid_value": {
      const values = issue.values.filter((value): value is string | number | boolean =>
        ["string", "number", "boolean"].includes(typeof value),
      );
      return values.length === 1 ? pyError.literal(values, input) : pyError.enum(values, input);
    }
    case "invalid_format":
      switch (issue.format) {
        case "regex":
          return pyError.stringPatternMismatch(issue.pattern ?? "", input);
        case "url":
          return pyError.urlParsing("invalid URL", input);
        case "datetime":
          return pyError.datetimeParsing("invalid datetime", input);
        default:
          return pyError.valueError(issue.message, input);
      }
    case "not_multiple_of":
      return pyError.custom("multiple_of", `Input should be a multiple of ${issue.divisor}`, input, {
        multiple_of: issue.divisor,
      });
    default:
      return pyError.valueError(issue.message, input);
  }
}

function invalidType(expected: string, input: unknown): PyError {
  switch (expected) {
    case "string":
      return pyError.stringType(input);
    case "number":
      return typeof input === "string" ? pyError.floatParsing(input) : pyError.floatType(input);
    case "int":
      if (typeof input === "number")
        return Number.isInteger(input) ? pyError.intType(input) : pyError.intFromFloat(input);
      return typeof input === "string" ? pyError.intParsing(input) : pyError.intType(input);
    case "boolean":
      return typeof input === "string" || typeof input === "number"
        ? pyError.boolParsing(input)
        : pyError.boolType(input);
    case "object":
      return pyError.modelAttributesType(input);
    case "record":
    case "map":
      return pyError.dictType(input);
    case "array":
    case "set":
      return pyError.listType(input);
    case "tuple":
      return pyError.tupleType(input);
    case "date":
      return pyError.datetimeType(input);
    default:
      return pyError.custom(`${expected}_type`, `Input should be a valid ${expected}`, input);
  }
}

function tooSmall(issue: Extract<Issue, { code: "too_small" }>, input: unknown): PyError {
  const minimum = Number(issue.minimum);
  switch (issue.origin) {
    case "string":
      return pyError.stringTooShort(minimum, input);
    case "array":
    case "set":
      return pyError.tooShort("List", minimum, lengthOf(input), input);
    default:
      return issue.inclusive === false ? pyError.greaterThan(minimum, input) : pyError.greaterThanEqual(minimum, input);
  }
}

function tooBig(issue: Extract<Issue, { code: "too_big" }>, input: unknown): PyError {
  const maximum = Number(issue.maximum);
  switch (issue.origin) {
    case "string":
      return pyError.stringTooLong(maximum, input);
    case "array":
    case "set":
      return pyError.tooLong("List", maximum, lengthOf(input), input);
    default:
      return issue.inclusive === false ? pyError.lessThan(maximum, input) : pyError.lessThanEqual(maximum, input);
  }
}

function lengthOf(input: unknown): number {
  return Array.isArray(input) ? input.length : 0;
}
