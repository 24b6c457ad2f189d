import { DomainError } from "../errors/domain-error.js";
import {
  DAY_MS,
  daysInMonth,
  firstOffsetChange,
  HOUR_MS,
  offsetAt,
  resolveWallTime,
  toWallTime,
  type WallTime,
  wallTimeOf,
} from "./zoned-wall-time.js";

export type QuantityInterval = "hour" | "day" | "week" | "month" | "year";
export const QUANTITY_INTERVALS: readonly QuantityInterval[] = ["year", "month", "week", "day", "hour"];

type CalendarInterval = Exclude<QuantityInterval, "hour">;

/**
 * Start of the calendar period containing `instant`, in `timeZone`: weeks start Monday 00:00,
 * months on day 1, years on January 1. A period starts at its first real instant, so on a day
 * whose midnight is skipped the day starts when the clock jumps, and on a day whose midnight
 * repeats it starts at the first midnight.
 *
 * Hour periods are real hours: they start where the local clock shows a whole hour, and at every
 * offset change, so the repeated hour at fall-back is two periods and no period spans two offsets.
 */
export function periodStart(instant: Date, interval: QuantityInterval, timeZone: string): Date {
  const time = instantTime(instant);
  if (interval === "hour") return new Date(hourPeriodStart(timeZone, time));
  const startWall = calendarPeriodStartWall(toWallTime(timeZone, time), interval);
  return new Date(resolveWallTime(timeZone, startWall, "period-start"));
}

/** Start of the period after the one containing `instant`; the end (exclusive) of its period. */
export function nextPeriodStart(instant: Date, interval: QuantityInterval, timeZone: string): Date {
  const time = instantTime(instant);
  if (interval === "hour") return new Date(nextHourPeriodStart(timeZone, time));
  const startWall = calendarPeriodStartWall(toWallTime(timeZone, time), interval);
  return new Date(resolveWallTime(timeZone, nextCalendarPeriodWall(startWall, interval), "period-start"));
}

/**
 * One series step (spec §5.2): `instant + 1 interval` in calendar arithmetic, keeping the local
 * time of day. Month and year steps clamp to the last day of a shorter month, so a series built by
 * stepping the previous element drifts (01-31 → 02-28 → 03-28). An hour step is 60 real minutes.
 */
export function addQuantityInterval(instant: Date, interval: QuantityInterval, timeZone: string): Date {
  const time = instantTime(instant);
  if (interval === "hour") return new Date(time + HOUR_MS);
  const wall = toWallTime(timeZone, time);
  const date = new Date(wall);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const timeOfDay = modulo(wall, DAY_MS);
  let next: WallTime;
  switch (interval) {
    case "day":
      next = wallTimeOf(year, month, day + 1, timeOfDay);
      break;
    case "week":
      next = wallTimeOf(year, month, day + 7, timeOfDay);
      break;
    case "month":
      next = wallTimeOf(year, month + 1, Math.min(day, daysInMonth(year, month + 1)), timeOfDay);
      break;
    case "year":
      next = wallTimeOf(year + 1, month, Math.min(day, daysInMonth(year + 1, month)), timeOfDay);
      break;
  }
  return new Date(resolveWallTime(timeZone, next, "step"));
}

function instantTime(instant: Date): number {
  const time = instant.getTime();
  if (Number.isNaN(time)) {
    throw new DomainError("INVALID_TIMESTAMP", "invalid", "Invalid timestamp", { loc: ["query"] });
  }
  return time;
}

function calendarPeriodStartWall(wall: WallTime, interval: CalendarInterval): WallTime {
  const date = new Date(wall);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  switch (interval) {
    case "day":
      return wallTimeOf(year, month, date.getUTCDate());
    case "week":
      // getUTCDay counts from Sunday; ISO weeks (and PostgreSQL date_trunc) start on Monday.
      return wallTimeOf(year, month, date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
    case "month":
      return wallTimeOf(year, month, 1);
    case "year":
      return wallTimeOf(year, 0, 1);
  }
}

function nextCalendarPeriodWall(startWall: WallTime, interval: CalendarInterval): WallTime {
  const date = new Date(startWall);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  switch (interval) {
    case "day":
      return wallTimeOf(year, month, day + 1);
    case "week":
      return wallTimeOf(year, month, day + 7);
    case "month":
      return wallTimeOf(year, month + 1, 1);
    case "year":
      return wallTimeOf(year + 1, 0, 1);
  }
}

function hourPeriodStart(zone: string, time: number): number {
  const offset = offsetAt(zone, time);
  const aligned = time - modulo(time + offset, HOUR_MS);
  if (offsetAt(zone, aligned) === offset) return aligned;
  // Only zones whose offset moves by a fraction of an hour (Australia/Lord_Howe) change offset
  // inside a local hour; the change then starts the period.
  return firstOffsetChange(zone, aligned, time);
}

function nextHourPeriodStart(zone: string, time: number): number {
  const start = hourPeriodStart(zone, time);
  const offset = offsetAt(zone, start);
  const nextAligned = start - modulo(start + offset, HOUR_MS) + HOUR_MS;
  if (offsetAt(zone, nextAligned - 1) === offset) return nextAligned;
  return firstOffsetChange(zone, start, nextAligned - 1);
}

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
