import "server-only";

import { cache } from "react";

import { type Actor, requireRole } from "@/lib/auth/session";
import type { AuditFilter } from "@/lib/breakers/schemas";
import type { KeyChange } from "@/lib/engine/breaker-writes";
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
  keys: KeyChange[];
}

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
  return rows.map(({ keys_json, ...row }) => ({ ...row, keys: JSON.parse(keys_json) as KeyChange[] }));
});

/**
 * The audit as CSV, one row per key changed (before → after), formula-injection safe. A record
 * that changed no key (a pipeline report whose entities were all skips that are no attempts)
 * still has its row, with the key columns empty: the export is the whole audit.
 */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.flatMap((e) => (e.keys.length ? e.keys.map((k): { e: AuditEntry; k?: KeyChange } => ({ e, k })) : [{ e }]));
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
      { header: "request_id", value: (r) => r.e.request_id },
    ],
    rows,
  );
}
