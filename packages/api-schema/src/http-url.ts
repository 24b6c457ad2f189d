import { pyError } from "./py-error.js";
import { type CheckResult, pyScalar } from "./py-schema.js";

const MAX_URL_LENGTH = 2083;
const SCHEMES = ["http", "https"] as const;

/** pydantic's `HttpUrl`: absolute, http or https, at most 2083 characters; returned normalized. */
export function checkHttpUrl(input: unknown): CheckResult<string> {
  if (typeof input !== "string") return { ok: false, error: pyError.urlType(input) };
  if (input.length > MAX_URL_LENGTH) return { ok: false, error: pyError.urlTooLong(MAX_URL_LENGTH, input) };
  if (input === "") return { ok: false, error: pyError.urlParsing("input is empty", input) };
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, error: pyError.urlParsing("relative URL without a base", input) };
  }
  if (!(SCHEMES as readonly string[]).includes(url.protocol.slice(0, -1))) {
    return { ok: false, error: pyError.urlScheme(SCHEMES, input) };
  }
  if (url.hostname === "") return { ok: false, error: pyError.urlParsing("empty host", input) };
  return { ok: true, value: url.href };
}

export const httpUrl = pyScalar(checkHttpUrl, {
  type: "string",
  format: "uri",
  minLength: 1,
  maxLength: MAX_URL_LENGTH,
});
