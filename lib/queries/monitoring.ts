import "server-only";

import { z } from "zod";

import { ALERT_WINDOW_DAYS } from "@/lib/completeness/alerts";
import { isoDate } from "@/lib/completeness/dates";

import { type SeasonCalendar, DEFAULT_SEASON_CALENDAR, seasonStartFor, seasonYearOf } from "@/lib/completeness/calendar";
import { type IsoDate, addDays, addDaysToInstant, instantMs, toIsoInstant } from "@/lib/completeness/dates";
import { PROCESSORS } from "@/lib/completeness/processors";
import { type MonitoringQueryName, type MonitoringRow, isoTimestamp, monitoringRows } from "@/lib/monitoring/schemas";
import { type BreakerTrendRow, breakerTrendRow } from "@/lib/monitoring/lists";
import type { Warehouse } from "@/lib/warehouse/types";

import { defineQuery } from "./define-query";
import { type FacetRow, facetRow, figure, pageParamTypes, pageParams, pageValues, processorFilter, sortTermsSql } from "./list-sql";
import {
  EVALUATED_COLUMNS,
  evaluatedDatesSql,
  breakerEventSql,
  canonicalProcessorSql,
  evaluatedEntitiesSql,
  lit,
  processorOutputsSql,
  tripUntilSql,
} from "./processor-outputs";

/**
 * The nine monitoring queries and the "data as of" query: one definition
 * per file in `sql/monitoring/`, the SQL fragments they share (generated from the processor
 * registry and the breaker rules, never from input), and `runMonitoringQuery`, which turns the
 * API's two evaluation points (`as_of`, a date; `now`, an instant) into each query's window
 * bounds. Every window is computed here, in the app, and passed as parameters: the SQL never
 * calls CURRENT_DATE()/CURRENT_TIMESTAMP() (they defeat BigQuery's cache and make results
 * depend on the clock) and never does date arithmetic that DuckDB computes differently.
 */

// ---------------------------------------------------------------------------------------------
// Windows (days). Each is inclusive of both ends: "the 7 dates ending at as_of" = as_of − 6 … as_of.

/** health: output rows over the ALERT_WINDOW_DAYS (7) dates ending at as_of, the window the alerts judge. */
/** trends: the 30 dates ending at as_of. */
export const TRENDS_DAYS = 30;
/**
 * Active breakers (health's count and the active-breakers list): every key active at `now`,
 * whatever its analysis date and whatever data-as-of says. In a mass outage the processors skip
 * everything and output stops, while breakers keep tripping on the dates after the last output:
 * those are the keys on-call most needs to see. The partition filter still bounds the scan:
 * analysis dates from now's date − 400 days (past reprocess_attempts' 365-day partition
 * expiration, so no row that still exists is missed) to now's date + 7 (the upcoming-game
 * processors evaluate game dates before they are played).
 */
export const ACTIVE_BREAKER_LOOKBACK_DAYS = 400;
export const ACTIVE_BREAKER_LEAD_DAYS = 7;
/** breaker-history: rows attempted in the 30 days ending at now. */
export const HISTORY_DAYS = 30;
/** patterns: attempts in the 7 days ending at now. */
export const PATTERN_DAYS = 7;
/**
 * reprocess_attempts is partitioned by analysis_date, not attempted_at. Queries over an
 * attempted_at window also bound analysis_date (so BigQuery prunes partitions): from 60 days
 * before the window's start (an attempt, override or reset of a key made up to 60 days after
 * its date) to 7 days after now's date (the upcoming-game processors
 * may evaluate a game date before it is played).
 */
export const ATTEMPT_LAG_DAYS = 60;
export const ATTEMPT_LEAD_DAYS = 7;
/** data-as-of: the latest output date is looked for in the 400 days ending at now's date first. */
export const DATA_AS_OF_LOOKBACK_DAYS = 400;

// ---------------------------------------------------------------------------------------------
// Generated SQL fragments (registry and breaker constants only: safe to inline)

