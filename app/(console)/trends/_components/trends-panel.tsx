"use client";

import { useSearchParams } from "next/navigation";
import { useMemo } from "react";

import { type ProcessorName, resolveProcessorName } from "@/lib/completeness/processors";
import { formatCount, formatDateLong, formatNumber, toCsv } from "@/lib/format";
import { hrefWith } from "@/components/ui/href";

import { type ChartMarker, type ChartRow, type ChartSeries, TimeLineChart } from "@/components/charts/line-chart";
import { CsvButton } from "@/components/ui/csv-button";
import { monitoringKeys, usePanelQuery, useResultLoader } from "@/components/ui/monitoring-query";
import { Panel } from "@/components/ui/panel";
import { PanelStatus, ReadStamp } from "@/components/ui/panel-status";

import { type ResolvedRange, type TrendsView, buildTrendsView, historyChunkNows, trendChunks } from "./trends-view";

/** Dash patterns by registry order: with the colours, every processor's line is distinct without colour too. */
const DASHES = ["", "8 4", "2 3", "10 3 2 3", "5 5", "1 4", "14 4"];

export interface TrendThresholds {
  /** Warning when a processor's ready % is under this (ALERT_WARNING_READY_PCT). */
  readyPct: number;
  /** Info when average completeness is under this (ALERT_INFO_AVG_COMPLETENESS_PCT). */
  avgCompleteness: number;
  /** The registry's production-ready threshold (per processor; 90 for all by default). */
  productionReady: number;
}

const pct2 = (v: number) => `${formatNumber(v, 2)}%`;

function lowerBound(values: (number | null)[], threshold: number): number {
  const known = values.filter((v): v is number => v !== null);
  const lowest = Math.min(threshold, ...known);
  return Math.max(0, Math.floor((lowest - 5) / 10) * 10);
}

function Swatch({ color, dash }: { color: string; dash: string }) {
  return (
    <svg className="legend-swatch" viewBox="0 0 26 10" aria-hidden="true">
      <line x1="1" x2="25" y1="5" y2="5" stroke={color} strokeWidth="3" strokeDasharray={dash || undefined} />
    </svg>
  );
}

