/**
 * Console alerts, each threshold configurable (defaults below, DEFAULT_ALERT_THRESHOLDS):
 *   critical  active circuit breakers (all processors) > 10
 *   warning   some processor's production-ready % < 90
 *   info      average completeness (all processors, weighted by rows) < 92
 * Each alert carries the number that raised it, its threshold and the processors behind it, so
 * the page can link to exactly those rows. Comparisons are strict, as worded. Client-safe, pure.
 */
import type { ProcessorName } from "./processors";

export interface ProcessorHealth {
  processor: ProcessorName;
  /** Production-ready % of the processor's rows; null when it has no rows (raises nothing). */
  productionReadyPct: number | null;
  /** Average completeness of its rows that have one (no-games-expected rows have none). */
  avgCompleteness: number | null;
  /** How many rows `avgCompleteness` averages: the weight in the overall average. */
  records: number;
  activeBreakers: number;
}

export interface AlertThresholds {
  /** critical when active breakers > this */
  criticalActiveBreakers: number;
  /** warning when a processor's production-ready % < this */
  warningReadyPct: number;
  /** info when the average completeness < this */
  infoAvgCompleteness: number;
}

export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = Object.freeze({
  criticalActiveBreakers: 10,
  warningReadyPct: 90,
  infoAvgCompleteness: 92,
});

export type AlertLevel = "critical" | "warning" | "info";
export type AlertCode = "active_breakers" | "production_ready_low" | "avg_completeness_low";

/** The level each alert is raised at: the one place that pairs a code with its level. */
export const ALERT_LEVELS: Readonly<Record<AlertCode, AlertLevel>> = Object.freeze({
  active_breakers: "critical",
  production_ready_low: "warning",
  avg_completeness_low: "info",
});

export interface Alert {
  level: AlertLevel;
  code: AlertCode;
  /** The number compared: total active breakers, lowest ready %, or the overall average. */
  value: number;
  threshold: number;
  comparison: ">" | "<";
  /** Processors that raised it, in input order. */
  processors: ProcessorName[];
  /** Each raising processor's own number. */
  perProcessor: { processor: ProcessorName; value: number }[];
  message: string;
}

/**
 * The alerts judge the health read: every processor's rows over the 7 dates ending at the
 * data-as-of date. The health query reads this window (lib/queries/monitoring.ts), and pages
 * that name it import it from here. Their messages name that window, because the overview also shows each
 * processor's readiness on the last date alone, a different (often lower) figure.
 */
export const ALERT_WINDOW_DAYS = 7;

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function activeBreakersAlert(health: readonly ProcessorHealth[], threshold: number): Alert | null {
  const total = health.reduce((sum, h) => sum + h.activeBreakers, 0);
  if (!(total > threshold)) return null;
  const raising = health.filter((h) => h.activeBreakers > 0);
  return {
    level: ALERT_LEVELS.active_breakers,
    code: "active_breakers",
    value: total,
    threshold,
    comparison: ">",
    processors: raising.map((h) => h.processor),
    perProcessor: raising.map((h) => ({ processor: h.processor, value: h.activeBreakers })),
    message: `${total} circuit breakers active (alert above ${threshold})`,
  };
}

function readyAlert(health: readonly ProcessorHealth[], threshold: number): Alert | null {
  const raising = health.flatMap((h) =>
    h.productionReadyPct !== null && h.productionReadyPct < threshold ? [{ processor: h.processor, value: h.productionReadyPct }] : [],
  );
  if (raising.length === 0) return null;
  const lowest = raising.reduce((low, r) => (r.value < low.value ? r : low));
  return {
    level: ALERT_LEVELS.production_ready_low,
    code: "production_ready_low",
    value: lowest.value,
    threshold,
    comparison: "<",
    processors: raising.map((r) => r.processor),
    perProcessor: raising,
    message: `${raising.length} processor(s) below ${fmt(threshold)}% production ready over the last ${ALERT_WINDOW_DAYS} days (lowest: ${lowest.processor}, ${fmt(lowest.value)}%)`,
  };
}

/** Row-weighted average completeness over processors that have rows; null when none do. */
export function overallAvgCompleteness(health: readonly ProcessorHealth[]): number | null {
  const rated = health.filter((h) => h.avgCompleteness !== null && h.records > 0);
  const rows = rated.reduce((sum, h) => sum + h.records, 0);
  if (rows === 0) return null;
  return rated.reduce((sum, h) => sum + (h.avgCompleteness as number) * h.records, 0) / rows;
}

function avgAlert(health: readonly ProcessorHealth[], threshold: number): Alert | null {
  const avg = overallAvgCompleteness(health);
  if (avg === null || !(avg < threshold)) return null;
  // A weighted average below the threshold implies at least one processor below it.
  const raising = health.flatMap((h) =>
    h.avgCompleteness !== null && h.records > 0 && h.avgCompleteness < threshold ? [{ processor: h.processor, value: h.avgCompleteness }] : [],
  );
  return {
    level: ALERT_LEVELS.avg_completeness_low,
    code: "avg_completeness_low",
    value: avg,
    threshold,
    comparison: "<",
    processors: raising.map((r) => r.processor),
    perProcessor: raising,
    message: `Average completeness over the last ${ALERT_WINDOW_DAYS} days ${fmt(avg)}% is below ${fmt(threshold)}%`,
  };
}

/** The alerts raised by a health summary, most severe first. */
export function evaluateAlerts(health: readonly ProcessorHealth[], thresholds: Partial<AlertThresholds> = {}): Alert[] {
  const t = { ...DEFAULT_ALERT_THRESHOLDS, ...thresholds };
  return [
    activeBreakersAlert(health, t.criticalActiveBreakers),
    readyAlert(health, t.warningReadyPct),
    avgAlert(health, t.infoAvgCompleteness),
  ].filter((a): a is Alert => a !== null);
}
