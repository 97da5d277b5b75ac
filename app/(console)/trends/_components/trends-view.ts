/**
 * The trends page's view: per processor and day, average completeness and ready % (the trends
 * query) and breaker trips (the breaker-history query), plus override and reset events for the
 * time axis. Pure and client-safe: the server page and the client refresh both use it.
 *
 * Operator events come from the audit (every override, bulk override, reset and restore the
 * console recorded, also those whose rows a later reset deleted), plus override and reset rows
 * written outside the console (no actor: the original pipeline's helper scripts), which have no
 * audit record. When the audit holds actions after the range's last date (today's, while the
 * range ends at the data date), the axis runs on to the last of them, without values there.
 *
 * Ranges longer than the trends query's 30 days are read as successive 30-day windows (`as_of`)
 * and stitched; trips and unaudited operator rows come counted by the server over the attempts
 * of the 30-day windows ending at the first `now` that reach back to the range's start
 * (`breaker-history?view=trend`, one query). Nothing is interpolated or invented: a day without
 * rows is a gap.
 */
import { type IsoDate, addDays, daysBetween } from "@/lib/completeness/dates";
import { PROCESSORS, type ProcessorName, isProcessorName } from "@/lib/completeness/processors";
import type { BreakerTrendRow } from "@/lib/monitoring/lists";
import type { TrendRange, TrendsSearch } from "@/lib/url-state";

import { type MonitoringResultLike, type PanelMeta, mergeMeta, metaOf, pageMeta } from "@/lib/monitoring/query";

/** Days per read of the trends and breaker-history queries. */
export const QUERY_DAYS = 30;
/** The longest range read (a season is about 180 days; a custom range is clamped to this). */
export const MAX_RANGE_DAYS = 366;
/**
 * Trips are counted per analysis date (the day processed, the x axis of every chart) from the
 * attempts made up to this many days after the range ends: a key's trip comes 2–3 nightly
 * attempts after its date, a re-trip after a 7-day cooldown.
 */
export const TRIP_LAG_DAYS = 8;

export interface ResolvedRange {
  range: TrendRange;
  from: IsoDate;
  to: IsoDate;
  days: number;
  label: string;
}

/** The dates a range covers. `asOf`: the data-as-of date; `seasonStart`: its season's opening night. */
export function resolveRange(search: Pick<TrendsSearch, "range" | "from" | "to">, asOf: IsoDate, seasonStart: IsoDate): ResolvedRange {
  const make = (range: TrendRange, from: IsoDate, to: IsoDate, label: string): ResolvedRange => {
    const clampedFrom = daysBetween(from, to) >= MAX_RANGE_DAYS ? addDays(to, -(MAX_RANGE_DAYS - 1)) : from;
    return { range, from: clampedFrom, to, days: daysBetween(clampedFrom, to) + 1, label };
  };
  switch (search.range) {
    case "7":
    case "30":
    case "90": {
      const n = Number(search.range);
      return make(search.range, addDays(asOf, -(n - 1)), asOf, `last ${n} days`);
    }
    case "season":
      return make("season", seasonStart <= asOf ? seasonStart : addDays(asOf, -29), asOf, "this season");
    case "custom": {
      let from = search.from ?? addDays(search.to ?? asOf, -29);
      let to = search.to ?? asOf;
      if (from > to) [from, to] = [to, from];
      return make("custom", from, to, "custom range");
    }
  }
}

/** `as_of` values whose 30-date windows cover [from, to]: to, to − 30, … */
export function trendChunks(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  let asOf = to;
  for (;;) {
    out.push(asOf);
    if (addDays(asOf, -(QUERY_DAYS - 1)) <= from) return out;
    asOf = addDays(asOf, -QUERY_DAYS);
  }
}

/**
 * The first breaker-history `now` for a range: the current default (undefined) when the range
 * ends recently, else the end of the trip window after `to`, so an old range reads old history.
 */
export function firstHistoryNow(to: IsoDate, currentNow: string): string | undefined {
  const end = `${addDays(to, TRIP_LAG_DAYS)}T00:00:00.000Z`;
  return end < currentNow ? end : undefined;
}

export interface ProcessorTrend {
  processor: ProcessorName;
  short: string;
  completeness: (number | null)[];
  ready: (number | null)[];
  records: (number | null)[];
  trips: number[];
}

export interface AxisEvent {
  date: IsoDate;
  /** Keys overridden that day (single and bulk overrides). */
  overrides: number;
  /** Keys reset. */
  resets: number;
  /** Resets undone. */
  restores: number;
  actors: string[];
}