export { breakerEventSql, canonicalProcessorSql, tripUntilSql } from "./processor-outputs";

/** One row per registry processor (`processor`, `ord` in registry order), so none is ever dropped. */
export function processorListSql(): string {
  return PROCESSORS.map((p, i) => `  SELECT ${lit(p.name)} AS processor, ${i + 1} AS ord`).join("\n  UNION ALL\n");
}

const MULTI_WINDOW = PROCESSORS.filter((p) => p.multiWindow);
/** Every window id any multi-window processor uses, in first-seen order (l5, l10, l7d, l14d, l30d). */
export const MULTI_WINDOW_IDS: readonly string[] = [...new Set(MULTI_WINDOW.flatMap((p) => p.windows.map((w) => w.id)))];

/**
 * The multi-window processors' output rows in one shape: the union's usual columns plus
 * all_windows_complete and a pct/complete pair for EVERY window id (NULL where the processor
 * does not have that window), so the rows can be ranked "latest wins" before unpivoting.
 */
export function multiWindowOutputsSql(): string {
  return MULTI_WINDOW.map((p) => {
    const own = new Set(p.windows.map((w) => w.id));
    const columns = [
      "all_windows_complete",
      ...MULTI_WINDOW_IDS.flatMap((id) =>
        own.has(id)
          ? [`${id}_completeness_pct`, `${id}_is_complete`]
          : [`NULL AS ${id}_completeness_pct`, `NULL AS ${id}_is_complete`],
      ),
    ];
    return processorOutputsSql({ columns, processors: [p.name] });
  }).join("\n  UNION ALL\n");
}

/** (processor, window_id, ord): the windows each multi-window processor uses, from the registry. */
export function processorWindowsSql(): string {
  return MULTI_WINDOW.flatMap((p) =>
    p.windows.map((w, i) => `  SELECT ${lit(p.name)} AS processor, ${lit(w.id)} AS window_id, ${i + 1} AS ord`),
  ).join("\n  UNION ALL\n");
}

/** Pick window `w.window_id`'s column of latest row `l` (`pct` or `is_complete`). */
export function windowValueSql(kind: "completeness_pct" | "is_complete"): string {
  return `CASE w.window_id ${MULTI_WINDOW_IDS.map((id) => `WHEN ${lit(id)} THEN l.${id}_${kind}`).join(" ")} END`;
}


const breakerFragments = {
  canonical_processor: [canonicalProcessorSql()],
  breaker_event: [breakerEventSql()],
};

// ---------------------------------------------------------------------------------------------
// Definitions

const outputWindow = { date_from: isoDate, date_to: isoDate };
const outputWindowTypes = { date_from: "DATE", date_to: "DATE" } as const;
/** Analysis dates read and the instant breaker rows count up to (active breakers, trip rate). */
export const datesAtNow = { date_from: isoDate, date_to: isoDate, now: isoTimestamp };
export const datesAtNowTypes = { date_from: "DATE", date_to: "DATE", now: "TIMESTAMP" } as const;
const attemptWindow = { since: isoTimestamp, now: isoTimestamp, date_from: isoDate, date_to: isoDate };
const attemptWindowTypes = { since: "TIMESTAMP", now: "TIMESTAMP", date_from: "DATE", date_to: "DATE" } as const;

export const health = defineQuery({
  name: "health",
  file: "monitoring/health.sql",
  params: z.object({ ...outputWindow, breaker_date_from: isoDate, breaker_date_to: isoDate, now: isoTimestamp }),
  types: { ...outputWindowTypes, breaker_date_from: "DATE", breaker_date_to: "DATE", now: "TIMESTAMP" },
  row: monitoringRows.health,
  fragments: {
    processor_list: [processorListSql()],
    evaluated_entities: [evaluatedEntitiesSql({ columns: ["completeness_percentage", "is_production_ready", "backfill_bootstrap_mode"] })],
    ...breakerFragments,
    trip_until: [tripUntilSql()],
  },
});

