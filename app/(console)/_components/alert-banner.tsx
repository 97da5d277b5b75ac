"use client";

import Link from "next/link";

import { ALERT_WINDOW_DAYS, type AlertThresholds } from "@/lib/completeness/alerts";
import { addDays } from "@/lib/completeness/dates";
import { formatDate } from "@/lib/format";

import { monitoringKeys, usePanelQuery, useResultLoader } from "@/lib/monitoring/query";
import { PanelStatus } from "@/components/ui/panel-status";
import { ALERT_STYLE } from "@/components/ui/status";
import { StatusBadge } from "@/components/ui/status-badge";

import styles from "./alert-banner.module.css";
import { type AlertsView, buildAlertsView } from "./overview-view";

function thresholdsText(t: AlertThresholds): string {
  return `critical above ${t.criticalActiveBreakers} active breakers, warning under ${t.warningReadyPct}% production ready, info under ${t.infoAvgCompleteness}% average completeness`;
}

/** Alerts whose figure is a 7-day one (the active-breaker count is a count now). */
const WINDOWED = new Set(["production_ready_low", "avg_completeness_low"]);

/** The console's alerts, most severe first, each linking to the rows that raised it. */
export function AlertBanner({ initial, params }: { initial: AlertsView; params: { as_of?: string; now?: string } }) {
  const load = useResultLoader();
  const query = usePanelQuery(monitoringKeys.panel("alerts", params), initial, async () =>
    buildAlertsView(await load("health", params), initial.thresholds, params.now),
  );
  const view = query.data;
  return (
    <section className="alerts" aria-labelledby="alerts-title" data-testid="alert-banner">
      <h2 id="alerts-title" className="visually-hidden">
        Alerts
      </h2>
      <PanelStatus meta={view.meta} refreshError={query.refreshError} />
      {view.alerts.length === 0 ? (
        <p className="alert tone-ok" data-testid="alert-clear">
          <StatusBadge status={ALERT_STYLE.clear} />
          <span>
            No alert for the {ALERT_WINDOW_DAYS} days ending {formatDate(view.meta.as_of)} ({thresholdsText(view.thresholds)}).
          </span>
        </p>
      ) : (
        <ul className="alert-list">
          {view.alerts.map((a) => (
            <li key={a.code} className={`alert alert-${a.level}`} data-testid={`alert-${a.level}`}>
              <StatusBadge status={ALERT_STYLE[a.level]} />
              <div className="alert-body">
                <p className="alert-message">{a.message}</p>
                <ul className={`alert-links ${styles.links}`} aria-label={`Rows behind: ${a.message}`}>
                  {a.links.map((l) => (
                    <li key={l.href + l.label}>
                      <Link href={l.href}>{l.label}</Link>
                    </li>
                  ))}
                </ul>
              </div>
            </li>
          ))}
        </ul>
      )}
      {view.alerts.some((a) => WINDOWED.has(a.code)) ? (
        <p className="muted small" data-testid="alert-window">
          Readiness and completeness alerts judge the {ALERT_WINDOW_DAYS} days {formatDate(addDays(view.meta.as_of, -(ALERT_WINDOW_DAYS - 1)))} –{" "}
          {formatDate(view.meta.as_of)}: the processors table&apos;s 7-day columns, not &ldquo;Ready on {formatDate(view.meta.as_of)}&rdquo;, which is that day alone.
        </p>
      ) : null}
    </section>
  );
}
