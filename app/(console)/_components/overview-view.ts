/**
 * The overview's view model: one row per processor (worst first) and the alert banner, from
 * the health (7 days), readiness (as_of) and trends (sparkline) queries. Pure, client-safe: the
 * server builds the first render and the client rebuilds it on refresh.
 */
import { type Alert, type AlertThresholds, evaluateAlerts } from "@/lib/completeness/alerts";
import { type IsoDate, addDays } from "@/lib/completeness/dates";
import { PROCESSORS, type ProcessorName } from "@/lib/completeness/processors";
import type { MonitoringRow } from "@/lib/monitoring/schemas";

import { type MonitoringResultLike, type PanelMeta, mergeMeta, metaOf } from "@/lib/monitoring/query";
import type { ReadinessStatus } from "@/components/ui/status";
import { READINESS_STYLE } from "@/components/ui/status";
import { alertLinks } from "@/lib/monitoring/alert-links";
import { toProcessorHealth } from "@/lib/monitoring/processor-health";

/** Days the sparkline draws (the trends rows of the last 7 dates ending at as_of). */
export const SPARK_DAYS = 7;

export interface SparkPoint {
  date: IsoDate;
  value: number | null;
}

export interface ProcessorOverview {
  processor: ProcessorName;
  short: string;
  /** Status band on as_of (readiness); "no-data" when the processor wrote nothing that day. */
  status: ReadinessStatus;
  /** Ready on as_of. */
  readyPct: number | null;
  readyCount: number;
  totalRecords: number;
  /** Over the 7 dates ending at as_of (health). */
  readyPct7: number | null;
  avgCompleteness7: number | null;
  records7: number;
  entities7: number;
  activeBreakers: number;
  bootstrap7: number;
  /** Ready % per day over the last 7 dates (trends). */
  spark: SparkPoint[];
}

export interface AlertLinkView {
  label: string;
  href: string;
  processor?: string;
}

export interface AlertItem {
  level: Alert["level"];
  code: Alert["code"];
  value: number;
  threshold: number;
  comparison: Alert["comparison"];
  processors: string[];
  message: string;
  links: AlertLinkView[];
}

export interface AlertsView {
  meta: PanelMeta;
  thresholds: AlertThresholds;
  alerts: AlertItem[];
}

export interface OverviewView {
  meta: PanelMeta;
  rows: ProcessorOverview[];
}

type Health = MonitoringRow<"health">;
type Readiness = MonitoringRow<"readiness">;
type Trend = MonitoringRow<"trends">;

/** Worst first: no data, critical, warning, good, excellent; then lowest ready %, then registry order. */
function worstFirst(a: ProcessorOverview, b: ProcessorOverview): number {
  const rank = READINESS_STYLE[a.status].rank - READINESS_STYLE[b.status].rank;
  if (rank !== 0) return rank;
  const ra = a.readyPct ?? -1;
  const rb = b.readyPct ?? -1;
  if (ra !== rb) return ra - rb;
  return PROCESSORS.findIndex((p) => p.name === a.processor) - PROCESSORS.findIndex((p) => p.name === b.processor);
}

export function buildOverviewView(
  health: MonitoringResultLike<"health">,
  readiness: MonitoringResultLike<"readiness">,
  trends: MonitoringResultLike<"trends">,
): OverviewView {
  const asOf = readiness.as_of;
  const sparkFrom = addDays(asOf, -(SPARK_DAYS - 1));
  const sparkDates = Array.from({ length: SPARK_DAYS }, (_, i) => addDays(sparkFrom, i));
  const byProcessor = <R extends { processor: string }>(rows: readonly R[]) => new Map(rows.map((r) => [r.processor, r]));
  const h = byProcessor<Health>(health.rows);
  const r = byProcessor<Readiness>(readiness.rows);
  const trendValue = new Map(trends.rows.filter((t) => t.date >= sparkFrom && t.date <= asOf).map((t: Trend) => [`${t.processor}|${t.date}`, t.production_ready_pct]));

  const rows = PROCESSORS.map((def): ProcessorOverview => {
    const hr = h.get(def.name);
    const rr = r.get(def.name);
    const total = rr?.total_records ?? 0;
    return {
      processor: def.name,
      short: def.short,
      status: total === 0 ? "no-data" : (rr?.status ?? "critical"),
      readyPct: rr?.ready_pct ?? null,
      readyCount: rr?.ready_count ?? 0,
      totalRecords: total,
      readyPct7: hr?.production_ready_pct ?? null,
      avgCompleteness7: hr?.avg_completeness_pct ?? null,
      records7: hr?.total_records ?? 0,
      entities7: hr?.unique_entities ?? 0,
      activeBreakers: hr?.active_breakers ?? 0,
      bootstrap7: hr?.bootstrap_records ?? 0,
      spark: sparkDates.map((date) => ({ date, value: trendValue.get(`${def.name}|${date}`) ?? null })),
    };
  }).sort(worstFirst);

  return { meta: mergeMeta(metaOf(readiness), metaOf(health), metaOf(trends)), rows };
}

// ---------------------------------------------------------------------------------------------
// Alerts (client refresh). The first render uses the data layer's getAlerts() as is; a client
// refresh re-evaluates the same pure rules (lib/completeness/alerts.ts) over the refreshed
// health rows and links them with the same function (lib/monitoring/alert-links.ts).

export function buildAlertsView(health: MonitoringResultLike<"health">, thresholds: AlertThresholds, pinnedNow?: string): AlertsView {
  const alerts = evaluateAlerts(toProcessorHealth(health.rows), thresholds).map((a) =>
    toAlertItem(a, alertLinks(a, { as_of: health.as_of, now: pinnedNow ? health.now : undefined })),
  );
  return { meta: metaOf(health), thresholds, alerts };
}

/** An alert as the banner shows it: what it says and where its rows are (the per-processor figures stay behind). */
export function toAlertItem(a: Alert, links: readonly AlertLinkView[]): AlertItem {
  return {
    level: a.level,
    code: a.code,
    value: a.value,
    threshold: a.threshold,
    comparison: a.comparison,
    processors: a.processors,
    message: a.message,
    links: links.map((l) => ({ label: l.label, href: l.href, ...(l.processor ? { processor: l.processor } : {}) })),
  };
}