/** Completeness, readiness and trips per processor over the range, one legend toggling processors for all three. */
export function TrendsPanel({
  initial,
  range,
  asOf,
  thresholds,
  historyFirstNow,
}: {
  initial: TrendsView;
  range: ResolvedRange;
  /** The first breaker-history `now` the server read (undefined: the current default). */
  historyFirstNow?: string;
  /** The page's as_of parameter (undefined: latest data). */
  asOf?: string;
  thresholds: TrendThresholds;
}) {
  const load = useResultLoader();
  const query = usePanelQuery(monitoringKeys.panel("trends", { range: range.range, from: range.from, to: range.to, asOf }), initial, async () => {
    const trends = await Promise.all(trendChunks(range.from, range.to).map((a) => load("trends", { as_of: a })));
    // The first history window decides the others (its `now` is the server's default unless the range is old).
    const first = await load("breaker-history", { now: historyFirstNow });
    const rest = await Promise.all(historyChunkNows(first.now, range.from).slice(1).map((n) => load("breaker-history", { now: n })));
    return buildTrendsView(range, trends, [first, ...rest]);
    // Trips come from the breaker history (megabytes per 30 days): refreshed on the Refresh button only.
  }, { refreshEvery: false });
  const view = query.data;

  // Processors hidden by the legend live in the URL (`hide`), changed without a server round trip.
  const searchParams = useSearchParams();
  const hidden = useMemo(
    () => new Set((searchParams.get("hide") ?? "").split(",").map((s) => resolveProcessorName(s)).filter((p): p is ProcessorName => Boolean(p))),
    [searchParams],
  );
  function toggle(processor: ProcessorName) {
    const next = new Set(hidden);
    if (next.has(processor)) next.delete(processor);
    else next.add(processor);
    const href = hrefWith(window.location.pathname, window.location.search.slice(1), { hide: [...next] });
    window.history.replaceState(null, "", href);
  }

  const series: ChartSeries[] = view.series.map((s, i) => ({
    key: s.processor,
    label: s.processor,
    color: `var(--series-${(i % 7) + 1})`,
    dash: DASHES[i % DASHES.length]!,
  }));
  const visible = view.series.filter((s) => !hidden.has(s.processor));

  const rows = useMemo(() => {
    const build = (pick: (s: TrendsView["series"][number]) => (number | null)[]): ChartRow[] =>
      view.dates.map((x, i) => {
        const row: ChartRow = { x };
        for (const s of view.series) row[s.processor] = pick(s)[i] ?? null;
        return row;
      });
    return { completeness: build((s) => s.completeness), ready: build((s) => s.ready), trips: build((s) => s.trips) };
  }, [view]);

  const markers: ChartMarker[] = view.events.map((e) => {
    const parts = [e.overrides ? `↷ ${formatCount(e.overrides)}` : "", e.resets ? `⟲ ${formatCount(e.resets)}` : ""].filter(Boolean);
    const words = [
      e.overrides ? `${formatCount(e.overrides)} override${e.overrides === 1 ? "" : "s"}` : "",
      e.resets ? `${formatCount(e.resets)} reset${e.resets === 1 ? "" : "s"}` : "",
    ].filter(Boolean);
    return { x: e.date, label: parts.join(" "), description: `${words.join(", ")}${e.actors.length ? ` by ${e.actors.join(", ")}` : ""}` };
  });

  const completenessLow = lowerBound(visible.flatMap((s) => s.completeness), Math.min(thresholds.avgCompleteness, thresholds.productionReady));
  const readyLow = lowerBound(visible.flatMap((s) => s.ready), thresholds.readyPct);
  const noData = view.series.every((s) => s.records.every((r) => r === null));

  const csvColumns = [
    { header: "date", value: (r: { date: string }) => r.date },
    { header: "processor", value: (r: { processor: string }) => r.processor },
    { header: "avg_completeness_pct", value: (r: { completeness: number | null }) => r.completeness },
    { header: "production_ready_pct", value: (r: { ready: number | null }) => r.ready },
    { header: "records", value: (r: { records: number | null }) => r.records },
    { header: "trips", value: (r: { trips: number }) => r.trips },
  ];
  const csvRows = view.dates.flatMap((date, i) =>
    visible.map((s) => ({ date, processor: s.processor, completeness: s.completeness[i] ?? null, ready: s.ready[i] ?? null, records: s.records[i] ?? null, trips: s.trips[i] ?? 0 })),
  );

  return (
    <Panel
      id="trends"
      title={`${formatDateLong(view.range.from)} – ${formatDateLong(view.range.to)} (${view.range.days} days)`}
      testId="trends-panel"
      actions={
        <>
          <ReadStamp meta={view.meta} />
          <CsvButton filename={`trends_${view.range.from}_${view.range.to}.csv`} count={csvRows.length} load={async () => toCsv(csvColumns, csvRows)} />
        </>
      }
    >
      <PanelStatus meta={view.meta} refreshError={query.refreshError} />
      <ul className="chart-legend" aria-label="Processors shown (toggle)">
        {series.map((s) => (
          <li key={s.key}>
            <button type="button" aria-pressed={!hidden.has(s.key as ProcessorName)} onClick={() => toggle(s.key as ProcessorName)} data-testid={`legend-${s.key}`}>
              <Swatch color={s.color} dash={s.dash} />
              {s.label}
            </button>
          </li>
        ))}
      </ul>
      {noData ? <p className="empty">No processor output in this range.</p> : null}
      <div className="chart-grid">
        <section aria-labelledby="chart-completeness">
          <h3 id="chart-completeness" className="chart-title">
            Average completeness per processor (%)
          </h3>
          <TimeLineChart
            title="Average completeness per processor"
            testId="chart-completeness"
            data={rows.completeness}
            series={series}
            hidden={hidden}
            thresholds={[
              { y: thresholds.avgCompleteness, label: `${thresholds.avgCompleteness}% info alert` },
              ...(thresholds.productionReady !== thresholds.avgCompleteness ? [{ y: thresholds.productionReady, label: `${thresholds.productionReady}% ready threshold` }] : []),
            ]}
            markers={markers}
            formatValue={pct2}
            yDomain={[completenessLow, 100]}
          />
        </section>
        <section aria-labelledby="chart-ready">
          <h3 id="chart-ready" className="chart-title">
            Production ready per processor (%)
          </h3>
          <TimeLineChart
            title="Production ready per processor"
            testId="chart-ready"
            data={rows.ready}
            series={series}
            hidden={hidden}
            thresholds={[{ y: thresholds.readyPct, label: `${thresholds.readyPct}% warning` }]}
            markers={markers}
            formatValue={pct2}
            yDomain={[readyLow, 100]}
          />
        </section>
        <section aria-labelledby="chart-trips">
          <h3 id="chart-trips" className="chart-title">
            Breaker trips per processor (by analysis date)
          </h3>
          <TimeLineChart
            title="Breaker trips per processor"
            testId="chart-trips"
            data={rows.trips}
            series={series}
            hidden={hidden}
            markers={markers}
            formatValue={(v) => formatCount(Math.round(v))}
            yDomain={[0, "auto"]}
            integer
            height={240}
          />
        </section>
      </div>
      <div className="axis-events" data-testid="axis-events">
        <h3 className="chart-title">Operator events on the time axis</h3>
        {view.events.length === 0 ? (
          <p className="muted small">No override or reset in this range.</p>
        ) : (
          <ul>
            {markers.map((m) => (
              <li key={m.x}>
                <strong>{formatDateLong(m.x)}</strong>: <span aria-hidden="true">{m.label.includes("↷") ? "↷ " : "⟲ "}</span>
                {m.description}
              </li>
            ))}
          </ul>
        )}
        <p className="chart-note">
          Completeness and readiness: per day processed. Trips: per analysis date of the tripped key. Override (↷) and reset (⟲) markers: the day (UTC) the operator acted. A day
          without output is a gap, not a zero.
        </p>
      </div>
    </Panel>
  );
}