/** One audited action (sql/monitoring/trend_annotations.sql). */
export interface AuditedAction {
  action: "override" | "bulk_override" | "reset" | "restore";
  actor: string;
  key_count: number;
  created_at: string;
}

/** The 7-day figures of the health read (the overview's and the alerts'), per processor. */
export interface WindowFigures {
  from: IsoDate;
  to: IsoDate;
  byProcessor: Partial<Record<ProcessorName, { ready: number | null; completeness: number | null; records: number }>>;
}

export interface TrendsView {
  meta: PanelMeta;
  range: ResolvedRange;
  dates: IsoDate[];
  series: ProcessorTrend[];
  events: AxisEvent[];
  /** The 7 days ending at the range's last date, as the overview shows them; null when not read. */
  window: WindowFigures | null;
  /** The `now` the trips were counted at. */
  tripsNow: string;
}

/** The breaker history's counts for the trends (`breaker-history?view=trend`), with when they were read. */
export interface TripCounts {
  as_of: string;
  now: string;
  read_at?: string;
  stale?: boolean;
  error?: unknown;
  rows: BreakerTrendRow[];
}

/** The health read's per-processor figures over its 7 dates (ending at its as_of). */
export function windowFigures(health: MonitoringResultLike<"health">, days: number): WindowFigures {
  const byProcessor: WindowFigures["byProcessor"] = {};
  for (const r of health.rows) {
    if (isProcessorName(r.processor)) byProcessor[r.processor] = { ready: r.production_ready_pct, completeness: r.avg_completeness_pct, records: r.total_records };
  }
  return { from: addDays(health.as_of, -(days - 1)), to: health.as_of, byProcessor };
}

function eventOn(events: Map<string, AxisEvent>, day: IsoDate): AxisEvent {
  let e = events.get(day);
  if (!e) {
    e = { date: day, overrides: 0, resets: 0, restores: 0, actors: [] };
    events.set(day, e);
  }
  return e;
}

export function buildTrendsView(
  range: ResolvedRange,
  trends: readonly MonitoringResultLike<"trends">[],
  trips: TripCounts,
  audited: readonly AuditedAction[] = [],
  window: WindowFigures | null = null,
): TrendsView {
  // The axis: the range, continued to the day of the last audited action after it.
  const lastAction = audited.reduce<IsoDate>((last, a) => (a.created_at.slice(0, 10) > last ? a.created_at.slice(0, 10) : last), range.to);
  const axisDays = daysBetween(range.from, lastAction) + 1;
  const dates = Array.from({ length: axisDays }, (_, i) => addDays(range.from, i));
  const index = new Map(dates.map((d, i) => [d, i]));
  const series = new Map<string, ProcessorTrend>(
    PROCESSORS.map((p) => [
      p.name,
      {
        processor: p.name,
        short: p.short,
        completeness: dates.map(() => null),
        ready: dates.map(() => null),
        records: dates.map(() => null),
        trips: dates.map(() => 0),
      },
    ]),
  );
  for (const result of trends) {
    for (const r of result.rows) {
      const i = index.get(r.date);
      const s = series.get(r.processor);
      if (i === undefined || !s) continue;
      s.completeness[i] = r.avg_completeness_pct;
      s.ready[i] = r.production_ready_pct;
      s.records[i] = r.records;
    }
  }
  const events = new Map<string, AxisEvent>();
  for (const r of trips.rows) {
    if (r.event === "trip") {
      const i = index.get(r.date);
      const s = r.processor === null ? undefined : series.get(r.processor);
      if (i !== undefined && s) s.trips[i]! += r.n;
    } else {
      // Written outside the console (no audit record): the row is all there is.
      if (!index.has(r.date)) continue;
      const e = eventOn(events, r.date);
      if (r.event === "override") e.overrides += r.n;
      else e.resets += r.n;
    }
  }
  for (const a of audited) {
    const day = a.created_at.slice(0, 10);
    if (!index.has(day)) continue;
    const e = eventOn(events, day);
    if (a.action === "override" || a.action === "bulk_override") e.overrides += a.key_count;
    else if (a.action === "reset") e.resets += a.key_count;
    else e.restores += a.key_count;
    if (!e.actors.includes(a.actor)) e.actors.push(a.actor);
  }
  const metas = [...trends.map((r) => metaOf(r)), pageMeta(trips)];
  return {
    meta: mergeMeta(...metas),
    range,
    dates,
    series: [...series.values()].filter((s) => isProcessorName(s.processor)),
    events: [...events.values()].sort((a, b) => (a.date < b.date ? -1 : 1)),
    window,
    tripsNow: trips.now,
  };
}