/** The SQL returns the trip's instants; hours_remaining is computed from them here (see runMonitoringQuery). */
const activeBreakerSqlRow = monitoringRows["active-breakers"].omit({ hours_remaining: true });

export const activeBreakers = defineQuery({
  name: "active_breakers",
  file: "monitoring/active_breakers.sql",
  params: z.object(datesAtNow),
  types: datesAtNowTypes,
  row: activeBreakerSqlRow,
  fragments: { processor_list: [processorListSql()], ...breakerFragments, trip_until: [tripUntilSql()] },
});

// The breaker lists paged, sorted and filtered in the warehouse (see list-sql.ts).

/** The Active list's sorts in SQL: every one but `verdict`, which is not in the warehouse (see the data layer). */
const ACTIVE_SQL_SORTS = ["processor", "entity_id", "analysis_date", "attempt_number", "completeness_pct", "skip_reason", "tripped_at", "breaker_until"] as const;
export type ActiveSqlSort = (typeof ACTIVE_SQL_SORTS)[number];
const activeFilterParams = {
  any_processor: z.boolean(),
  processors: z.array(z.string()),
  date: isoDate.nullable(),
  reason: z.string().nullable(),
  q: z.string().nullable(),
};
const activeFilterTypes = { any_processor: "BOOL", processors: ["STRING"] as ["STRING"], date: "DATE", reason: "STRING", q: "STRING" } as const;
const activeFragments = { processor_list: [processorListSql()], ...breakerFragments, trip_until: [tripUntilSql()] };

export const activeBreakersPage = defineQuery({
  name: "active_breakers_page",
  file: "monitoring/active_breakers_page.sql",
  params: z.object({ ...datesAtNow, ...activeFilterParams, ...pageParams, sort: z.enum(ACTIVE_SQL_SORTS) }),
  types: { ...datesAtNowTypes, ...activeFilterTypes, ...pageParamTypes },
  row: activeBreakerSqlRow,
  fragments: { ...activeFragments, sort_terms: [sortTermsSql(Object.fromEntries(ACTIVE_SQL_SORTS.map((c) => [c, c])))] },
});

export const activeBreakersSummary = defineQuery({
  name: "active_breakers_summary",
  file: "monitoring/active_breakers_summary.sql",
  params: z.object({ ...datesAtNow, ...activeFilterParams }),
  types: { ...datesAtNowTypes, ...activeFilterTypes },
  row: facetRow,
  fragments: activeFragments,
});

export const HISTORY_SQL_SORTS = ["latest", "processor", "entity_id", "analysis_date", "events"] as const;
const historyFilterParams = {
  any_processor: z.boolean(),
  processors: z.array(z.string()),
  entity: z.string().nullable(),
  q: z.string().nullable(),
  date: isoDate.nullable(),
  event: z.string().nullable(),
};
const historyFilterTypes = { any_processor: "BOOL", processors: ["STRING"] as ["STRING"], entity: "STRING", q: "STRING", date: "DATE", event: "STRING" } as const;

export const breakerHistoryPage = defineQuery({
  name: "breaker_history_page",
  file: "monitoring/breaker_history_page.sql",
  params: z.object({ ...attemptWindow, ...historyFilterParams, ...pageParams, sort: z.enum(HISTORY_SQL_SORTS) }),
  types: { ...attemptWindowTypes, ...historyFilterTypes, ...pageParamTypes },
  row: monitoringRows["breaker-history"].extend({
    latest: isoTimestamp,
    events: z.number().int(),
    selected_keys: z.number().int(),
    selected_events: z.number().int(),
  }),
  fragments: { ...breakerFragments, sort_terms: [sortTermsSql(Object.fromEntries(HISTORY_SQL_SORTS.map((c) => [c, c])))] },
});

