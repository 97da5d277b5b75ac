import Link from "next/link";

import { PROCESSORS } from "@/lib/completeness/processors";
import type { ProcessorThresholdPass, ThresholdPass, ThresholdPassCounts } from "@/lib/data/thresholds";
import { formatCount, formatDateLong, formatPct } from "@/lib/format";

import { entitiesHref } from "@/lib/links";
import { EmptyState, Panel } from "@/components/ui/panel";
import { ReadStamp } from "@/components/ui/panel-status";
import { ProcessorLabel } from "@/components/ui/processor-label";

import styles from "./threshold-panel.module.css";

export const THRESHOLD_PANEL_TITLE = "Threshold tuning: who would pass at another threshold";

/** The multi-window processors and the window their stored completeness is (from the registry). */
const PRIMARY_WINDOWS = PROCESSORS.filter((p) => p.multiWindow).map((p) => `${p.short} ${p.primaryWindow}`);

/**
 * One count: how many pass and their share, linked to the processor's not-ready entities of the
 * date sorted lowest completeness first (the entities under the threshold head that list). The
 * configured threshold's cell is marked in words as well as by its background.
 */
function Count({ row, at, asOf, configured }: { row: ProcessorThresholdPass; at: ThresholdPass; asOf: string; configured: boolean }) {
  const p = row.processor;
  return (
    <td className={`num${configured ? " marked" : ""}`} data-testid={`threshold-${p}-${at.threshold}`}>
      <Link
        className={styles.count}
        href={entitiesHref({ view: "below-threshold", processor: p, as_of: asOf, sort: "completeness_pct", dir: "asc" })}
        aria-label={
          `${p}: ${at.pass} of ${row.total_records} would pass at ${at.threshold}% (${formatPct(at.pass_pct)})` +
          `${configured ? ", the configured threshold" : ""}; open its not-ready entities, lowest completeness first`
        }
      >
        {formatCount(at.pass)}
      </Link>
      <span className="small sub muted">{formatPct(at.pass_pct)}</span>
      {configured ? <span className="marked-tag">configured</span> : null}
    </td>
  );
}

/**
 * The threshold what-if (runbook "threshold tuning"): per processor, how many of the date's
 * entities pass at 80 / 85 / 90 / 95 % on their stored completeness, the configured threshold
 * marked. A server component: the counts change once a day, so there is nothing to poll.
 */
export function ThresholdPanel({ data }: { data: ThresholdPassCounts }) {
  const asOf = data.as_of;
  const date = formatDateLong(asOf);
  // A configured threshold that is not one of the columns gets a column of its own.
  const offGrid = data.processors.some((p) => !data.thresholds.includes(p.configured_threshold));
  const anyRows = data.processors.some((p) => p.total_records > 0);
  const columns = data.thresholds.length + (offGrid ? 1 : 0) + 4;
  return (
    <Panel
      id="thresholds"
      title={THRESHOLD_PANEL_TITLE}
      testId="thresholds-panel"
      actions={<ReadStamp meta={{ as_of: asOf, now: data.read_at, read_at: data.read_at }} />}
    >
      <p className="muted small">
        Entities evaluated on <strong>{date}</strong> (each one&apos;s latest stored row) whose completeness is at or above each threshold, compared
        unrounded (89.99% does not pass at 90%). Entities with no games expected never block: they count as passing everywhere and are shown on
        their own. Each count opens that processor&apos;s not-ready entities of the date, lowest completeness first.
      </p>
      {!anyRows ? (
        <EmptyState>
          No processor wrote output for {date}, so there is nothing to compare. The counts are for the range&apos;s last day: choose a custom
          range ending on a date with output, or one of the preset ranges, which end on the latest date with data.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data overview">
            <caption className="visually-hidden">
              Entities that would pass at each threshold on {asOf}, per processor; the configured threshold is marked
            </caption>
            <thead>
              <tr>
                <th scope="col">Processor</th>
                <th scope="col" className="num">
                  Entities
                </th>
                <th scope="col" className="num">
                  Ready now
                </th>
                <th scope="col" className="num">
                  No games expected
                </th>
                {data.thresholds.map((t) => (
                  <th key={t} scope="col" className="num">
                    Pass at ≥ {t}%
                  </th>
                ))}
                {offGrid ? (
                  <th scope="col" className="num">
                    Pass at configured
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {data.processors.map((row) => (
                <tr key={row.processor} data-testid={`threshold-row-${row.processor}`}>
                  <th scope="row">
                    <ProcessorLabel name={row.processor} />
                    <span className="cell-sub muted">configured {row.configured_threshold}%</span>
                  </th>
                  {row.total_records === 0 ? (
                    <td colSpan={columns - 1} className="muted">
                      no output on {asOf}
                    </td>
                  ) : (
                    <>
                      <td className="num">{formatCount(row.total_records)}</td>
                      <td className="num" data-testid={`threshold-${row.processor}-ready`}>
                        {formatCount(row.ready_count)}
                        <span className="small sub muted">{formatPct(row.total_records === 0 ? null : (100 * row.ready_count) / row.total_records)}</span>
                      </td>
                      <td className="num">{formatCount(row.no_games_expected)}</td>
                      {row.at.map((at) => (
                        <Count key={at.threshold} row={row} at={at} asOf={asOf} configured={at.threshold === row.configured_threshold} />
                      ))}
                      {offGrid ? (
                        data.thresholds.includes(row.configured_threshold) ? (
                          <td className="num muted">in its column</td>
                        ) : (
                          <Count row={row} at={row.configured} asOf={asOf} configured />
                        )
                      ) : null}
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">
        Only completeness is compared: an active breaker, incomplete upstream processors or bootstrap mode do not depend on the threshold, so
        &ldquo;passes&rdquo; is not &ldquo;production ready&rdquo;. <em>Ready now</em> is what the processor stored: where it sits far below the count
        at the configured threshold, the threshold is not what blocks those entities. Multi-window processors store their primary window&apos;s figure (
        {PRIMARY_WINDOWS.join(", ")}); readiness also needs their other windows. Before changing a threshold, compare these counts; the
        runbook then rolls a change out to one processor for a week.
      </p>
    </Panel>
  );
}
