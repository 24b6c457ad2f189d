import { tzOffset } from "@date-fns/tz";
import { DomainError } from "../errors/domain-error.js";

/**
 * Wall time: the local date and clock reading in a zone, encoded as milliseconds since
 * 1970-01-01T00:00 of that same clock. Calendar fields are read with the `getUTC*` accessors,
 * so calendar arithmetic never touches the process time zone.
 */
export type WallTime = number;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** UTC offset of `zone` at `instant`, in milliseconds (east positive). */
export function offsetAt(zone: string, instant: number): number {
  const minutes = tzOffset(zone, new Date(instant));
  if (Number.isNaN(minutes)) {
    throw new DomainError("INVALID_TIME_ZONE", "invalid", `Unknown time zone: ${zone}`, {
      loc: ["query", "timezone"],
      input: zone,
    });
  }
  // Historic local mean times carry seconds, which tzOffset returns as fractional minutes.
  return Math.round(minutes * 60_000);
}

export function toWallTime(zone: string, instant: number): WallTime {
  return instant + offsetAt(zone, instant);
}

/**
 * The first instant in (`after`, `until`] whose offset differs from the offset at `after`.
 * The caller guarantees exactly one offset change in that range.
 */
export function firstOffsetChange(zone: string, after: number, until: number): number {
  const before = offsetAt(zone, after);
  let low = after;
  let high = until;
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2);
    if (offsetAt(zone, middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

/**
 * How a wall time that does not name exactly one instant is resolved:
 * - `period-start`: the earliest instant showing that wall time; in a gap, the first instant after
 *   the gap. Periods then start at their first real instant, so no instant precedes its period.
 * - `step`: PostgreSQL's rule for `timestamptz + interval`: an ambiguous time takes the offset
 *   after the transition, a skipped time the offset before it (so 02:30 in a 02:00→03:00 gap
 *   becomes 03:30).
 */
export type WallResolution = "period-start" | "step";

export function resolveWallTime(zone: string, wall: WallTime, resolution: WallResolution): number {
  // Offsets a day either side bracket every instant showing this wall time (offsets stay within
  // ±14 h), assuming at most one transition in that window, which holds for every real zone.
  const offsetBefore = offsetAt(zone, wall - DAY_MS);
  const offsetAfter = offsetAt(zone, wall + DAY_MS);
  const matches = [wall - offsetBefore, wall - offsetAfter]
    .filter((instant) => toWallTime(zone, instant) === wall)
    .sort((a, b) => a - b);
  const earliest = matches[0];
  const latest = matches[matches.length - 1];
  if (earliest !== undefined && latest !== undefined) return resolution === "period-start" ? earliest : latest;
  if (resolution === "step") return wall - offsetBefore;
  return firstOffsetChange(zone, wall - offsetAfter, wall - offsetBefore);
}

/**
 * Wall time of a calendar date plus a time of day. Overflowing fields roll over (day 32 of
 * January is February 1). `setUTCFullYear` is used because `Date.UTC` maps years 0–99 to 19xx.
 */
export function wallTimeOf(year: number, month: number, day: number, timeOfDay = 0): WallTime {
  return new Date(0).setUTCFullYear(year, month, day) + timeOfDay;
}

/** Days in `month` (0-based) of `year`, proleptic Gregorian. */
export function daysInMonth(year: number, month: number): number {
  return new Date(wallTimeOf(year, month + 1, 0)).getUTCDate();
}
