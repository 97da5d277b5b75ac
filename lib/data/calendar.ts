import "server-only";

import { type SeasonCalendar, DEFAULT_SEASON_CALENDAR } from "@/lib/completeness/calendar";
import { getEnv } from "@/lib/env";
import { readDemoMark } from "@/lib/warehouse/demo-mark";

/**
 * The season calendar the console evaluates with: the one the data was produced with.
 *
 * The demo database simulates a season shifted in time (so that it ends yesterday) and registers
 * that season's opening night in its own calendar, kept in the `.demo.json` beside the DuckDB
 * file. Live rechecks must use it: with the default calendar, the shifted season's windows and
 * bootstrap days would be measured from the wrong opening night. Any other database (BigQuery,
 * or an embedded file built from real tables, which has no `.demo.json`) uses the real calendar.
 *
 * Read on every call, not memoized: `npm run demo:rebuild` may replace the file while the
 * server runs, and the file is small.
 */
export function getSeasonCalendar(): SeasonCalendar {
  const env = getEnv();
  if (env.WAREHOUSE !== "embedded") return DEFAULT_SEASON_CALENDAR;
  try {
    return readDemoMark(env.EMBEDDED_DB_PATH)?.plan.calendar ?? DEFAULT_SEASON_CALENDAR;
  } catch (error) {
    // A malformed metadata file must not take pages down; the real calendar is the safe choice.
    console.error("[calendar] could not read the demo metadata; using the default season calendar", error);
    return DEFAULT_SEASON_CALENDAR;
  }
}

/** The last simulated day when the embedded database is demo data, else null (real data: no mark). */
export function getDemoThrough(): string | null {
  const env = getEnv();
  if (env.WAREHOUSE !== "embedded") return null;
  try {
    return readDemoMark(env.EMBEDDED_DB_PATH)?.plan.simulateThrough ?? null;
  } catch {
    return null;
  }
}
