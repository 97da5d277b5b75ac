"use client";

import Link from "next/link";

import { ALERT_WINDOW_DAYS, type AlertThresholds } from "@/lib/completeness/alerts";
import { TRIP_RATE_ALERT_PCT, TRIP_RATE_DAYS, type TripRateRow, tripRateAlerted } from "@/lib/monitoring/trip-rate";
import { formatCount, formatDate, formatPct } from "@/lib/format";

import { Sparkline } from "@/components/charts/sparkline";
import { trendFigureHref } from "@/lib/monitoring/trend-figures";
import { breakersHref, entitiesHref } from "@/lib/links";
import { monitoringKeys, usePanelQuery, useResultLoader } from "@/lib/monitoring/query";
import { Panel } from "@/components/ui/panel";
import { ProcessorLabel } from "@/components/ui/processor-label";
import { PanelStatus, ReadStamp } from "@/components/ui/panel-status";
import { READINESS_STYLE } from "@/components/ui/status";
import { StatusBadge } from "@/components/ui/status-badge";

import { type OverviewView, type ProcessorOverview, SPARK_DAYS, buildOverviewView } from "./overview-view";
import { OverHundredFlag } from "@/components/ui/over-hundred-flag";

/** "▲ under 90%" after a number that is under its threshold: said in words, not only in colour. */
function Under({ value, threshold }: { value: number | null; threshold: number }) {
  if (value === null || !(value < threshold)) return null;
  return (
    <span className="under" title={`under the ${threshold}% threshold`}>
      <span aria-hidden="true"> ▲</span>
      <span className="visually-hidden"> (under the {threshold}% threshold)</span>
    </span>
  );
}

/** Said in a link's accessible name when its figure is under the threshold. */
function underText(value: number | null, threshold: number): string {
  return value !== null && value < threshold ? ` (under the ${threshold}% threshold)` : "";
}

/** The processor's trip rate over 30 days: the share, "N of M keys", and the alert mark above 5%. */
function TripRateCell({ processor, rate, params }: { processor: string; rate: TripRateRow | null | undefined; params: { now?: string } }) {
  if (rate === undefined) return <span className="muted">could not be read</span>;
  if (rate === null || rate.trip_rate_pct === null) return <span className="muted">no keys</span>;
  const alerted = tripRateAlerted(rate.trip_rate_pct);
  return (
    <>
      <Link
        href={breakersHref({ tab: "history", processor, now: params.now })}
        aria-label={`${processor}: trip rate ${formatPct(rate.trip_rate_pct)} over ${TRIP_RATE_DAYS} days, ${rate.keys_tripped} of ${rate.keys_attempted} keys${alerted ? ` (above the ${TRIP_RATE_ALERT_PCT}% alert)` : ""}; open the breaker history`}
        data-testid={`trip-rate-${processor}`}
      >
        {formatPct(rate.trip_rate_pct)}
        {alerted ? (
          <span className="under" title={`above the ${TRIP_RATE_ALERT_PCT}% alert`}>
            <span aria-hidden="true"> ▲</span>
          </span>
        ) : null}
        <span className="small sub">
          {formatCount(rate.keys_tripped)} of {formatCount(rate.keys_attempted)}
        </span>
      </Link>
    </>
  );
}

