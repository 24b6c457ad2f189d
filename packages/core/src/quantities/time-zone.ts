/** Quantities are computed in UTC unless the query names a zone (ARCHITECTURE §7). */
export const DEFAULT_QUANTITIES_TIME_ZONE = "UTC";

const OFFSET_LIKE = /^[+-]/;

/**
 * Whether `name` is an IANA time zone the runtime knows ("UTC" included). Intl matches names
 * case-insensitively and accepts aliases (`US/Eastern`). Offset strings (`+02:00`) are rejected
 * even on runtimes whose Intl accepts them, since they are not IANA names and carry no DST rules.
 */
export function isValidTimeZone(name: string): boolean {
  if (name.length === 0 || OFFSET_LIKE.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
