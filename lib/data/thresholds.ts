import "server-only";

import { cache } from "react";

import { type IsoDate, addDays } from "@/lib/completeness/dates";
import { PROCESSORS, type ProcessorName } from "@/lib/completeness/processors";
import { type Actor, requireRole } from "@/lib/auth/session";
import { thresholdPassCounts } from "@/lib/queries/thresholds";
import { getWarehouse } from "@/lib/warehouse";

import { getDeployment } from "./deployment";
import { MonitoringParamError, defaultNow, getDataAsOf, parseMonitoringParams } from "./monitoring";

/**
 * The threshold what-if (the runbook's "threshold tuning": before changing a threshold,
 * compare the counts that would pass at ≥ 90 / 85 / 80): per registry processor, how many
 * entities of one date pass at 80, 85, 90 and 95 % and at the threshold its pipeline applies
 * (the deployment's, getDeployment: PIPELINE_THRESHOLDS), on the unrounded completeness
 * (sql/completeness/threshold_pass_counts.sql). The entities are those the pipeline evaluated:
 * output rows and skip attempts.
 *
 * - The date defaults, as the monitoring reads do, to "data as of" (the latest date with
 *   processor output; yesterday when there is none).
 * - Entities with no games expected (completeness NULL) never block: they pass at every
 *   threshold and are also reported on their own.
 * - Only completeness is compared: breakers, upstream processors (cascade) and bootstrap mode do
 *   not depend on the threshold, so "passes" is not "production ready". For multi-window
 *   processors the stored figure is the primary window; readiness also needs the others.
 * - Read once per server request (React cache()). It is not in the monitoring reads' process
 *   cache (lib/data/monitoring.ts keeps that private); the SQL has no clock in it, so BigQuery's
 *   result cache answers a repeated date.
 */

/** The thresholds every processor is compared at (percent), besides its configured one. */
export const WHAT_IF_THRESHOLDS = [80, 85, 90, 95] as const;

export interface ThresholdPass {
  /** Percent. */
  threshold: number;
  /** Entities whose latest row passes (no games expected included). */
  pass: number;
  /** total − pass. */
  below: number;
  /** Share of the processor's entities that pass, 2 decimals; null without rows. */
  pass_pct: number | null;
}

export interface ProcessorThresholdPass {
  processor: ProcessorName;
  /** The production-ready threshold the deployment's pipeline applies for this processor. */
  configured_threshold: number;
  /** Entities evaluated on the date (latest row per entity). */
  total_records: number;
  /** Of those, production ready as stored (readiness's count: breakers and dependencies included). */
  ready_count: number;
  /** Of those, completeness NULL: pass at every threshold. */
  no_games_expected: number;
  /** One per WHAT_IF_THRESHOLDS, ascending. */
  at: ThresholdPass[];
  /** At the configured threshold. */
  configured: ThresholdPass;
}

export interface ThresholdPassCounts {
  as_of: IsoDate;
  /** When the warehouse was read (ISO 8601 UTC). */
  read_at: string;
  thresholds: number[];
  /** All seven registry processors, registry order. */
  processors: ProcessorThresholdPass[];
}

/** `pass` of `total` as a percentage with 2 decimals (null for none). */
function pct(pass: number, total: number): number | null {
  return total === 0 ? null : Math.round((10_000 * pass) / total) / 100;
}

async function readThresholdPassCounts(asOf: IsoDate): Promise<ThresholdPassCounts> {
  const deployment = getDeployment();
  const configured = (name: ProcessorName) => deployment[name].threshold;
  const thresholds = [...new Set([...WHAT_IF_THRESHOLDS, ...PROCESSORS.map((p) => configured(p.name))])].sort((a, b) => a - b);
  const rows = await thresholdPassCounts.run(getWarehouse(), { date_from: asOf, date_to: asOf, thresholds });
  const read_at = new Date().toISOString();
  const processors = PROCESSORS.map((def): ProcessorThresholdPass => {
    const own = rows.filter((r) => r.processor === def.name);
    const total = own[0]?.total_records ?? 0;
    const at = (threshold: number): ThresholdPass => {
      // A processor without rows still has its rows (zeros); the fallback only guards a bad answer.
      const pass = own.find((r) => r.threshold === threshold)?.pass_count ?? 0;
      return { threshold, pass, below: total - pass, pass_pct: pct(pass, total) };
    };
    return {
      processor: def.name,
      configured_threshold: configured(def.name),
      total_records: total,
      ready_count: own[0]?.ready_count ?? 0,
      no_games_expected: own[0]?.no_games_expected ?? 0,
      at: WHAT_IF_THRESHOLDS.map(at),
      configured: at(configured(def.name)),
    };
  });
  return { as_of: asOf, read_at, thresholds: [...WHAT_IF_THRESHOLDS], processors };
}

// React cache() memoizes per server request by argument identity, so it gets a primitive.
const readOncePerRequest = cache(readThresholdPassCounts);

/**
 * Who would pass at other thresholds on `as_of` (optional, YYYY-MM-DD). Throws
 * `MonitoringParamError` (field `as_of`) for a bad date, `AuthError` without the viewer role,
 * and the warehouse's error when it fails.
 */
export async function getThresholdPassCounts(params: { as_of?: string } = {}, actor?: Actor | null): Promise<ThresholdPassCounts> {
  const who = await requireRole("viewer", actor);
  const parsed = parseMonitoringParams({ as_of: params.as_of });
  if (!parsed.ok) throw new MonitoringParamError("as_of", parsed.error);
  const asOf = parsed.params.as_of ?? (await getDataAsOf(undefined, who)).as_of ?? addDays(defaultNow().slice(0, 10), -1);
  return readOncePerRequest(asOf);
}
