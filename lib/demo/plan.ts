/**
 * Which season the demo database simulates, and through which day. Pure, client-safe.
 *
 * The simulation always ends yesterday, in real time, so that breakers are active right now,
 * recoveries have happened and the season's bootstrap period lies in the history:
 * - when today falls inside a season of the calendar (opening night ≤ yesterday ≤ the last
 *   regular-season day), that season is simulated so far;
 * - otherwise the latest season of the calendar is shifted in time by whole weeks (weekdays and
 *   the schedule's weekly rhythm stay true) so that yesterday is day SHIFTED_DAY of it — late in
 *   the season, after the December-style outage and the All-Star break — and its shifted opening
 *   night is registered in the demo's calendar under the season year of yesterday, which is how
 *   the engine and the console find it (see `seasonStartFor`).
 */
import { type SeasonCalendar, DEFAULT_SEASON_CALENDAR, seasonYearOf } from "@/lib/completeness/calendar";
import { type IsoDate, addDays, daysBetween } from "@/lib/completeness/dates";

import { SEASON_DAYS } from "./season";

/** Day of the shifted season that yesterday becomes (0 = opening night). */
export const SHIFTED_DAY = 140;
export const DEFAULT_DEMO_SEED = 2025;

export interface DemoPlan {
  seed: number;
  /** The season simulated (its calendar key). */
  seasonYear: number;
  /** Opening night as simulated (shifted when `shifted`). */
  seasonStart: IsoDate;
  /** Last simulated day: yesterday. */
  simulateThrough: IsoDate;
  /** The calendar the engine and the console use for this database. */
  calendar: SeasonCalendar;
  shifted: boolean;
  /** The real opening night the shifted season was taken from. */
  sourceSeasonStart: IsoDate;
}

export function planDemoSeason(today: IsoDate, options: { seed?: number; calendar?: SeasonCalendar } = {}): DemoPlan {
  const calendar = options.calendar ?? DEFAULT_SEASON_CALENDAR;
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const yesterday = addDays(today, -1);
  const seasons = Object.entries(calendar)
    .map(([year, start]) => ({ year: Number(year), start }))
    .sort((a, b) => a.year - b.year);
  if (seasons.length === 0) throw new RangeError("The season calendar is empty");

  const current = seasons.find((s) => s.start <= yesterday && daysBetween(s.start, yesterday) < SEASON_DAYS);
  if (current) {
    return {
      seed,
      seasonYear: current.year,
      seasonStart: current.start,
      simulateThrough: yesterday,
      calendar,
      shifted: false,
      sourceSeasonStart: current.start,
    };
  }
  const latest = seasons.at(-1)!;
  const weeks = Math.round(daysBetween(latest.start, addDays(yesterday, -SHIFTED_DAY)) / 7);
  const seasonStart = addDays(latest.start, weeks * 7);
  const seasonYear = seasonYearOf(yesterday);
  return {
    seed,
    seasonYear,
    seasonStart,
    simulateThrough: yesterday,
    calendar: { ...calendar, [seasonYear]: seasonStart },
    shifted: true,
    sourceSeasonStart: latest.start,
  };
}