export const breakerHistorySummary = defineQuery({
  name: "breaker_history_summary",
  file: "monitoring/breaker_history_summary.sql",
  params: z.object(attemptWindow),
  types: attemptWindowTypes,
  row: facetRow,
  fragments: breakerFragments,
});

export const breakerTrend = defineQuery({
  name: "breaker_trend",
  file: "monitoring/breaker_trend.sql",
  params: z.object(attemptWindow),
  types: attemptWindowTypes,
  row: breakerTrendRow,
  fragments: breakerFragments,
});

export const trends = defineQuery({
  name: "trends",
  file: "monitoring/trends.sql",
  params: z.object(outputWindow),
  types: outputWindowTypes,
  row: monitoringRows.trends,
  fragments: { evaluated_entities: [evaluatedEntitiesSql({ columns: ["completeness_percentage", "is_production_ready"] })] },
});

export const belowThreshold = defineQuery({
  name: "below_threshold",
  file: "monitoring/below_threshold.sql",
  params: z.object(outputWindow),
  types: outputWindowTypes,
  row: monitoringRows["below-threshold"],
  fragments: { evaluated_entities: [evaluatedEntitiesSql({ columns: EVALUATED_COLUMNS })] },
});

export const breakerHistory = defineQuery({
  name: "breaker_history",
  file: "monitoring/breaker_history.sql",
  params: z.object(attemptWindow),
  types: attemptWindowTypes,
  row: monitoringRows["breaker-history"],
  fragments: breakerFragments,
});

export const bootstrap = defineQuery({
  name: "bootstrap",
  file: "monitoring/bootstrap.sql",
  params: z.object(outputWindow),
  types: outputWindowTypes,
  row: monitoringRows.bootstrap,
  fragments: { processor_outputs: [processorOutputsSql({ columns: ["backfill_bootstrap_mode"] })] },
});

/** `window` is a reserved word in BigQuery: the SQL says window_id and the row is renamed here. */
const multiWindowSqlRow = monitoringRows["multi-window"].omit({ window: true }).extend({ window_id: z.string() });

export const multiWindow = defineQuery({
  name: "multi_window",
  file: "monitoring/multi_window.sql",
  params: z.object(outputWindow),
  types: outputWindowTypes,
  row: multiWindowSqlRow,
  fragments: {
    multi_window_outputs: [multiWindowOutputsSql()],
    processor_windows: [processorWindowsSql()],
    window_pct: [windowValueSql("completeness_pct")],
    window_complete: [windowValueSql("is_complete")],
  },
});

export const readiness = defineQuery({
  name: "readiness",
  file: "monitoring/readiness.sql",
  params: z.object(outputWindow),
  types: outputWindowTypes,
  row: monitoringRows.readiness,
  fragments: {
    processor_list: [processorListSql()],
    evaluated_entities: [evaluatedEntitiesSql({ columns: ["completeness_percentage", "is_production_ready"] })],
  },
});

export const patterns = defineQuery({
  name: "patterns",
  file: "monitoring/patterns.sql",
  params: z.object(attemptWindow),
  types: attemptWindowTypes,
  row: monitoringRows.patterns,
  fragments: breakerFragments,
});

export const dataAsOf = defineQuery({
  name: "data_as_of",
  file: "monitoring/data_as_of.sql",
  params: z.object(outputWindow),
  types: outputWindowTypes,
  row: z.object({ as_of: isoDate.nullable() }),
  fragments: { evaluated_dates: [evaluatedDatesSql()] },
});

export const MONITORING_DEFINITIONS = [
  health,
  activeBreakers,
  trends,
  belowThreshold,
  breakerHistory,
  bootstrap,
  multiWindow,
  readiness,
  patterns,
  dataAsOf,
  activeBreakersPage,
  activeBreakersSummary,
  breakerHistoryPage,
  breakerHistorySummary,
  breakerTrend,
] as const;

// ---------------------------------------------------------------------------------------------
// Evaluation points → parameters

