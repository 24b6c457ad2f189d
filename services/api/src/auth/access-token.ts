import { createHash, randomInt } from "node:crypto";
import { crc32 } from "node:zlib";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_LENGTH = 37;

export type TokenPrefix = "polar_oat_" | "polar_pat_";

function base62(value: number, width: number): string {
  let out = "";
  let rest = value;
  while (rest > 0) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, "0");
}

/**
 * Polar's token shape: prefix + 37 random letters/digits + the CRC32 of those 37 characters in
 * 6 base-62 digits. The checksum lets secret scanners tell a real token from noise; the server
 * treats tokens as opaque.
 */
export function generateAccessToken(prefix: TokenPrefix): string {
  let random = "";
  for (let i = 0; i < RANDOM_LENGTH; i++) random += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}${random}${base62(crc32(random) >>> 0, 6)}`;
}

/** Tokens are long random strings, so a plain SHA-256 is enough to keep them unreadable at rest. */
export function hashAccessToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Whether a caller-supplied token (e.g. METERLINE_BOOTSTRAP_TOKEN) has the right shape. */
export function isWellFormedAccessToken(token: string, prefix: TokenPrefix): boolean {
  if (!token.startsWith(prefix)) return false;
  const body = token.slice(prefix.length);
  if (body.length !== RANDOM_LENGTH + 6 || !/^[0-9A-Za-z]+$/.test(body)) return false;
  const random = body.slice(0, RANDOM_LENGTH);
  return body.slice(RANDOM_LENGTH) === base62(crc32(random) >>> 0, 6);
}
