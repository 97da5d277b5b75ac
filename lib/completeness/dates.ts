/**
 * Calendar dates and instants, done on strings in UTC. Client-safe: zod only.
 *
 * Invariants:
 * - A calendar date is a "YYYY-MM-DD" string everywhere (the warehouse returns DATE that way).
 *   Arithmetic goes through whole UTC days since the epoch, so no viewer or server time zone
 *   and no daylight-saving change can ever shift a game date.
 * - Because the format is fixed-width, two valid dates compare correctly as plain strings
 *   (`a < b`); the helpers below rely on that and never build a local-time `Date`.
 * - An instant (a TIMESTAMP such as `attempted_at`) is an ISO string with a zone, or a `Date`.
 *   A string without a zone is read as UTC, never as local time.
 */

import { z } from "zod";

export type IsoDate = string;

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `fn` remembered for its last few thousand arguments. The conversions below run for every
 * date and instant a query returns or a run compares — the same few hundred values again and
 * again (a season's dates, a night's run times) — and each parse or format allocates. Only
 * values `fn` returned are kept: an argument it throws on is refused again every time.
 */
function remembered<K, V>(fn: (key: K) => V, limit = 20_000): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      value = fn(key);
      if (known.size >= limit) known.clear();
      known.set(key, value);
    }
    return value;
  };
}

/** Whole days since 1970-01-01 (UTC) of a "YYYY-MM-DD" date; throws on anything else. */
export const toEpochDay: (date: IsoDate) => number = remembered(epochDayOf);

