import { pyError } from "./py-error.js";
import { type CheckResult, pyScalar } from "./py-schema.js";

/** Above this absolute value a Unix time is read as milliseconds (pydantic/speedate rule). */
const MILLISECONDS_THRESHOLD = 2e10;
const EARLIEST_UNIX_MS = Date.UTC(1600, 0, 1);
const LATEST_UNIX_MS = Date.UTC(10000, 0, 1) - 1;
const NUMBER_TEXT = /^[+-]?\d+(\.\d+)?$/;
const DIGITS = /^\d+$/;

type Step<T> = { ok: true; value: T } | { ok: false; error: string };

interface DatePart {
  year: number;
  month: number;
  day: number;
}

interface TimePart {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** Minutes east of UTC, or null for a naive time. */
  offset: number | null;
}

function fail<T>(error: string): Step<T> {
  return { ok: false, error };
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!;
}

function parseDatePart(text: string): Step<DatePart> {
  if (text.length < 10) return fail("input is too short");
  if (!DIGITS.test(text.slice(0, 4))) return fail("invalid character in year");
  if (text[4] !== "-") return fail("invalid date separator, expected `-`");
  if (!DIGITS.test(text.slice(5, 7))) return fail("invalid character in month");
  if (text[7] !== "-") return fail("invalid date separator, expected `-`");
  if (!DIGITS.test(text.slice(8, 10))) return fail("invalid character in day");
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (month < 1 || month > 12) return fail("month value is outside expected range of 1-12");
  if (day < 1 || day > daysInMonth(year, month)) return fail("day value is outside expected range");
  return { ok: true, value: { year, month, day } };
}

function twoDigits(text: string, at: number): number | null {
  const slice = text.slice(at, at + 2);
  return slice.length === 2 && DIGITS.test(slice) ? Number(slice) : null;
}

/** Parses what follows the date: `THH:MM[:SS[.ffffff]][Z|±HH[:]MM|±HH]`. */
function parseTimePart(text: string): Step<TimePart> {
  if (!["T", "t", "_", " "].includes(text[0] ?? ""))
    return fail("invalid datetime separator, expected `T`, `t`, `_` or space");
  if (text.length < 6) return fail("input is too short");
  const hour = twoDigits(text, 1);
  if (hour === null) return fail("invalid character in hour");
  if (hour > 23) return fail("hour value is outside expected range of 0-23");
  if (text[3] !== ":") return fail("invalid time separator, expected `:`");
  const minute = twoDigits(text, 4);
  if (minute === null) return fail("invalid character in minute");
  if (minute > 59) return fail("minute value is outside expected range of 0-59");
  let position = 6;
  let second = 0;
  let millisecond = 0;
  if (text[position] === ":") {
    const parsed = twoDigits(text, position + 1);
    if (parsed === null) return fail("invalid character in second");
    if (parsed > 59) return fail("second value is outside expected range of 0-59");
    second = parsed;
    position += 3;
    if (text[position] === "." || text[position] === ",") {
      const fraction = /^\d+/.exec(text.slice(position + 1))?.[0];
      if (fraction === undefined) return fail("second fraction value is missing");
      // pydantic truncates beyond microseconds; a Date keeps milliseconds.
      millisecond = Number(fraction.slice(0, 3).padEnd(3, "0"));
      position += 1 + fraction.length;
    }
  }
  const zone = text.slice(position);
  if (zone === "") return { ok: true, value: { hour, minute, second, millisecond, offset: null } };
  if (zone === "Z" || zone === "z") return { ok: true, value: { hour, minute, second, millisecond, offset: 0 } };
  const sign = zone[0];
  if (sign !== "+" && sign !== "-") return fail("invalid timezone sign");
  const offsetHours = twoDigits(zone, 1);
  if (offsetHours === null) return fail("invalid timezone hour");
  const rest = zone.slice(3);
  let offsetMinutes = 0;
  if (rest !== "") {
    const minutesText = rest.startsWith(":") ? rest.slice(1) : rest;
    if (minutesText.length !== 2 || !DIGITS.test(minutesText)) {
      return minutesText.length > 2
        ? fail("unexpected extra characters at the end of the input")
        : fail("invalid timezone minute");
    }
    offsetMinutes = Number(minutesText);
  }
  if (offsetHours > 23) return fail("timezone offset must be less than 24 hours");
  const offset = (sign === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return { ok: true, value: { hour, minute, second, millisecond, offset } };
}

function fromUnix(value: number, input: unknown): CheckResult<Date> {
  const milliseconds = Math.floor(Math.abs(value) > MILLISECONDS_THRESHOLD ? value : value * 1000);
  if (milliseconds > LATEST_UNIX_MS) {
    return {
      ok: false,
      error: pyError.datetimeParsing("dates after 9999 are not supported as unix timestamps", input),
    };
  }
  if (milliseconds < EARLIEST_UNIX_MS) {
    return {
      ok: false,
      error: pyError.datetimeParsing("dates before 1600 are not supported as unix timestamps", input),
    };
  }
  return { ok: true, value: new Date(milliseconds) };
}

function toDate(date: DatePart, time: TimePart, offset: number): Date {
  const result = new Date(0);
  result.setUTCFullYear(date.year, date.month - 1, date.day);
  result.setUTCHours(time.hour, time.minute, time.second, time.millisecond);
  return new Date(result.getTime() - offset * 60_000);
}

function parseText(input: string): CheckResult<Date> {
  if (NUMBER_TEXT.test(input)) return fromUnix(Number(input), input);
  const date = parseDatePart(input);
  // A bad date part is reported as pydantic's lax fallback to `date` reports it.
  if (!date.ok) return { ok: false, error: pyError.datetimeFromDateParsing(date.error, input) };
  // A bare date is midnight without an offset: naive.
  if (input.length === 10) return { ok: false, error: pyError.timezoneAware(input) };
  const time = parseTimePart(input.slice(10));
  if (!time.ok) return { ok: false, error: pyError.datetimeParsing(time.error, input) };
  if (time.value.offset === null) return { ok: false, error: pyError.timezoneAware(input) };
  return { ok: true, value: toDate(date.value, time.value, time.value.offset) };
}

/**
 * Polar's `AwareDatetime`: ISO 8601 with `Z` or an offset (naive → `timezone_aware`), or Unix time
 * as a number or numeric string (seconds; milliseconds above 2×10^10), read as UTC.
 */
export function checkAwareDateTime(input: unknown): CheckResult<Date> {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { ok: false, error: pyError.datetimeType(input) };
    return fromUnix(input, input);
  }
  if (typeof input === "string") return parseText(input);
  return { ok: false, error: pyError.datetimeType(input) };
}

export const awareDateTime = pyScalar(checkAwareDateTime, { type: "string", format: "date-time" });
