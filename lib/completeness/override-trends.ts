/**
 * Overrides over weeks, per processor: how many were applied, how many of those that the key's
 * next run has decided were processed, and how many trips an operator later overrode (the
 * trips a person judged false alarms). Pure; client-safe.
 *
 * Weeks are ISO weeks (Monday 00:00 UTC to the next Monday), and an event belongs to the week of
 * its attempted_at (UTC). Definitions, per processor and week:
 * - `overrides`: override rows attempted in the week; `processed`, `failed_again`, `re_tripped`,
 *   `pending`: those overrides by outcome (`overrideOutcomes`, judged at the read);
 * - `success_rate` = processed ÷ (processed + failed_again + re_tripped) — pending overrides are
 *   not decided and are left out; null when none is decided;
 * - `trips`: trip rows attempted in the week; `trips_overridden`: those followed by an override
 *   row of the same key at any later time up to the read;
 * - `false_positive_share` = trips_overridden ÷ trips; null without trips.
 */
import { type BreakerRowInput, type OverrideResultRow, eventOf } from "./breaker";
import { type IsoDate, addDays, dayOfWeek, instantMicros, instantMs } from "./dates";
import type { ProcessorName } from "./processors";

export interface OverrideWeek {
  processor: ProcessorName;
  /** The week's Monday (UTC). */
  week: IsoDate;
  overrides: number;
  processed: number;
  failed_again: number;
  re_tripped: number;
  pending: number;
  success_rate: number | null;
  trips: number;
  trips_overridden: number;
  false_positive_share: number | null;
}

/** The Monday of a date's ISO week. */
export function weekOf(date: IsoDate): IsoDate {
  return addDays(date, -((dayOfWeek(date) + 6) % 7));
}

/** The Mondays of the weeks from the one holding `from` to the one holding `to`. */
export function weeksBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const weeks: IsoDate[] = [];
  for (let w = weekOf(from); w <= to; w = addDays(w, 7)) weeks.push(w);
  return weeks;
}

export interface KeyHistory {
  processor: ProcessorName;
  /** The key's rows, as read at `now` or before. */
  rows: readonly BreakerRowInput[];
  /** The key's overrides with their outcomes (`overrideOutcomes` on the same rows). */
  outcomes: readonly OverrideResultRow[];
}

/**
 * One row per processor with any trip or override in the weeks, and per week from the one
 * holding `from` to the one holding `to` (zeros where nothing happened, so lines are whole).
 */
export function overrideWeeks(keys: readonly KeyHistory[], from: IsoDate, to: IsoDate): OverrideWeek[] {
  const weeks = weeksBetween(from, to);
  const first = weeks[0]!;
  const end = addDays(weeks.at(-1)!, 7);
  const inRange = (at: string): IsoDate | null => {
    const day = new Date(instantMs(at)).toISOString().slice(0, 10);
    return day >= first && day < end ? weekOf(day) : null;
  };
  const cells = new Map<string, OverrideWeek>();
  const cell = (processor: ProcessorName, week: IsoDate): OverrideWeek => {
    const id = `${processor}|${week}`;
    let c = cells.get(id);
    if (!c) {
      c = { processor, week, overrides: 0, processed: 0, failed_again: 0, re_tripped: 0, pending: 0, success_rate: null, trips: 0, trips_overridden: 0, false_positive_share: null };
      cells.set(id, c);
    }
    return c;
  };
  const seen = new Set<ProcessorName>();
  for (const key of keys) {
    for (const o of key.outcomes) {
      const week = inRange(o.at);
      if (!week) continue;
      const c = cell(key.processor, week);
      c.overrides += 1;
      c[o.outcome] += 1;
      seen.add(key.processor);
    }
    const overrideTimes = key.rows.filter((r) => eventOf(r) === "override").map((r) => instantMicros(r.attempted_at));
    for (const r of key.rows) {
      if (eventOf(r) !== "trip") continue;
      const week = inRange(r.attempted_at);
      if (!week) continue;
      const c = cell(key.processor, week);
      c.trips += 1;
      const t = instantMicros(r.attempted_at);
      if (overrideTimes.some((o) => o > t)) c.trips_overridden += 1;
      seen.add(key.processor);
    }
  }
  const rows: OverrideWeek[] = [];
  for (const processor of [...seen].sort()) {
    for (const week of weeks) {
      const c = cell(processor, week);
      const decided = c.processed + c.failed_again + c.re_tripped;
      c.success_rate = decided ? c.processed / decided : null;
      c.false_positive_share = c.trips ? c.trips_overridden / c.trips : null;
      rows.push(c);
    }
  }
  return rows;
}