/** What every monitoring query is evaluated at. */
export interface MonitoringContext {
  /** The date the output-table queries end at (YYYY-MM-DD). */
  as_of: IsoDate;
  /** The instant breaker state and attempt windows are measured at (ISO 8601). */
  now: string;
  /** The season calendar (the demo database registers a shifted season). */
  calendar?: SeasonCalendar;
}

const dateOf = (instant: string): IsoDate => toIsoInstant(instant).slice(0, 10);

/** The attempted_at window of `days` ending at now, with its bounding analysis_date range. */
export function attemptWindowParams(now: string, days: number) {
  const since = addDaysToInstant(now, -days);
  return {
    since,
    now: toIsoInstant(now),
    date_from: addDays(dateOf(since), -ATTEMPT_LAG_DAYS),
    date_to: addDays(dateOf(now), ATTEMPT_LEAD_DAYS),
  };
}

/**
 * The dates of the season of `as_of`: from its opening night (the calendar's, via
 * seasonStartFor) to as_of. In October before opening night the season ahead is the one being
 * prepared (preseason dates are bootstrap): from October 1st of as_of's season year.
 */
export function seasonRange(asOf: IsoDate, calendar: SeasonCalendar = DEFAULT_SEASON_CALENDAR): { date_from: IsoDate; date_to: IsoDate } {
  const start = seasonStartFor(asOf, calendar);
  return { date_from: start <= asOf ? start : `${String(seasonYearOf(asOf)).padStart(4, "0")}-10-01`, date_to: asOf };
}

/** The data-as-of query's bounds for an instant. */
export function dataAsOfParams(now: string): { date_from: IsoDate; date_to: IsoDate } {
  const today = dateOf(now);
  return { date_from: addDays(today, -DATA_AS_OF_LOOKBACK_DAYS), date_to: today };
}

/** Hours from `now` to `until`, one decimal (computed here: no timestamp-difference function is common to BigQuery and DuckDB). */
export function hoursRemaining(until: string, now: string): number {
  return Math.round((instantMs(until) - instantMs(now)) / 360_000) / 10;
}

/** The analysis dates whose keys can be active at `now` (see ACTIVE_BREAKER_LOOKBACK_DAYS). */
export function activeBreakerDates(now: string): { date_from: IsoDate; date_to: IsoDate } {
  const today = dateOf(now);
  return { date_from: addDays(today, -ACTIVE_BREAKER_LOOKBACK_DAYS), date_to: addDays(today, ACTIVE_BREAKER_LEAD_DAYS) };
}

const lastDays = (asOf: IsoDate, days: number) => ({ date_from: addDays(asOf, -(days - 1)), date_to: asOf });

/**
 * Run one monitoring query at an evaluation point and return rows in the contract's shape
 * (lib/monitoring/schemas.ts). The data layer (lib/data/monitoring.ts) adds caching and
 * validation; tests call this directly with a fixture warehouse.
 */
export async function runMonitoringQuery<N extends MonitoringQueryName>(
  wh: Warehouse,
  name: N,
  ctx: MonitoringContext,
): Promise<MonitoringRow<N>[]> {
  return (await runAny(wh, name, ctx)) as MonitoringRow<N>[];
}

