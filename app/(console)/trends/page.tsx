import type { Metadata } from "next";
import { Suspense } from "react";

import { seasonStartFor } from "@/lib/completeness/calendar";
import { addDays } from "@/lib/completeness/dates";
import { PROCESSORS } from "@/lib/completeness/processors";
import { ALERT_WINDOW_DAYS } from "@/lib/completeness/alerts";
import { alertThresholds, defaultNow, getBreakerTrend, getDataAsOf, getMonitoring, getSeasonCalendar } from "@/lib/data/monitoring";
import { getOverrideTrends } from "@/lib/data/override-trends";
import { getTrendAnnotations } from "@/lib/data/trend-annotations";
import { getThresholdPassCounts } from "@/lib/data/thresholds";
import { type RawSearchParams, type TrendsSearch, hrefFor, parseSearchParams, trendsSearchSchema } from "@/lib/url-state";

import { DataPageHeader } from "@/components/layout/data-as-of";
import { PanelSkeleton } from "@/components/ui/panel";
import { PanelBoundary } from "@/components/ui/panel-boundary";

import { OVERRIDE_TRENDS_TITLE, OverrideTrendsPanel } from "./_components/override-trends-panel";
import { RangeBar } from "./_components/range-bar";
import { THRESHOLD_PANEL_TITLE, ThresholdPanel } from "./_components/threshold-panel";
import { TrendsPanel } from "./_components/trends-panel";
import { type ResolvedRange, buildTrendsView, firstHistoryNow, resolveRange, trendChunks, windowFigures } from "./_components/trends-view";

export const metadata: Metadata = { title: "Trends" };
export const dynamic = "force-dynamic";

const RANGES = [
  { range: "7", label: "7 days" },
  { range: "30", label: "30 days" },
  { range: "90", label: "90 days" },
  { range: "season", label: "Season" },
] as const;

/** The registry's production-ready threshold: one line when every processor shares it (the default). */
function registryThreshold(): number {
  const values = [...new Set(PROCESSORS.map((p) => p.threshold))];
  return values.length === 1 ? values[0]! : Math.min(...values);
}

/**
 * The chart's operator annotations run through today when the range ends at the latest data
 * (the simulation and the nightly runs end yesterday; operators act today), else through its
 * last date.
 */
function annotationsThrough(range: ResolvedRange, latestData: string, now: string): string {
  const today = now.slice(0, 10);
  return range.to >= latestData && today > range.to ? today : range.to;
}

async function Trends({ search, range, latestData }: { search: TrendsSearch; range: ResolvedRange; latestData: string }) {
  const now = defaultNow();
  const historyFirstNow = firstHistoryNow(range.to, now);
  const [trends, trips, health, audited] = await Promise.all([
    Promise.all(trendChunks(range.from, range.to).map((asOf) => getMonitoring("trends", { as_of: asOf }))),
    // Trips and unaudited operator rows, counted in the warehouse over the whole range.
    getBreakerTrend(range.from, { now: historyFirstNow }),
    // The 7 days ending at the range's end, as the overview and the alerts show them.
    getMonitoring("health", { as_of: range.to }),
    getTrendAnnotations(range.from, annotationsThrough(range, latestData, now)),
  ]);
  const env = alertThresholds();
  return (
    <TrendsPanel
      initial={buildTrendsView(range, trends, trips, audited, windowFigures(health, ALERT_WINDOW_DAYS))}
      audited={audited}
      range={range}
      asOf={search.as_of}
      historyFirstNow={historyFirstNow}
      thresholds={{ readyPct: env.warningReadyPct, avgCompleteness: env.infoAvgCompleteness, productionReady: registryThreshold() }}
    />
  );
}

/** The threshold what-if on the range's last date (the data-as-of date unless a custom range ends elsewhere). */
async function Thresholds({ date }: { date: string }) {
  return <ThresholdPanel data={await getThresholdPassCounts({ as_of: date })} />;
}

/** Overrides and trips per processor and ISO week over the weeks the range touches. */
async function OverrideTrends({ from, to }: { from: string; to: string }) {
  const data = await getOverrideTrends(from, to);
  return <OverrideTrendsPanel weeks={data.weeks} rows={data.rows} now={data.now} />;
}

const OVERRIDE_TRENDS_HEIGHT = 900;

// Measured at 1280 px wide (demo data): the seven rows, header and the two notes.
const THRESHOLDS_HEIGHT = 740;

export default async function TrendsPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const search = parseSearchParams(trendsSearchSchema, await searchParams);
  const latestData = (await getDataAsOf()).as_of ?? addDays(defaultNow().slice(0, 10), -1);
  const asOf = search.as_of ?? latestData;
  const range = resolveRange(search, asOf, seasonStartFor(asOf, getSeasonCalendar()));
  const keep = { as_of: search.as_of, hide: search.hide };
  const links = RANGES.map((r) => ({ ...r, href: hrefFor("/trends", { ...keep, range: r.range === "30" ? undefined : r.range }), current: search.range === r.range }));
  return (
    <>
      <DataPageHeader
        title="Trends"
        lede="Completeness, readiness and breaker trips per processor over weeks, with the alert thresholds and the operators' overrides and resets on the time axis; what the overrides led to, week by week."
        pinned={search.as_of}
      />
      <RangeBar links={links} from={range.from} to={range.to} custom={search.range === "custom"} />
      <PanelBoundary id="trends" title="Trends" minHeight={1210}>
        <Suspense key={`${range.from}|${range.to}`} fallback={<PanelSkeleton id="trends" title="Trends" minHeight={1210} lines={12} />}>
          <Trends search={search} range={range} latestData={latestData} />
        </Suspense>
      </PanelBoundary>
      <PanelBoundary id="override-trends" title={OVERRIDE_TRENDS_TITLE} minHeight={OVERRIDE_TRENDS_HEIGHT}>
        <Suspense key={`${range.from}|${range.to}`} fallback={<PanelSkeleton id="override-trends" title={OVERRIDE_TRENDS_TITLE} minHeight={OVERRIDE_TRENDS_HEIGHT} lines={10} />}>
          <OverrideTrends from={range.from} to={range.to} />
        </Suspense>
      </PanelBoundary>
      <PanelBoundary id="thresholds" title={THRESHOLD_PANEL_TITLE} minHeight={THRESHOLDS_HEIGHT}>
        <Suspense key={range.to} fallback={<PanelSkeleton id="thresholds" title={THRESHOLD_PANEL_TITLE} minHeight={THRESHOLDS_HEIGHT} lines={8} />}>
          <Thresholds date={range.to} />
        </Suspense>
      </PanelBoundary>
    </>
  );
}
