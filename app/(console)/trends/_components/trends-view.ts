/**
 * The trends page's view: per processor and day, average completeness and ready % (the trends
 * query) and breaker trips (the breaker-history query), plus override and reset events for the
 * time axis. Pure and client-safe: the server page and the client refresh both use it.
 *
 * Ranges longer than the queries' 30 days are read as successive 30-day windows (`as_of` for
 * trends, `now` for breaker history) and stitched; nothing is interpolated or invented: a day
 * without rows is a gap.
 */
import { type IsoDate, addDays, addDaysToInstant, daysBetween } from "@/lib/completeness/dates";
import { PROCESSORS, type ProcessorName, isProcessorName } from "@/lib/completeness/processors";
import type { MonitoringRow } from "@/lib/monitoring/schemas";
import type { TrendRange, TrendsSearch } from "@/lib/url-state";

import { type MonitoringResultLike, type PanelMeta, mergeMeta, metaOf } from "@/components/ui/monitoring-query";

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

/** `now` values whose 30-day windows cover attempts from `from` (00:00 UTC) to `firstNow`. */
export function historyChunkNows(firstNow: string, from: IsoDate): string[] {
  const start = `${from}T00:00:00.000Z`;
  const out = [firstNow];
  let now = firstNow;
  while (addDaysToInstant(now, -QUERY_DAYS) > start && out.length < 20) {
    now = addDaysToInstant(now, -QUERY_DAYS);
    out.push(now);
  }
  return out;
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
  overrides: number;
  resets: number;
  actors: string[];
}

export interface TrendsView {
  meta: PanelMeta;
  range: ResolvedRange;
  dates: IsoDate[];
  series: ProcessorTrend[];
  events: AxisEvent[];
  /** The breaker-history `now` values read (the first one decides the rest). */
  historyNows: string[];
}

type HistoryRow = MonitoringRow<"breaker-history">;

export function buildTrendsView(
  range: ResolvedRange,
  trends: readonly MonitoringResultLike<"trends">[],
  history: readonly MonitoringResultLike<"breaker-history">[],
): TrendsView {
  const dates = Array.from({ length: range.days }, (_, i) => addDays(range.from, i));
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
  // Successive windows do not overlap, but a row seen twice must count once.
  const seen = new Set<string>();
  const events = new Map<string, AxisEvent>();
  for (const result of history) {
    for (const r of result.rows as HistoryRow[]) {
      const id = `${r.attempted_at}|${r.processor}|${r.entity_id}|${r.analysis_date}|${r.attempt_number}|${r.event}`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (r.event === "trip") {
        const i = index.get(r.analysis_date);
        const s = series.get(r.processor);
        if (i !== undefined && s) s.trips[i]! += 1;
      } else if (r.event === "override" || r.event === "reset") {
        const day = r.attempted_at.slice(0, 10);
        if (!index.has(day)) continue;
        let e = events.get(day);
        if (!e) {
          e = { date: day, overrides: 0, resets: 0, actors: [] };
          events.set(day, e);
        }
        if (r.event === "override") e.overrides += 1;
        else e.resets += 1;
        if (r.actor && !e.actors.includes(r.actor)) e.actors.push(r.actor);
      }
    }
  }
  const metas = [...trends, ...history].map((r) => metaOf(r));
  return {
    meta: mergeMeta(...metas),
    range,
    dates,
    series: [...series.values()].filter((s) => isProcessorName(s.processor)),
    events: [...events.values()].sort((a, b) => (a.date < b.date ? -1 : 1)),
    historyNows: history.map((h) => h.now),
  };
}