async function runAny(wh: Warehouse, name: MonitoringQueryName, ctx: MonitoringContext): Promise<unknown[]> {
  const now = toIsoInstant(ctx.now);
  const day = { date_from: ctx.as_of, date_to: ctx.as_of };
  const breakerDates = activeBreakerDates(now);
  switch (name) {
    case "health": {
      const h = lastDays(ctx.as_of, ALERT_WINDOW_DAYS);
      return health.run(wh, { ...h, breaker_date_from: breakerDates.date_from, breaker_date_to: breakerDates.date_to, now });
    }
    case "active-breakers": {
      const rows = await activeBreakers.run(wh, { ...breakerDates, now });
      return rows.map((r) => ({
        processor: r.processor,
        entity_id: r.entity_id,
        analysis_date: r.analysis_date,
        attempt_number: r.attempt_number,
        completeness_pct: r.completeness_pct,
        skip_reason: r.skip_reason,
        tripped_at: r.tripped_at,
        breaker_until: r.breaker_until,
        hours_remaining: hoursRemaining(r.breaker_until, now),
        notes: r.notes,
      }));
    }
    case "trends":
      return trends.run(wh, lastDays(ctx.as_of, TRENDS_DAYS));
    case "below-threshold":
      return belowThreshold.run(wh, day);
    case "breaker-history":
      return breakerHistory.run(wh, attemptWindowParams(now, HISTORY_DAYS));
    case "bootstrap":
      return bootstrap.run(wh, seasonRange(ctx.as_of, ctx.calendar));
    case "multi-window": {
      const rows = await multiWindow.run(wh, day);
      return rows.map((r) => ({
        processor: r.processor,
        entity_id: r.entity_id,
        date: r.date,
        window: r.window_id,
        completeness_pct: r.completeness_pct,
        is_complete: r.is_complete,
      }));
    }
    case "readiness":
      return readiness.run(wh, day);
    case "patterns":
      return patterns.run(wh, attemptWindowParams(now, PATTERN_DAYS));
  }
}

/** The first date the fallback lookup of `latestOutputDate` considers. */
export const DATA_AS_OF_EARLIEST: IsoDate = "2000-01-01";

/**
 * The latest date with processor output up to `now`'s date, or null when there is none. The
 * lookup reads the last 400 days' partitions; only when they hold nothing (a pipeline stopped
 * for over a year, or an old snapshot) does a second lookup read every partition since 2000 —
 * the expensive scan happens only when the cheap one has no answer.
 */
export async function latestOutputDate(wh: Warehouse, now: string): Promise<IsoDate | null> {
  const bounds = dataAsOfParams(now);
  const [recent] = await dataAsOf.run(wh, bounds);
  if (recent?.as_of) return recent.as_of;
  const [any] = await dataAsOf.run(wh, { date_from: DATA_AS_OF_EARLIEST, date_to: bounds.date_to });
  return any?.as_of ?? null;
}

// ---------------------------------------------------------------------------------------------
// The breaker lists, a page at a time

/** The Active list's filters as the warehouse applies them (the verdict filter is the data layer's). */
export interface ActiveSqlFilters {
  processor: readonly string[];
  date?: IsoDate;
  reason?: string;
  q?: string;
}

/** The history's filters as the warehouse applies them. */
export interface HistorySqlFilters {
  processor: readonly string[];
  entity?: string;
  q?: string;
  date?: IsoDate;
  event?: string;
}

export interface SqlSort<S extends string> {
  sort: S;
  dir: "asc" | "desc";
}

/** A facet's values with their counts: by count (most first, then value), or by value descending. */
export interface Counted {
  value: string;
  count: number;
}
function facetOf(rows: readonly FacetRow[], facet: string, order: "count" | "value-desc"): Counted[] {
  const out = rows.filter((r) => r.facet === facet && r.value !== null).map((r) => ({ value: r.value!, count: r.n }));
  const byValue = (a: Counted, b: Counted) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
  return out.sort(order === "count" ? (a, b) => b.count - a.count || byValue(a, b) : (a, b) => byValue(b, a));
}

function activeFilterValues(now: string, f: ActiveSqlFilters) {
  return { ...activeBreakerDates(now), now, ...processorFilter(f.processor), date: f.date ?? null, reason: f.reason ?? null, q: f.q ?? null };
}

/** One page (`limit` rows from `offset`) of the active keys the filters select, in the sort (then by key). */
export async function readActiveBreakersPage(
  wh: Warehouse,
  nowParam: string,
  filters: ActiveSqlFilters,
  sort: SqlSort<ActiveSqlSort>,
  limit: number,
  offset: number,
): Promise<MonitoringRow<"active-breakers">[]> {
  const now = toIsoInstant(nowParam);
  const rows = await activeBreakersPage.run(wh, { ...activeFilterValues(now, filters), ...pageValues(sort, limit, offset) });
  return rows.map((r) => ({ ...r, hours_remaining: hoursRemaining(r.breaker_until, now) }));
}

