/**
 * A validation error before it has a location: pydantic's `type`, `msg`, `ctx` and the offending
 * input. The messages are pydantic-core's, word for word, because Polar answers with them.
 */
export interface PyError {
  type: string;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** pydantic's rendering of an expected-values list: `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`. */
export function formatExpected(values: readonly (string | number | boolean)[]): string {
  const shown = values.map((value) => (typeof value === "string" ? `'${value}'` : String(value)));
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`;
}

export const pyError = {
  missing: (input?: unknown): PyError => ({ type: "missing", msg: "Field required", input }),
  modelAttributesType: (input: unknown): PyError => ({
    type: "model_attributes_type",
    msg: "Input should be a valid dictionary or object to extract fields from",
    input,
  }),
  dictType: (input: unknown): PyError => ({ type: "dict_type", msg: "Input should be a valid dictionary", input }),
  listType: (input: unknown): PyError => ({ type: "list_type", msg: "Input should be a valid list", input }),
  tupleType: (input: unknown): PyError => ({ type: "tuple_type", msg: "Input should be a valid tuple", input }),
  stringType: (input: unknown): PyError => ({ type: "string_type", msg: "Input should be a valid string", input }),
  stringTooShort: (minLength: number, input: unknown): PyError => ({
    type: "string_too_short",
    msg: `String should have at least ${plural(minLength, "character")}`,
    input,
    ctx: { min_length: minLength },
  }),
  stringTooLong: (maxLength: number, input: unknown): PyError => ({
    type: "string_too_long",
    msg: `String should have at most ${plural(maxLength, "character")}`,
    input,
    ctx: { max_length: maxLength },
  }),
  stringPatternMismatch: (pattern: string, input: unknown): PyError => ({
    type: "string_pattern_mismatch",
    msg: `String should match pattern '${pattern}'`,
    input,
    ctx: { pattern },
  }),
  tooShort: (fieldType: string, minLength: number, actualLength: number, input: unknown): PyError => ({
    type: "too_short",
    msg: `${fieldType} should have at least ${plural(minLength, "item")} after validation, not ${actualLength}`,
    input,
    ctx: { field_type: fieldType, min_length: minLength, actual_length: actualLength },
  }),
  tooLong: (fieldType: string, maxLength: number, actualLength: number, input: unknown): PyError => ({
    type: "too_long",
    msg: `${fieldType} should have at most ${plural(maxLength, "item")} after validation, not ${actualLength}`,
    input,
    ctx: { field_type: fieldType, max_length: maxLength, actual_length: actualLength },
  }),
  intType: (input: unknown): PyError => ({ type: "int_type", msg: "Input should be a valid integer", input }),
  intParsing: (input: unknown): PyError => ({
    type: "int_parsing",
    msg: "Input should be a valid integer, unable to parse string as an integer",
    input,
  }),
  intFromFloat: (input: unknown): PyError => ({
    type: "int_from_float",
    msg: "Input should be a valid integer, got a number with a fractional part",
    input,
  }),
  floatType: (input: unknown): PyError => ({ type: "float_type", msg: "Input should be a valid number", input }),
  floatParsing: (input: unknown): PyError => ({
    type: "float_parsing",
    msg: "Input should be a valid number, unable to parse string as a number",
    input,
  }),
  boolType: (input: unknown): PyError => ({ type: "bool_type", msg: "Input should be a valid boolean", input }),
  boolParsing: (input: unknown): PyError => ({
    type: "bool_parsing",
    msg: "Input should be a valid boolean, unable to interpret input",
    input,
  }),
  greaterThan: (gt: number | string, input: unknown): PyError => ({
    type: "greater_than",
    msg: `Input should be greater than ${gt}`,
    input,
    ctx: { gt },
  }),
  greaterThanEqual: (ge: number | string, input: unknown): PyError => ({
    type: "greater_than_equal",
    msg: `Input should be greater than or equal to ${ge}`,
    input,
    ctx: { ge },
  }),
  lessThan: (lt: number | string, input: unknown): PyError => ({
    type: "less_than",
    msg: `Input should be less than ${lt}`,
    input,
    ctx: { lt },
  }),
  lessThanEqual: (le: number | string, input: unknown): PyError => ({
    type: "less_than_equal",
    msg: `Input should be less than or equal to ${le}`,
    input,
    ctx: { le },
  }),
  enum: (values: readonly (string | number | boolean)[], input: unknown): PyError => {
    const expected = formatExpected(values);
    return { type: "enum", msg: `Input should be ${expected}`, input, ctx: { expected } };
  },
  literal: (values: readonly (string | number | boolean)[], input: unknown): PyError => {
    const expected = formatExpected(values);
    return { type: "literal_error", msg: `Input should be ${expected}`, input, ctx: { expected } };
  },
  uuidType: (input: unknown): PyError => ({
    type: "uuid_type",
    msg: "UUID input should be a string, bytes or UUID object",
    input,
  }),
  uuidParsing: (error: string, input: unknown): PyError => ({
    type: "uuid_parsing",
    msg: `Input should be a valid UUID, ${error}`,
    input,
    ctx: { error },
  }),
  uuidVersion: (expectedVersion: number, input: unknown): PyError => ({
    type: "uuid_version",
    msg: `UUID version ${expectedVersion} expected`,
    input,
    ctx: { expected_version: expectedVersion },
  }),
  datetimeType: (input: unknown): PyError => ({
    type: "datetime_type",
    msg: "Input should be a valid datetime",
    input,
  }),
  datetimeParsing: (error: string, input: unknown): PyError => ({
    type: "datetime_parsing",
    msg: `Input should be a valid datetime, ${error}`,
    input,
    ctx: { error },
  }),
  datetimeFromDateParsing: (error: string, input: unknown): PyError => ({
    type: "datetime_from_date_parsing",
    msg: `Input should be a valid datetime or date, ${error}`,
    input,
    ctx: { error },
  }),
  timezoneAware: (input: unknown): PyError => ({
    type: "timezone_aware",
    msg: "Input should have timezone info",
    input,
  }),
  urlType: (input: unknown): PyError => ({ type: "url_type", msg: "URL input should be a string or URL", input }),
  urlParsing: (error: string, input: unknown): PyError => ({
    type: "url_parsing",
    msg: `Input should be a valid URL, ${error}`,
    input,
    ctx: { error },
  }),
  urlScheme: (schemes: readonly string[], input: unknown): PyError => {
    const expectedSchemes = formatExpected(schemes);
    return {
      type: "url_scheme",
      msg: `URL scheme should be ${expectedSchemes}`,
      input,
      ctx: { expected_schemes: expectedSchemes },
    };
  },
  urlTooLong: (maxLength: number, input: unknown): PyError => ({
    type: "url_too_long",
    msg: `URL should have at most ${plural(maxLength, "character")}`,
    input,
    ctx: { max_length: maxLength },
  }),
  unionTagNotFound: (discriminator: string, input: unknown): PyError => ({
    type: "union_tag_not_found",
    msg: `Unable to extract tag using discriminator '${discriminator}'`,
    input,
    ctx: { discriminator: `'${discriminator}'` },
  }),
  unionTagInvalid: (discriminator: string, tag: string, tags: readonly string[], input: unknown): PyError => {
    const expectedTags = tags.map((value) => `'${value}'`).join(", ");
    return {
      type: "union_tag_invalid",
      msg: `Input tag '${tag}' found using '${discriminator}' does not match any of the expected tags: ${expectedTags}`,
      input,
      ctx: { discriminator: `'${discriminator}'`, tag, expected_tags: expectedTags },
    };
  },
  jsonInvalid: (error: string, input: unknown): PyError => ({
    type: "json_invalid",
    msg: `Invalid JSON: ${error}`,
    input,
    ctx: { error },
  }),
  /**
   * A `ValueError` raised by a validator. FastAPI's JSON encoder turns the exception kept in
   * `ctx.error` into `{}`, so that is what Polar sends.
   */
  valueError: (message: string, input: unknown): PyError => ({
    type: "value_error",
    msg: `Value error, ${message}`,
    input,
    ctx: { error: {} },
  }),
  /** pydantic's `PydanticCustomError`: the message is used as is, with no "Value error," prefix. */
  custom: (type: string, msg: string, input: unknown, ctx?: Record<string, unknown>): PyError =>
    ctx === undefined ? { type, msg, input } : { type, msg, input, ctx },
} as const;
