import { pyError } from "./py-error.js";
import { type CheckResult, pyScalar } from "./py-schema.js";

const HEX_32 = /^[0-9a-fA-F]{32}$/;
const HYPHENATED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const URN_PREFIX = "urn:uuid:";
const GROUP_STARTS = [0, 9, 14, 19, 24] as const;
const GROUP_LENGTHS = [8, 4, 4, 4, 12] as const;

/** The 32 hex digits of a UUID in any form pydantic accepts (simple, hyphenated, braced, URN), or null. */
function hexDigits(text: string): string | null {
  if (HEX_32.test(text)) return text;
  let body = text;
  if (text.length === 38 && text.startsWith("{") && text.endsWith("}")) body = text.slice(1, -1);
  else if (text.length === 45 && text.startsWith(URN_PREFIX)) body = text.slice(URN_PREFIX.length);
  return HYPHENATED.test(body) ? body.replaceAll("-", "") : null;
}

const utf8 = new TextEncoder();

/**
 * Why `text` is not a UUID, in the words of the Rust `uuid` crate that pydantic-core uses, so a
 * client sees the same `ctx.error` as from Polar.
 */
export function describeUuidError(text: string): string {
  let body = text;
  let offset = 0;
  let simple = true;
  if (text.length >= 2 && text.startsWith("{") && text.endsWith("}")) {
    body = text.slice(1, -1);
    offset = 1;
    simple = false;
  } else if (text.startsWith(URN_PREFIX)) {
    body = text.slice(URN_PREFIX.length);
    offset = URN_PREFIX.length;
    simple = false;
  }
  const hyphens: number[] = [];
  let byteIndex = 0;
  for (const character of body) {
    if (character === "-") hyphens.push(byteIndex);
    else if (!/^[0-9a-fA-F]$/.test(character)) {
      return `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${character}\` at ${byteIndex + offset + 1}`;
    }
    byteIndex += utf8.encode(character).length;
  }
  if (hyphens.length === 0 && simple)
    return `invalid length: expected length 32 for simple format, found ${utf8.encode(text).length}`;
  if (hyphens.length !== 4) return `invalid group count: expected 5, found ${hyphens.length + 1}`;
  for (let group = 0; group < 4; group++) {
    const hyphen = hyphens[group]!;
    const start = GROUP_STARTS[group]!;
    if (hyphen !== GROUP_STARTS[group + 1]! - 1) {
      return `invalid group length in group ${group}: expected ${GROUP_LENGTHS[group]}, found ${hyphen - start}`;
    }
  }
  return `invalid group length in group 4: expected 12, found ${byteIndex - GROUP_STARTS[4]}`;
}

/**
 * Polar's `UUID4` type: any UUID notation parses, then the version nibble must be 4. The value
 * comes back canonical (lowercase, hyphenated) so ids compare as strings.
 */
export function checkUuid4(input: unknown): CheckResult<string> {
  if (typeof input !== "string") return { ok: false, error: pyError.uuidType(input) };
  const hex = hexDigits(input);
  if (hex === null) return { ok: false, error: pyError.uuidParsing(describeUuidError(input), input) };
  if (hex[12] !== "4") return { ok: false, error: pyError.uuidVersion(4, input) };
  const lower = hex.toLowerCase();
  return {
    ok: true,
    value: `${lower.slice(0, 8)}-${lower.slice(8, 12)}-${lower.slice(12, 16)}-${lower.slice(16, 20)}-${lower.slice(20)}`,
  };
}

export const uuid4 = pyScalar(checkUuid4, { type: "string", format: "uuid4" });