export interface ActiveSummary {
  /** Active keys before filtering. */
  all: number;
  /** Active keys the filters select. */
  selected: number;
  /** Active keys per analysis date, newest date first. */
  dates: Counted[];
  /** Active keys per skip reason, most first. */
  reasons: Counted[];
}

export async function readActiveBreakersSummary(wh: Warehouse, nowParam: string, filters: ActiveSqlFilters): Promise<ActiveSummary> {
  const rows = await activeBreakersSummary.run(wh, activeFilterValues(toIsoInstant(nowParam), filters));
  return { all: figure(rows, "all"), selected: figure(rows, "selected"), dates: facetOf(rows, "date", "value-desc"), reasons: facetOf(rows, "reason", "count") };
}

function historyFilterValues(now: string, f: HistorySqlFilters) {
  return {
    ...attemptWindowParams(now, HISTORY_DAYS),
    ...processorFilter(f.processor),
    entity: f.entity ?? null,
    q: f.q ?? null,
    date: f.date ?? null,
    event: f.event ?? null,
  };
}

/** A key of the breaker history with its rows in the window, in attempt order. */
export interface HistoryKey {
  processor: string;
  entity_id: string;
  analysis_date: IsoDate;
  latest: string;
  events: MonitoringRow<"breaker-history">[];
}

/** A page of the history's keys, and the keys the filters select with their rows (null: the page is empty). */
export interface HistoryPage {
  keys: HistoryKey[];
  selected: { keys: number; events: number } | null;
}

/** One page (`limit` keys from `offset`) of the history's keys the filters select, each with its rows. */
export async function readBreakerHistoryPage(
  wh: Warehouse,
  nowParam: string,
  filters: HistorySqlFilters,
  sort: SqlSort<(typeof HISTORY_SQL_SORTS)[number]>,
  limit: number,
  offset: number,
): Promise<HistoryPage> {
  const rows = await breakerHistoryPage.run(wh, { ...historyFilterValues(toIsoInstant(nowParam), filters), ...pageValues(sort, limit, offset) });
  // The rows come key by key in the page's order, each key's in attempt order.
  const keys: HistoryKey[] = [];
  for (const { latest, events: _events, selected_keys: _keys, selected_events: _selected, ...row } of rows) {
    const last = keys.at(-1);
    if (last && last.processor === row.processor && last.entity_id === row.entity_id && last.analysis_date === row.analysis_date) last.events.push(row);
    else keys.push({ processor: row.processor, entity_id: row.entity_id, analysis_date: row.analysis_date, latest, events: [row] });
  }
  const first = rows[0];
  return { keys, selected: first ? { keys: first.selected_keys, events: first.selected_events } : null };
}

export interface HistorySummary {
  /** Rows in the window before filtering. */
  all: number;
  /** Rows per event in the window, most first. */
  eventCounts: Counted[];
}

/** What the history counts besides its page: the window's rows, all and per event (the filters change neither). */
export async function readBreakerHistorySummary(wh: Warehouse, nowParam: string): Promise<HistorySummary> {
  const rows = await breakerHistorySummary.run(wh, attemptWindowParams(toIsoInstant(nowParam), HISTORY_DAYS));
  return { all: figure(rows, "all"), eventCounts: facetOf(rows, "event", "count") };
}

/**
 * The trends page's trips per processor and analysis date and unaudited override and reset rows
 * per day, over the attempts made in `days` days ending at `now` (one query, however long the
 * range).
 */
export async function readBreakerTrend(wh: Warehouse, nowParam: string, days: number): Promise<BreakerTrendRow[]> {
  return breakerTrend.run(wh, attemptWindowParams(toIsoInstant(nowParam), days));
}
