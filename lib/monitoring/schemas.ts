/**
 * The nine monitoring queries' public contract: names, parameters and row shapes, shared by the
 * SQL definitions, the data layer, the JSON API and the pages. Client-safe: zod only.
 * Percentages have two decimals: shares the console computes are 0–100, completeness figures
 * are as written (possibly above 100); dates `YYYY-MM-DD`; timestamps ISO 8601 UTC.
 */
import { z } from "zod";

import { BREAKER_EVENT_TYPES } from "@/lib/completeness/breaker";
import { isoDate } from "@/lib/completeness/dates";
import { keyVerdictSchema } from "@/lib/completeness/verdict";

export const MONITORING_QUERY_NAMES = [
  "health",
  "active-breakers",
  "trends",
  "below-threshold",
  "breaker-history",
  "bootstrap",
  "multi-window",
  "readiness",
  "patterns",
] as const;
export type MonitoringQueryName = (typeof MONITORING_QUERY_NAMES)[number];

export const isoTimestamp = z.string().datetime({ offset: true, message: "must be an ISO 8601 timestamp" });
/**
 * A completeness figure AS WRITTEN: any finite number. The original checker wrote values above
 * 100 routinely (season-to-date actual games over last-N expected; team games counted twice,
 * ≈200%), in the output tables and in reprocess_attempts.completeness_pct; a reader that
 * rejected them would fail on every page of a real warehouse. Shown as written and flagged
 * (lib/format.ts, overHundredNote).
 */
const pct = z.number();
/** A share the console computes itself (ready / evaluated × 100): always within 0–100. */
const share = z.number().min(0).max(100);

/** `?as_of=YYYY-MM-DD&now=<ISO>`; both optional (defaults: latest date with output, current time). */
export const monitoringParams = z.object({
  as_of: isoDate.optional(),
  now: isoTimestamp.optional(),
});
export type MonitoringParams = z.infer<typeof monitoringParams>;

export const READINESS_STATUSES = ["excellent", "good", "warning", "critical"] as const;

export const monitoringRows = {
  health: z.object({
    processor: z.string(),
    unique_entities: z.number().int(),
    total_records: z.number().int(),
    avg_completeness_pct: pct.nullable(),
    min_completeness_pct: pct.nullable(),
    max_completeness_pct: pct.nullable(),
    production_ready_count: z.number().int(),
    production_ready_pct: share.nullable(),
    active_breakers: z.number().int(),
    bootstrap_records: z.number().int(),
  }),
  "active-breakers": z.object({
    processor: z.string(),
    entity_id: z.string(),
    analysis_date: isoDate,
    attempt_number: z.number().int(),
    completeness_pct: pct.nullable(),
    skip_reason: z.string().nullable(),
    tripped_at: z.string(),
    breaker_until: z.string(),
    hours_remaining: z.number(),
    notes: z.string().nullable(),
  }),
  trends: z.object({
    date: isoDate,
    processor: z.string(),
    avg_completeness_pct: pct.nullable(),
    production_ready_pct: share.nullable(),
    records: z.number().int(),
  }),
  "below-threshold": z.object({
    processor: z.string(),
    entity_id: z.string(),
    date: isoDate,
    completeness_pct: pct.nullable(),
    expected_games: z.number().int().nullable(),
    actual_games: z.number().int().nullable(),
    missing_games: z.number().int().nullable(),
    processing_decision_reason: z.string().nullable(),
  }),
  "breaker-history": z.object({
    attempted_at: z.string(),
    processor: z.string(),
    entity_id: z.string(),
    analysis_date: isoDate,
    attempt_number: z.number().int(),
    event: z.enum(BREAKER_EVENT_TYPES),
    completeness_pct: pct.nullable(),
    skip_reason: z.string().nullable(),
    actor: z.string().nullable(),
    notes: z.string().nullable(),
  }),
  bootstrap: z.object({
    date: isoDate,
    processor: z.string(),
    bootstrap_records: z.number().int(),
  }),
  "multi-window": z.object({
    processor: z.string(),
    entity_id: z.string(),
    date: isoDate,
    window: z.string(),
    completeness_pct: pct.nullable(),
    is_complete: z.boolean(),
  }),
  readiness: z.object({
    processor: z.string(),
    total_records: z.number().int(),
    ready_count: z.number().int(),
    not_ready_count: z.number().int(),
    ready_pct: share.nullable(),
    avg_completeness_pct: pct.nullable(),
    status: z.enum(READINESS_STATUSES),
  }),
  patterns: z.object({
    processor: z.string(),
    skip_reason: z.string().nullable(),
    affected_entities: z.number().int(),
    total_attempts: z.number().int(),
    avg_attempts_per_entity: z.number(),
    avg_completeness_pct: pct.nullable(),
    trips: z.number().int(),
  }),
} satisfies Record<MonitoringQueryName, z.ZodTypeAny>;

export type MonitoringRow<N extends MonitoringQueryName> = z.infer<(typeof monitoringRows)[N]>;

/**
 * An active breaker as the Active list, the API and the CLI receive it: the query's row plus the
 * key's verdict at the result's `now` (null when the live recheck could not be made).
 */
export const activeBreakerRow = monitoringRows["active-breakers"].extend({ verdict: keyVerdictSchema.nullable() });
export type ActiveBreakerRow = z.infer<typeof activeBreakerRow>;

/** `?safe=yes|no` on the Active list and the active-breakers API: only keys whose verdict is (not) safe. */
export const safeFilter = z.enum(["yes", "no"]);
export type SafeFilter = z.infer<typeof safeFilter>;

/** What the API returns and the pages receive. `read_at`: when the warehouse was read (cache). */
export interface MonitoringResult<N extends MonitoringQueryName> {
  as_of: string;
  now: string;
  rows: MonitoringRow<N>[];
}
