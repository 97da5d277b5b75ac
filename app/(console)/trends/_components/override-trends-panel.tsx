"use client";

import { useState } from "react";

import type { OverrideWeek } from "@/lib/completeness/override-trends";
import { PROCESSOR_NAMES } from "@/lib/completeness/processors";
import { formatCount, formatDateLong, formatNumber, toCsv } from "@/lib/format";

import type { ChartRow, ChartSeries } from "@/components/charts/line-chart";
import { LazyTimeLineChart as TimeLineChart } from "@/components/charts/lazy-line-chart";
import { CsvButton } from "@/components/ui/csv-button";
import { Panel } from "@/components/ui/panel";

import styles from "./override-trends-panel.module.css";

const DASHES = ["", "8 4", "2 3", "10 3 2 3", "5 5", "1 4", "14 4"];
const share = (v: number | null) => (v === null ? "—" : `${formatNumber(v * 100, 1)}%`);

export const OVERRIDE_TRENDS_TITLE = "Overrides: what they led to, and the trips they answered";

/**
 * Per processor and ISO week (Monday, UTC): overrides applied, their success rate (processed ÷
 * decided) and the share of the week's trips an operator later overrode. A chart view and a
 * table view of the same rows; the rows come from the server (`getOverrideTrends`).
 */
export function OverrideTrendsPanel({ weeks, rows, now }: { weeks: string[]; rows: OverrideWeek[]; now: string }) {
  const [view, setView] = useState<"chart" | "table">("chart");
  const processors = [...new Set(rows.map((r) => r.processor))];
  const series: ChartSeries[] = processors.map((p) => {
    const i = PROCESSOR_NAMES.indexOf(p);
    return { key: p, label: p, color: `var(--series-${(i % 7) + 1})`, dash: DASHES[i % DASHES.length]! };
  });
  const build = (pick: (r: OverrideWeek) => number | null): ChartRow[] =>
    weeks.map((week) => {
      const row: ChartRow = { x: week };
      for (const r of rows) if (r.week === week) row[r.processor] = pick(r);
      return row;
    });
  const columns = [
    { header: "week", value: (r: OverrideWeek) => r.week },
    { header: "processor", value: (r: OverrideWeek) => r.processor },
    { header: "overrides", value: (r: OverrideWeek) => r.overrides },
    { header: "processed", value: (r: OverrideWeek) => r.processed },
    { header: "failed_again", value: (r: OverrideWeek) => r.failed_again },
    { header: "re_tripped", value: (r: OverrideWeek) => r.re_tripped },
    { header: "pending", value: (r: OverrideWeek) => r.pending },
    { header: "success_rate", value: (r: OverrideWeek) => r.success_rate },
    { header: "trips", value: (r: OverrideWeek) => r.trips },
    { header: "trips_overridden", value: (r: OverrideWeek) => r.trips_overridden },
    { header: "false_positive_share", value: (r: OverrideWeek) => r.false_positive_share },
  ];
  const totals = rows.reduce((t, r) => ({ overrides: t.overrides + r.overrides, trips: t.trips + r.trips }), { overrides: 0, trips: 0 });
  return (
    <Panel
      id="override-trends"
      title={OVERRIDE_TRENDS_TITLE}
      testId="override-trends"
      actions={
        <>
          <span className={`segmented ${styles.views}`} role="group" aria-label="View">
            {(["chart", "table"] as const).map((v) => (
              <button key={v} type="button" aria-pressed={view === v} onClick={() => setView(v)} data-testid={`override-trends-${v}`}>
                {v === "chart" ? "Chart" : "Table"}
              </button>
            ))}
          </span>
          <CsvButton filename={`override-trends_${weeks[0] ?? ""}_${weeks.at(-1) ?? ""}.csv`} count={rows.length} load={async () => toCsv(columns, rows)} />
        </>
      }
    >
      {rows.length === 0 ? (
        <p className="empty">No trip and no override in these weeks.</p>
      ) : view === "chart" ? (
        <div className="chart-grid">
          <section aria-labelledby="chart-override-success">
            <h3 id="chart-override-success" className="chart-title">
              Override success rate per processor and week (%)
            </h3>
            <TimeLineChart
              title="Override success rate per processor and week"
              testId="chart-override-success"
              data={build((r) => (r.success_rate === null ? null : r.success_rate * 100))}
              series={series}
              formatValue={(v) => `${formatNumber(v, 1)}%`}
              yDomain={[0, 100]}
            />
          </section>
          <section aria-labelledby="chart-false-positives">
            <h3 id="chart-false-positives" className="chart-title">
              Trips later overridden (false positives) per processor and week (%)
            </h3>
            <TimeLineChart
              title="Trips later overridden per processor and week"
              testId="chart-false-positives"
              data={build((r) => (r.false_positive_share === null ? null : r.false_positive_share * 100))}
              series={series}
              formatValue={(v) => `${formatNumber(v, 1)}%`}
              yDomain={[0, 100]}
            />
          </section>
          <section aria-labelledby="chart-overrides-applied">
            <h3 id="chart-overrides-applied" className="chart-title">
              Overrides applied per processor and week
            </h3>
            <TimeLineChart
              title="Overrides applied per processor and week"
              testId="chart-overrides-applied"
              data={build((r) => r.overrides)}
              series={series}
              formatValue={(v) => formatCount(Math.round(v))}
              yDomain={[0, "auto"]}
              integer
              height={240}
            />
          </section>
        </div>
      ) : (
        <div className="table-scroll">
          <table data-testid="override-trends-table">
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col">Processor</th>
                <th scope="col">Overrides</th>
                <th scope="col">Processed</th>
                <th scope="col">Failed again</th>
                <th scope="col">Re-tripped</th>
                <th scope="col">Pending</th>
                <th scope="col">Success rate</th>
                <th scope="col">Trips</th>
                <th scope="col">Later overridden</th>
                <th scope="col">False positives</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.processor}|${r.week}`}>
                  <td>{formatDateLong(r.week)}</td>
                  <td>{r.processor}</td>
                  <td>{formatCount(r.overrides)}</td>
                  <td>{formatCount(r.processed)}</td>
                  <td>{formatCount(r.failed_again)}</td>
                  <td>{formatCount(r.re_tripped)}</td>
                  <td>{formatCount(r.pending)}</td>
                  <td>{share(r.success_rate)}</td>
                  <td>{formatCount(r.trips)}</td>
                  <td>{formatCount(r.trips_overridden)}</td>
                  <td>{share(r.false_positive_share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="chart-note">
        Weeks are ISO weeks (Monday to Sunday, UTC); an override or a trip counts in the week it was written. Success rate = processed ÷ decided: an override is
        decided by the key&apos;s next run after it (processed, failed again or re-tripped), or by its output written as processed; pending overrides (no run
        since) are left out, and a week with none decided has no rate. False positives = the week&apos;s trips whose key an operator overrode afterwards ÷ the
        week&apos;s trips. {formatCount(totals.overrides)} overrides and {formatCount(totals.trips)} trips in these weeks; outcomes as of {now}.
      </p>
    </Panel>
  );
}