function Row({
  row,
  asOf,
  params,
  thresholds,
  tripRate,
}: {
  row: ProcessorOverview;
  asOf: string;
  params: { as_of?: string; now?: string };
  thresholds: AlertThresholds;
  /** undefined: the trip rate could not be read; null: no row for the processor. */
  tripRate: TripRateRow | null | undefined;
}) {
  const p = row.processor;
  const pin = { as_of: params.as_of, now: params.now };
  const status = READINESS_STYLE[row.status];
  return (
    <tr data-testid={`processor-row-${p}`}>
      <th scope="row">
        <ProcessorLabel name={p} />
        <span className="muted small sub">{row.short}</span>
      </th>
      <td>
        <StatusBadge status={status} testId={`status-${p}`} />
      </td>
      {row.totalRecords === 0 ? (
        <td colSpan={1} className="num">
          <span className="muted">no output on {formatDate(asOf)}</span>
        </td>
      ) : (
        <td className="num">
          <Link
            href={entitiesHref({ view: "below-threshold", processor: p, as_of: asOf })}
            aria-label={`${p}: ${formatPct(row.readyPct)} ready on ${asOf}${underText(row.readyPct, thresholds.warningReadyPct)}, ${row.readyCount} of ${row.totalRecords}; open the entities below threshold`}
          >
            {formatPct(row.readyPct)}
            <Under value={row.readyPct} threshold={thresholds.warningReadyPct} />
            <span className="small sub">
              {formatCount(row.readyCount)} of {formatCount(row.totalRecords)}
            </span>
          </Link>
        </td>
      )}
      <td className="num">
        {row.records7 === 0 ? (
          <span className="muted">no data</span>
        ) : (
          <>
            <Link href={trendFigureHref("ready", { processor: p, as_of: params.as_of })} aria-label={`${p}: ${formatPct(row.readyPct7)} ready over ${ALERT_WINDOW_DAYS} days${underText(row.readyPct7, thresholds.warningReadyPct)}; open the trends`}>
              {formatPct(row.readyPct7)}
            </Link>
            <Under value={row.readyPct7} threshold={thresholds.warningReadyPct} />
          </>
        )}
      </td>
      <td className="num">
        {row.avgCompleteness7 === null ? (
          <span className="muted">{row.records7 === 0 ? "no data" : "no games expected"}</span>
        ) : (
          <>
            <Link
              href={entitiesHref({ view: "below-threshold", processor: p, as_of: asOf, sort: "completeness_pct", dir: "asc" })}
              aria-label={`${p}: average completeness ${formatPct(row.avgCompleteness7)} over ${ALERT_WINDOW_DAYS} days${underText(row.avgCompleteness7, thresholds.infoAvgCompleteness)}; open the lowest entities`}
            >
              {formatPct(row.avgCompleteness7)}
            </Link>
            <Under value={row.avgCompleteness7} threshold={thresholds.infoAvgCompleteness} />
            <OverHundredFlag pct={row.avgCompleteness7} />
          </>
        )}
      </td>
      <td className="num">
        <Link href={breakersHref({ tab: "active", processor: p, ...pin })} aria-label={`${p}: ${row.activeBreakers} active breakers; open them`} data-testid={`active-breakers-${p}`}>
          {formatCount(row.activeBreakers)}
        </Link>
      </td>
      <td className="num">
        <TripRateCell processor={p} rate={tripRate} params={params} />
      </td>
      <td className="num">
        <Link href={entitiesHref({ view: "bootstrap", processor: p, as_of: params.as_of })} aria-label={`${p}: ${row.bootstrap7} bootstrap records over ${ALERT_WINDOW_DAYS} days; open the bootstrap view`}>
          {formatCount(row.bootstrap7)}
        </Link>
      </td>
      <td>
        <Link href={trendFigureHref("ready", { processor: p, as_of: params.as_of })} className="spark-link" aria-label={`${p}: 7-day trend; open the trends`}>
          <Sparkline points={row.spark} threshold={thresholds.warningReadyPct} label={`${p} production ready, last ${SPARK_DAYS} days`} />
        </Link>
      </td>
    </tr>
  );
}

/** One row per processor, worst first; every number links to the rows behind it. */
export function ProcessorTable({
  initial,
  params,
  thresholds,
  tripRates,
}: {
  initial: OverviewView;
  params: { as_of?: string; now?: string };
  thresholds: AlertThresholds;
  /** Per processor over the last 30 dates, read with the page; null when that read failed. */
  tripRates: readonly TripRateRow[] | null;
}) {
  const load = useResultLoader();
  const query = usePanelQuery(monitoringKeys.panel("overview", params), initial, async () => {
    const [health, readiness, trends] = await Promise.all([load("health", params), load("readiness", params), load("trends", params)]);
    return buildOverviewView(health, readiness, trends);
  });
  const view = query.data;
  const asOf = view.meta.as_of;
  return (
    <Panel id="processors" title="Processors, worst first" testId="processors-panel" actions={<ReadStamp meta={view.meta} />}>
      <PanelStatus meta={view.meta} refreshError={query.refreshError} />
      <div className="table-wrap">
        <table className="data overview">
          <caption className="visually-hidden">Health per processor, worst first</caption>
          <thead>
            <tr>
              <th scope="col">Processor</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Ready on {formatDate(asOf)}
              </th>
              <th scope="col" className="num">
                Ready, {ALERT_WINDOW_DAYS} days
              </th>
              <th scope="col" className="num">
                Avg completeness, {ALERT_WINDOW_DAYS} days
              </th>
              <th scope="col" className="num">
                Active breakers
              </th>
              <th scope="col" className="num">
                Trip rate, {TRIP_RATE_DAYS} days
              </th>
              <th scope="col" className="num">
                Bootstrap, {ALERT_WINDOW_DAYS} days
              </th>
              <th scope="col">Ready %, last {SPARK_DAYS} days</th>
            </tr>
          </thead>
          <tbody>
            {view.rows.map((row) => (
              <Row
                key={row.processor}
                row={row}
                asOf={asOf}
                params={params}
                thresholds={thresholds}
                tripRate={tripRates === null ? undefined : (tripRates.find((t) => t.processor === row.processor) ?? null)}
              />
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        Status: the share of rows production ready on {formatDate(asOf)} — excellent ≥ 95%, good ≥ 90%, warning ≥ 80%, critical below; no data when the
        processor wrote nothing that day. Trip rate: the share of the keys the processor evaluated over the {TRIP_RATE_DAYS} dates ending on{" "}
        {formatDate(asOf)} that tripped a breaker (alert above {TRIP_RATE_ALERT_PCT}%). <span aria-hidden="true">▲</span> marks a figure past its alert threshold.
      </p>
    </Panel>
  );
}
