import { pyError } from "./py-error.js";
import { type CheckResult, pyScalar } from "./py-schema.js";

const TRUE_TEXT = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE_TEXT = new Set(["0", "off", "f", "false", "n", "no"]);

/** pydantic's lax `bool`: also `0`/`1` and the words the SDK and browsers send in query strings. */
export function checkPyBool(input: unknown): CheckResult<boolean> {
  if (typeof input === "boolean") return { ok: true, value: input };
  if (typeof input === "number") {
    if (input === 0 || input === 1) return { ok: true, value: input === 1 };
    return { ok: false, error: pyError.boolParsing(input) };
  }
  if (typeof input === "string") {
    const text = input.toLowerCase();
    if (TRUE_TEXT.has(text)) return { ok: true, value: true };
    if (FALSE_TEXT.has(text)) return { ok: true, value: false };
    return { ok: false, error: pyError.boolParsing(input) };
  }
  return { ok: false, error: pyError.boolType(input) };
}

export const pyBool = () => pyScalar(checkPyBool, { type: "boolean" });