function epochDayOf(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`Not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  // Date.UTC rolls 2024-02-30 over to March and reads years 0000–0099 as 1900–1999: both are
  // refused here, by the month's length and the year, without building a Date per call (this
  // runs for every date a query returns).
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new RangeError(`Not a calendar date: ${date}`);
  return Date.UTC(y, mo - 1, d) / MS_PER_DAY;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!;
}

/** The "YYYY-MM-DD" date of a whole number of days since 1970-01-01 (UTC). */
export const fromEpochDay: (day: number) => IsoDate = remembered((day: number) => new Date(day * MS_PER_DAY).toISOString().slice(0, 10));

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== "string") return false;
  try {
    toEpochDay(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The one schema of a calendar date, for every input, parameter and row: "YYYY-MM-DD" and a day
 * that exists (`Date.parse` alone rolls 2026-02-30 over into March, and the warehouse then
 * fails to cast the parameter: a 500 for a client's mistake).
 */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine((d) => isIsoDate(d), "is not a valid date");

/** `date` moved by `n` calendar days (n may be negative). */
export function addDays(date: IsoDate, n: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + n);
}

/** Signed number of calendar days from `a` to `b`: daysBetween("2024-10-22", "2024-11-21") = 30. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

export function yearOf(date: IsoDate): number {
  toEpochDay(date); // validates
  return Number(date.slice(0, 4));
}

/** Month 1..12. */
export function monthOf(date: IsoDate): number {
  toEpochDay(date); // validates
  return Number(date.slice(5, 7));
}

/** Day of week, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(date: IsoDate): number {
  return (((toEpochDay(date) + 4) % 7) + 7) % 7;
}

// ---------------------------------------------------------------------------------------------
// Instants

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Milliseconds since the epoch of an instant. Accepts `Date`, full ISO strings and the
 * "YYYY-MM-DD HH:MM:SS[+00]" form some drivers print. A missing zone means UTC: `Date.parse`
 * would read it as local time, which is exactly the bug this helper exists to prevent.
 */
export function instantMs(value: Date | string): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new RangeError("Invalid Date");
    return ms;
  }
  const m = ISO_INSTANT.exec(value.trim());
  if (!m) throw new RangeError(`Not an ISO timestamp: ${JSON.stringify(value)}`);
  let zone = m[3] ?? "Z";
  if (/^[+-]\d{2}$/.test(zone)) zone = `${zone}:00`;
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  // Digits beyond the millisecond are cut here, explicitly: Date.parse's handling of them is
  // the engine's choice. instantMicros adds them back.
  const ms = Date.parse(`${m[1]}T${m[2]!.replace(/(\.\d{3})\d+$/, "$1")}${zone.toUpperCase()}`);
  if (Number.isNaN(ms)) throw new RangeError(`Not an ISO timestamp: ${JSON.stringify(value)}`);
  return ms;
}

const MICROS_PER_MS = 1000;
const MAX_SAFE_MICROS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Microseconds since the epoch of an instant: the precision both warehouses store (BigQuery's
 * TIMESTAMP, DuckDB's TIMESTAMPTZ) and the pipeline writes (CURRENT_TIMESTAMP()). Comparisons
 * of stored instants go through this, never through milliseconds: two rows written in the same
 * millisecond are still ordered, and an instant read back compares equal to what is stored.
 * Digits beyond the microsecond are dropped. Exact as a number until the year 2255.
 */
export function instantMicros(value: Date | string): number {
  return value instanceof Date ? instantMs(value) * MICROS_PER_MS : microsOfText(value);
}

const microsOfText = remembered((value: string): number => {
  const ms = instantMs(value);
  const fraction = /\.(\d+)/.exec(ISO_INSTANT.exec(value.trim())![2]!)?.[1] ?? "";
  return ms * MICROS_PER_MS + Number(fraction.slice(3, 6).padEnd(3, "0"));
});

/**
 * The canonical text of an instant given in microseconds since the epoch:
 * "YYYY-MM-DDTHH:mm:ss.sssZ" when it is a whole millisecond (every instant the console writes),
 * else "YYYY-MM-DDTHH:mm:ss.ssssssZ" — what the warehouse adapters return, so a value read back
 * and passed again as a parameter is the very instant stored.
 */
export const isoFromMicros: (micros: number | bigint) => string = remembered(isoTextOfMicros);

function isoTextOfMicros(micros: number | bigint): string {
  // Within ±2^53 µs (the years 1685–2255) in plain numbers: exact there, and it spares two
  // BigInt allocations per timestamp a query returns.
  const n = typeof micros === "bigint" ? (micros <= MAX_SAFE_MICROS && micros >= -MAX_SAFE_MICROS ? Number(micros) : NaN) : micros;
  if (Number.isSafeInteger(n)) {
    const sub = ((n % 1000) + 1000) % 1000; // floor, for instants before the epoch
    const base = new Date((n - sub) / 1000).toISOString();
    return sub === 0 ? base : `${base.slice(0, -1)}${String(sub).padStart(3, "0")}Z`;
  }
  const us = BigInt(micros);
  let ms = us / 1000n;
  if (ms * 1000n > us) ms -= 1n; // floor, for instants before the epoch
  const sub = us - ms * 1000n;
  const base = new Date(Number(ms)).toISOString();
  return sub === 0n ? base : `${base.slice(0, -1)}${sub.toString().padStart(3, "0")}Z`;
}

/** An instant in canonical text, keeping microseconds (toIsoInstant keeps milliseconds). */
export function toPreciseInstant(value: Date | string): string {
  return isoFromMicros(instantMicros(value));
}

/** Canonical form of an instant: "YYYY-MM-DDTHH:mm:ss.sssZ" (what the warehouse adapters return). */
export function toIsoInstant(value: Date | string | number): string {
  const ms = typeof value === "number" ? value : instantMs(value);
  return new Date(ms).toISOString();
}

/** The instant `days` whole days (of 24 h; UTC has no DST) after `value`, as an ISO string. */
export function addDaysToInstant(value: Date | string, days: number): string {
  return isoFromMicros(instantMicros(value) + days * MS_PER_DAY * MICROS_PER_MS);
}

/** "YYYY-MM-DD HH:MM:SS UTC", the format the original scripts wrote into `notes`. */
export function formatUtcForNotes(value: Date | string): string {
  return `${toIsoInstant(value).slice(0, 19).replace("T", " ")} UTC`;
}
