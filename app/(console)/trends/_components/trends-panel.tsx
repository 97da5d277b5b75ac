"use client";

import { useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";

import { ALERT_WINDOW_DAYS } from "@/lib/completeness/alerts";
import { type ProcessorName, resolveProcessorName } from "@/lib/completeness/processors";
import { formatCount, formatDate, formatDateLong, formatNumber, formatPct, toCsv } from "@/lib/format";
import { type TrendFigure, trendFigureId } from "@/lib/monitoring/trend-figures";
import { type ParamPatch, hrefWith } from "@/lib/href";

import type { ChartMarker, ChartRow, ChartSeries, TimeLineChartProps } from "@/components/charts/line-chart";
import { LazyTimeLineChart as TimeLineChart } from "@/components/charts/lazy-line-chart";
import { CsvButton } from "@/components/ui/csv-button";
import { fetchBreakerTrend, monitoringKeys, usePanelQuery, useResultLoader } from "@/lib/monitoring/query";
import { Panel } from "@/components/ui/panel";
import { PanelStatus, ReadStamp } from "@/components/ui/panel-status";

import { FiguresTable } from "./figures-table";
import { type AuditedAction, type ResolvedRange, type TrendsView, buildTrendsView, trendChunks, windowFigures } from "./trends-view";

type Figure = TrendFigure | "trips";
const FIGURES: readonly Figure[] = ["completeness", "ready", "trips"];

/** The URL's fragment (a figures table or one of its rows, which the overview's links target). */
function subscribeHash(onChange: () => void) {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}
const readHash = () => decodeURIComponent(window.location.hash.slice(1));

/** The figures table a fragment names (the table itself or one of its rows). */
function tableOf(id: string): Figure | null {
  return FIGURES.find((f) => id === trendFigureId(f) || id.startsWith(`${trendFigureId(f)}-`)) ?? null;
}

/** The zoom in the URL, when both dates are on the axis and in order; else none. */
function zoomWindow(dates: readonly string[], from?: string, to?: string): [number, number] | null {
  if (!from || !to) return null;
  const i = dates.indexOf(from);
  const j = dates.indexOf(to);
  return i >= 0 && j > i ? [i, j] : null;
}

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
  audited,
}: {
  initial: TrendsView;
  /** The operators' audited actions on the axis (read by the server page; a refresh keeps them). */
  audited: AuditedAction[];
  range: ResolvedRange;
  /** The `now` the server counted trips at, when the range is old (undefined: the current default). */
  historyFirstNow?: string;
  /** The page's as_of parameter (undefined: latest data). */
  asOf?: string;
  thresholds: TrendThresholds;
}) {
  const load = useResultLoader();
  const query = usePanelQuery(monitoringKeys.panel("trends", { range: range.range, from: range.from, to: range.to, asOf }), initial, async () => {
    const trends = await Promise.all(trendChunks(range.from, range.to).map((a) => load("trends", { as_of: a })));
    // Trips counted by the server (its `now` is the server's default unless the range is old).
    const trips = await fetchBreakerTrend(range.from, { now: historyFirstNow });
    const health = await load("health", { as_of: range.to });
    return buildTrendsView(range, trends, trips, audited, windowFigures(health, ALERT_WINDOW_DAYS));
    // A season of trends is five reads: refreshed on the Refresh button only.
  }, { refreshEvery: false });
  const view = query.data;

  // Processors hidden by the legend live in the URL (`hide`), changed without a server round trip.
  const searchParams = useSearchParams();
  const hidden = useMemo(
    () => new Set((searchParams.get("hide") ?? "").split(",").map((s) => resolveProcessorName(s)).filter((p): p is ProcessorName => Boolean(p))),
    [searchParams],
  );
  // Legend and zoom change the URL in place (the views they make are the client's own work).
  function patchUrl(patch: ParamPatch, history: "push" | "replace") {
    const href = hrefWith(window.location.pathname, window.location.search.slice(1), patch);
    if (history === "push") window.history.pushState(null, "", href);
    else window.history.replaceState(null, "", href);
  }
  function toggle(processor: ProcessorName) {
    const next = new Set(hidden);
    if (next.has(processor)) next.delete(processor);
    else next.add(processor);
    patchUrl({ hide: [...next] }, "replace");
  }

  // Zoom (a drag across a chart's dates): `zoom_from` / `zoom_to` in the URL, back undoes it.
  // (Read without the page's zod schema, kept out of this bundle: only dates on the axis count.)
  const zoom = zoomWindow(view.dates, searchParams.get("zoom_from") ?? undefined, searchParams.get("zoom_to") ?? undefined);
  const [z0, z1] = zoom ?? [0, view.dates.length - 1];
  const shownDates = view.dates.slice(z0, z1 + 1);
  const zoomTo = (from: string, to: string) => patchUrl({ zoom_from: from, zoom_to: to }, "push");
  const resetZoom = () => patchUrl({ zoom_from: undefined, zoom_to: undefined }, "push");

  // A link to a figure (the overview's 7-day figures) opens its table and shows its row.
  const hash = useSyncExternalStore(subscribeHash, readHash, () => "");
  const targetTable = tableOf(hash);
  const [toggled, setToggled] = useState<Partial<Record<Figure, boolean>>>({});
  const isOpen = (f: Figure) => toggled[f] ?? targetTable === f;
  useEffect(() => {
    if (targetTable) document.getElementById(hash)?.scrollIntoView({ block: "center" });
  }, [hash, targetTable]);

  const series: ChartSeries[] = view.series.map((s, i) => ({
    key: s.processor,
    label: s.processor,
    color: `var(--series-${(i % 7) + 1})`,
    dash: DASHES[i % DASHES.length]!,
  }));
  const visible = view.series.filter((s) => !hidden.has(s.processor));

  const rows = useMemo(() => {
    const build = (pick: (s: TrendsView["series"][number]) => (number | null)[]): ChartRow[] =>
      view.dates.slice(z0, z1 + 1).map((x, k) => {
        const row: ChartRow = { x };
        for (const s of view.series) row[s.processor] = pick(s)[z0 + k] ?? null;
        return row;
      });
    return { completeness: build((s) => s.completeness), ready: build((s) => s.ready), trips: build((s) => s.trips) };
  }, [view, z0, z1]);

  const keys = (n: number) => (n === 1 ? "1 key" : `${formatCount(n)} keys`);
  const allMarkers: ChartMarker[] = view.events.map((e) => {
    const parts = [e.overrides ? `↷ ${formatCount(e.overrides)}` : "", e.resets ? `⟲ ${formatCount(e.resets)}` : "", e.restores ? `⤺ ${formatCount(e.restores)}` : ""].filter(Boolean);
    const words = [e.overrides ? `${keys(e.overrides)} overridden` : "", e.resets ? `${keys(e.resets)} reset` : "", e.restores ? `${keys(e.restores)} restored` : ""].filter(Boolean);
    return { x: e.date, label: parts.join(" "), description: `${words.join(", ")}${e.actors.length ? ` by ${e.actors.join(", ")}` : ""}` };
  });
  const markers = allMarkers.filter((m) => m.x >= shownDates[0]! && m.x <= shownDates.at(-1)!);

  const inZoom = (values: (number | null)[]) => values.slice(z0, z1 + 1);
  const completenessLow = lowerBound(visible.flatMap((s) => inZoom(s.completeness)), Math.min(thresholds.avgCompleteness, thresholds.productionReady));
  const readyLow = lowerBound(visible.flatMap((s) => inZoom(s.ready)), thresholds.readyPct);
  const noData = view.series.every((s) => s.records.every((r) => r === null));

  const csvColumns = [
    { header: "date", value: (r: { date: string }) => r.date },
    { header: "processor", value: (r: { processor: string }) => r.processor },
    { header: "avg_completeness_pct", value: (r: { completeness: number | null }) => r.completeness },
    { header: "production_ready_pct", value: (r: { ready: number | null }) => r.ready },
    { header: "records", value: (r: { records: number | null }) => r.records },
    { header: "trips", value: (r: { trips: number }) => r.trips },
  ];
  const csvRows = view.dates.slice(0, view.range.days).flatMap((date, i) =>
    visible.map((s) => ({ date, processor: s.processor, completeness: s.completeness[i] ?? null, ready: s.ready[i] ?? null, records: s.records[i] ?? null, trips: s.trips[i] ?? 0 })),
  );

  // The overview's and the alerts' 7-day figure, formatted as they show it.
  const windowLabel = view.window ? `${ALERT_WINDOW_DAYS} days, ${formatDate(view.window.from)} – ${formatDate(view.window.to)}` : undefined;
  type Series = TrendsView["series"][number];
  type WindowFigures = NonNullable<NonNullable<TrendsView["window"]>["byProcessor"][ProcessorName]>;
  /** One figure: its heading, its chart over the shown dates, and the table of its values. */
  function chartSection(
    figure: Figure,
    heading: string,
    chart: Pick<TimeLineChartProps, "title" | "data" | "formatValue" | "yDomain" | "thresholds" | "integer" | "height">,
    table: { title: string; pick: (s: Series) => (number | null)[]; format: (v: number) => string; windowPick: ((w: WindowFigures) => number | null) | null },
  ) {
    const id = `chart-${figure}`;
    const { title, pick, format, windowPick } = table;
    return (
      <section aria-labelledby={id}>
        <h3 id={id} className="chart-title">
          {heading}
        </h3>
        <TimeLineChart testId={id} series={series} hidden={hidden} markers={markers} onZoom={zoomTo} {...chart} />
        <FiguresTable
          id={trendFigureId(figure)}
          title={title}
          dates={shownDates}
          rows={visible.map((s) => ({
            processor: s.processor,
            values: inZoom(pick(s)),
            ...(windowPick && view.window ? { window: view.window.byProcessor[s.processor] ? windowPick(view.window.byProcessor[s.processor]!) : null } : {}),
          }))}
          windowLabel={windowPick ? windowLabel : undefined}
          format={format}
          formatWindow={(v) => formatPct(v)}
          rowId={(p) => trendFigureId(figure, p)}
          target={targetTable === figure ? hash : null}
          open={isOpen(figure)}
          onToggle={(open) => setToggled((t) => (t[figure] === open ? t : { ...t, [figure]: open }))}
        />
      </section>
    );
  }

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
      <div className="zoom-bar" data-testid="zoom-bar">
        {zoom ? (
          <>
            <p className="small" data-testid="zoom-range">
              Zoomed to {formatDateLong(shownDates[0]!)} – {formatDateLong(shownDates.at(-1)!)} ({shownDates.length} days).
            </p>
            <button type="button" className="button" onClick={resetZoom} data-testid="zoom-reset">
              Reset zoom
            </button>
          </>
        ) : (
          <p className="muted small">Drag across a chart&apos;s dates to zoom in; hover for every processor&apos;s value on a date.</p>
        )}
      </div>
      <div className="chart-grid">
        {chartSection(
          "completeness",
          "Average completeness per processor (%)",
          {
            title: "Average completeness per processor",
            data: rows.completeness,
            thresholds: [
              { y: thresholds.avgCompleteness, label: `${thresholds.avgCompleteness}% info alert` },
              ...(thresholds.productionReady !== thresholds.avgCompleteness ? [{ y: thresholds.productionReady, label: `${thresholds.productionReady}% ready threshold` }] : []),
            ],
            formatValue: pct2,
            yDomain: [completenessLow, 100],
          },
          { title: "average completeness per processor and day (%)", pick: (s) => s.completeness, format: pct2, windowPick: (w) => w.completeness },
        )}
        {chartSection(
          "ready",
          "Production ready per processor (%)",
          {
            title: "Production ready per processor",
            data: rows.ready,
            thresholds: [{ y: thresholds.readyPct, label: `${thresholds.readyPct}% warning` }],
            formatValue: pct2,
            yDomain: [readyLow, 100],
          },
          { title: "production ready per processor and day (%)", pick: (s) => s.ready, format: pct2, windowPick: (w) => w.ready },
        )}
        {chartSection(
          "trips",
          "Breaker trips per processor (by analysis date)",
          {
            title: "Breaker trips per processor",
            data: rows.trips,
            formatValue: (v) => formatCount(Math.round(v)),
            yDomain: [0, "auto"],
            integer: true,
            height: 240,
          },
          { title: "breaker trips per processor and analysis date", pick: (s) => s.trips, format: (v) => formatCount(v), windowPick: null },
        )}
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
