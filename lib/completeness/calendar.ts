/**
 * The season calendar: which season a date belongs to, when that season really started,
 * bootstrap mode and the (informational) season-boundary flag. Client-safe, pure.
 *
 * Why a calendar and not "October 1st": the original used Oct 1 for six processors and the
 * real opening night only for one, so "the first 30 days" meant different days to
 * different processors, and a missing `season_year` made bootstrap true all of Jan–Sep.
 * Here every processor reads the same calendar; callers may pass their own map (tests, a new
 * season before the code is updated).
 */
import { type IsoDate, addDays, dayOfWeek, daysBetween, monthOf, yearOf } from "./dates";

/** Season year (2024 = the 2024-25 season) → regular-season opening night. */
export type SeasonCalendar = Readonly<Record<number, IsoDate>>;

export const DEFAULT_SEASON_CALENDAR: SeasonCalendar = Object.freeze({
  2021: "2021-10-19",
  2022: "2022-10-18",
  2023: "2023-10-24",
  2024: "2024-10-22",
  2025: "2025-10-21",
});

/** Bootstrap lasts this many days from opening night: day 0..29 are bootstrap, day 30 is not. */
export const BOOTSTRAP_DAYS = 30;

/** Months the original flagged as a "season boundary" (Oct, Nov, Apr). Informational only. */
export const SEASON_BOUNDARY_MONTHS: readonly number[] = [10, 11, 4];

/** Season year of a date: October–December belong to that year, January–September to the previous. */
export function seasonYearOf(date: IsoDate): number {
  const year = yearOf(date);
  return monthOf(date) >= 10 ? year : year - 1;
}

/** True when the calendar has the real opening night of that season (no estimate involved). */
export function hasKnownSeasonStart(seasonYear: number, calendar: SeasonCalendar = DEFAULT_SEASON_CALENDAR): boolean {
  return calendar[seasonYear] !== undefined;
}

/**
 * Opening night of a season. For a season missing from the calendar the estimate is "the first
 * Tuesday on or after October 18th", which reproduces all five known dates (2021–2025); it is
 * a fallback so a pipeline keeps running in a new season, not a fact — add the real date to
 * the calendar (see `hasKnownSeasonStart`).
 */
export function seasonStartOfYear(seasonYear: number, calendar: SeasonCalendar = DEFAULT_SEASON_CALENDAR): IsoDate {
  const known = calendar[seasonYear];
  if (known !== undefined) return known;
  const oct18 = `${String(seasonYear).padStart(4, "0")}-10-18`;
  const TUESDAY = 2;
  return addDays(oct18, (TUESDAY - dayOfWeek(oct18) + 7) % 7);
}

/**
 * Opening night of the season `date` belongs to: its month-based season (October–December
 * that year, January–September the previous one). In October before opening night that start
 * lies ahead (negative day counts: preseason). Otherwise, a LATER calendar start that has
 * already passed wins: a calendar may hold a season that does not follow the October rhythm
 * (the demo database simulates the latest season shifted in time to end yesterday, and
 * registers its opening night under the season year of its last day).
 */
export function seasonStartFor(date: IsoDate, calendar: SeasonCalendar = DEFAULT_SEASON_CALENDAR): IsoDate {
  const monthBased = seasonStartOfYear(seasonYearOf(date), calendar);
  if (monthBased > date) return monthBased;
  return Object.values(calendar).reduce((latest, start) => (start <= date && start > latest ? start : latest), monthBased);
}

/**
 * Approximate end of the regular season: April 15th of the following year. The real last days
 * were 2022-04-10, 2023-04-09, 2024-04-14 and 2025-04-13, so April 15th is a safe "on or after
 * the last regular-season day" bound. It is used for display (season phase), never for a
 * completeness decision: windows simply count the final games that exist.
 */
export function approxRegularSeasonEnd(seasonYear: number): IsoDate {
  return `${String(seasonYear + 1).padStart(4, "0")}-04-15`;
}

export type SeasonPhase = "preseason" | "regular_season" | "postseason_or_offseason";

/** Where a date falls in its season (display only; see `approxRegularSeasonEnd`). */
export function seasonPhaseOf(date: IsoDate, calendar: SeasonCalendar = DEFAULT_SEASON_CALENDAR): SeasonPhase {
  const seasonYear = seasonYearOf(date);
  if (date < seasonStartOfYear(seasonYear, calendar)) return "preseason";
  if (date <= approxRegularSeasonEnd(seasonYear)) return "regular_season";
  return "postseason_or_offseason";
}

/** Days since opening night of the date's season; negative in October before opening night. */
export function daysSinceSeasonStart(date: IsoDate, calendar: SeasonCalendar = DEFAULT_SEASON_CALENDAR): number {
  return daysBetween(seasonStartFor(date, calendar), date);
}

export interface BootstrapOptions {
  calendar?: SeasonCalendar;
  /** An explicit backfill run: always bootstrap (the original claimed this and never did it). */
  backfill?: boolean;
  bootstrapDays?: number;
}

/**
 * Bootstrap mode: incomplete entities are processed and flagged, never counted as failures.
 *
 * - Day 0..bootstrapDays−1 from opening night: true (day 29 is, day 30 is not).
 * - An explicit backfill run: true, whatever the date.
 * - Before opening night (October preseason; the only dates with a negative day count, since
 *   Jan–Sep belong to the previous season): **true**. There are no regular-season games to be
 *   complete against yet; games windows start at opening night and are empty, and a check
 *   against them could only produce noise (the original's "Oct 1 transition" false positives).
 *   This also matches the original's `days < 30` for negative days.
 */
export function isBootstrap(date: IsoDate, options: BootstrapOptions = {}): boolean {
  const { calendar = DEFAULT_SEASON_CALENDAR, backfill = false, bootstrapDays = BOOTSTRAP_DAYS } = options;
  if (backfill) return true;
  return daysSinceSeasonStart(date, calendar) < bootstrapDays;
}

/**
 * The original's `season_boundary_detected`: true for any date in October, November or April.
 * Kept as an informational flag for the output column only — it never affects a decision
 * (bootstrap, with the real calendar, is what protects the start of a season). It is
 * deliberately broader than the real boundaries (all of Oct/Nov/Apr) for compatibility.
 */
export function isSeasonBoundary(date: IsoDate): boolean {
  return SEASON_BOUNDARY_MONTHS.includes(monthOf(date));
}
