import "server-only";

import { cache } from "react";

import { type Actor, requireRole } from "@/lib/auth/session";
import type { AuditFilter } from "@/lib/breakers/schemas";
import { type OutcomeCounts, REMOVED_OUTCOME, type ShownOutcome, countOutcomes } from "@/lib/breakers/outcomes";
import type { OverrideResultRow } from "@/lib/completeness/breaker";
import type { KeyChange } from "@/lib/breakers/changes";
import { keyString } from "@/lib/engine/breaker-writes";
import { readOverrideOutcomes } from "@/lib/engine/override-outcomes";
import { toCsv } from "@/lib/format";
import { auditLog } from "@/lib/queries/breakers";
import { getWarehouse } from "@/lib/warehouse";

export interface AuditEntry {
  audit_id: string;
  created_at: string;
  action: string;
  actor: string;
  actor_role: string;
  reason_code: string | null;
  reason: string;
  request_id: string;
  key_count: number;
  keys: AuditKey[];
  /** Resets: how many rows the reset deleted (its record keeps them); null for other actions and for resets recorded before records kept them. */
  rows_removed: number | null;
  /** Override and bulk override records: their keys' outcomes counted; null for other actions. */
  outcome_counts: OutcomeCounts | null;
}

/** A key a record changed; for an override, what the override led to. */
export interface AuditKey extends KeyChange {
  /** Override records only: the outcome of this record's override row of the key (`removed` once a reset deleted it). */
  outcome?: ShownOutcome;
  /** When the deciding attempt or output happened; null while pending or removed. */
  outcome_decided_at?: string | null;
}

/** The actions whose records appended override rows. */
const OVERRIDE_ACTIONS = new Set(["override", "bulk_override"]);

/** Without dates: the last 90 days (the audit partitions read). */
const DEFAULT_DAYS = 90;

/** The audit of console writes, newest first (viewer). Read-only: nothing edits or deletes it. */
export const listAudit = cache(async (filter: AuditFilter, actor?: Actor | null): Promise<AuditEntry[]> => {
  await requireRole("viewer", actor);
  const to = filter.date_to ? new Date(Date.parse(`${filter.date_to}T00:00:00Z`) + 86_400_000) : new Date(Date.now() + 60_000);
  const from = filter.date_from ? new Date(`${filter.date_from}T00:00:00Z`) : new Date(to.getTime() - DEFAULT_DAYS * 86_400_000);
  const rows = await auditLog.run(getWarehouse(), {
    created_from: from.toISOString(),
    created_to: to.toISOString(),
    actor: filter.actor ?? "",
    action: filter.action ?? "",
    processor: filter.processor ?? "",
  });
  const entries = rows.map(({ keys_json, removed_rows_json, ...row }) => ({ ...row, keys: JSON.parse(keys_json) as KeyChange[], rows_removed: rowsRemoved(removed_rows_json) }));
  const overrideKeys = entries.filter((e) => OVERRIDE_ACTIONS.has(e.action)).flatMap((e) => e.keys);
  const unique = [...new Map(overrideKeys.map((k) => [keyString(k), { processor: k.processor, entity_id: k.entity_id, analysis_date: k.analysis_date }])).values()];
  const outcomes = await readOverrideOutcomes(getWarehouse(), unique, new Date().toISOString());
  return withOutcomes(entries, outcomes);
});

/** How many rows a reset's record kept (every row it deleted); null when it kept none. */
export function rowsRemoved(removedRowsJson: string | null): number | null {
  if (removedRowsJson === null) return null;
  const rows: unknown = JSON.parse(removedRowsJson);
  return Array.isArray(rows) ? rows.length : null;
}

/**
 * Each override record's keys with the outcome of the override row that record appended (the
 * row carrying its request id). A key whose row is gone was reset since: `removed`.
 */
export function withOutcomes(
  entries: readonly (Omit<AuditEntry, "keys" | "outcome_counts"> & { keys: KeyChange[] })[],
  outcomes: ReadonlyMap<string, readonly OverrideResultRow[]>,
): AuditEntry[] {
  return entries.map((e) => {
    if (!OVERRIDE_ACTIONS.has(e.action)) return { ...e, outcome_counts: null };
    const keys = e.keys.map((k): AuditKey => {
      const row = outcomes.get(keyString(k))?.find((o) => o.request_id === e.request_id);
      return { ...k, outcome: row?.outcome ?? REMOVED_OUTCOME, outcome_decided_at: row?.decided_at ?? null };
    });
    return { ...e, keys, outcome_counts: countOutcomes(keys.map((k) => k.outcome)) };
  });
}

/**
 * The audit as CSV, one row per key changed (before → after, and for an override what it led
 * to), formula-injection safe. A record
 * that changed no key (a pipeline report whose entities were all skips that are no attempts)
 * still has its row, with the key columns empty: the export is the whole audit.
 */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.flatMap((e) => (e.keys.length ? e.keys.map((k): { e: AuditEntry; k?: AuditKey } => ({ e, k })) : [{ e }]));
  return toCsv(
    [
      { header: "created_at", value: (r) => r.e.created_at },
      { header: "action", value: (r) => r.e.action },
      { header: "actor", value: (r) => r.e.actor },
      { header: "role", value: (r) => r.e.actor_role },
      { header: "reason_code", value: (r) => r.e.reason_code },
      { header: "reason", value: (r) => r.e.reason },
      { header: "processor", value: (r) => r.k?.processor ?? null },
      { header: "entity_id", value: (r) => r.k?.entity_id ?? null },
      { header: "analysis_date", value: (r) => r.k?.analysis_date ?? null },
      { header: "before", value: (r) => r.k?.before.status ?? null },
      { header: "after", value: (r) => r.k?.after.status ?? null },
      { header: "outcome", value: (r) => r.k?.outcome ?? null },
      { header: "outcome_decided_at", value: (r) => r.k?.outcome_decided_at ?? null },
      { header: "request_id", value: (r) => r.e.request_id },
      { header: "rows_removed", value: (r) => r.e.rows_removed },
    ],
    rows,
  );
}
