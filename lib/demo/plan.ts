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
import { type SeasonCalendar, DEFAULT_SEASON_CALENDAR, seasonStartFor, seasonYearOf } from "@/lib/completeness/calendar";
import { type IsoDate, addDays, daysBetween } from "@/lib/completeness/dates";

import { SEASON_DAYS } from "./season";

/** Day of the shifted season that yesterday becomes (0 = opening night). */
export const SHIFTED_DAY = 140;
export const DEFAULT_DEMO_SEED = 2025;

/**
 * `console`: the console's own tables, written night by night by its engine. `original`: the
 * original pipeline's tables with exactly their columns and id formats, written the way its
 * Python processors and helper scripts write them.
 */
export const DEMO_PROFILES = ["console", "original"] as const;
export type DemoProfile = (typeof DEMO_PROFILES)[number];

export interface DemoPlan {
  seed: number;
  /** Which world the database is shaped like (absent in databases built before profiles: console). */
  profile?: DemoProfile;
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

/** Seasons are moved back by whole years of weeks: 52 weeks keeps weekdays and the weekly rhythm. */
export const SEASON_STRIDE_DAYS = 364;

/**
 * `count` consecutive seasons ending with today's demo season (`planDemoSeason(today)`, the last
 * element, unchanged except for the shared calendar), oldest first — for the benchmark's
 * multi-season data sets. Season k before the latest starts SEASON_STRIDE_DAYS·k days earlier
 * (same weekday), is registered in the shared calendar under `seasonYear − k`, and is simulated
 * whole (SEASON_DAYS), or up to the last day the calendar still resolves to its opening night
 * (`seasonStartFor`), so the engine never reads a date of one season as another's. Each season
 * is built by the same `buildDemoDatabase` as the default demo; season-bounded window queries
 * make the seasons independent of each other, so they may be built in any order.
 */
export function planDemoSeasons(today: IsoDate, count: number, options: { seed?: number; calendar?: SeasonCalendar } = {}): DemoPlan[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer: ${count}`);
  const latest = planDemoSeason(today, options);
  const calendar: Record<number, IsoDate> = { ...latest.calendar };
  const starts = Array.from({ length: count }, (_, i) => {
    const back = count - 1 - i;
    return { back, seasonYear: latest.seasonYear - back, seasonStart: addDays(latest.seasonStart, -SEASON_STRIDE_DAYS * back) };
  });
  for (const s of starts) calendar[s.seasonYear] = s.seasonStart;
  return starts.map((s) => {
    if (s.back === 0) return { ...latest, calendar };
    let simulateThrough = s.seasonStart;
    for (let d = 1; d < SEASON_DAYS; d++) {
      const date = addDays(s.seasonStart, d);
      if (seasonStartFor(date, calendar) !== s.seasonStart) break;
      simulateThrough = date;
    }
    return {
      seed: latest.seed,
      seasonYear: s.seasonYear,
      seasonStart: s.seasonStart,
      simulateThrough,
      calendar,
      shifted: true,
      sourceSeasonStart: latest.sourceSeasonStart,
    };
  });
}

/** Nights in a short plan by default: past the December-style outage (day 45–49) and its backfill (9–12 days later). */
export const SHORT_PLAN_DAYS = 62;

/**
 * A short season for tests: opening night `days − 1` days before yesterday (relative to `now`,
 * an ISO instant), ending yesterday, registered in the calendar like a shifted season. Long
 * enough by default for bootstrap to end, the December-style outage to trip breakers and be
 * backfilled, and a recent outage to be running when it ends.
 */
export function shortDemoPlan(
  now: string,
  options: { days?: number; seed?: number; calendar?: SeasonCalendar; profile?: DemoProfile } = {},
): DemoPlan {
  const days = options.days ?? SHORT_PLAN_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > SEASON_DAYS) throw new RangeError(`days must be an integer in 1..${SEASON_DAYS}: ${days}`);
  const yesterday = addDays(now.slice(0, 10), -1);
  const seasonStart = addDays(yesterday, -(days - 1));
  const seasonYear = seasonYearOf(yesterday);
  return {
    seed: options.seed ?? DEFAULT_DEMO_SEED,
    profile: options.profile ?? "original",
    seasonYear,
    seasonStart,
    simulateThrough: yesterday,
    calendar: { ...(options.calendar ?? DEFAULT_SEASON_CALENDAR), [seasonYear]: seasonStart },
    shifted: true,
    sourceSeasonStart: seasonStart,
  };
}
