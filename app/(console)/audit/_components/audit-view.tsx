/** How the audit pages name an action, a key, its change and what an override of it led to: the list and a record's page. */
import { SHOWN_OUTCOME_LABELS } from "@/lib/breakers/outcomes";
import type { AuditAction } from "@/lib/breakers/schemas";
import type { KeyChange } from "@/lib/breakers/changes";
import type { AuditKey } from "@/lib/data/audit";
import { formatUtc } from "@/lib/format";

/** Every action the audit records has a label (the Record makes the list exhaustive); the filter offers them all. */
export const ACTION_LABEL: Record<AuditAction, string> = {
  override: "Override",
  bulk_override: "Bulk override",
  reset: "Reset",
  restore: "Restore",
  pipeline_outcomes: "Pipeline outcomes",
  pipeline_check: "Pipeline check",
  demo_advance: "Demo pipeline pass",
};

export function keyName(k: KeyChange): string {
  return `${k.processor} · ${k.entity_id} · ${k.analysis_date}`;
}

/** A key's state before → after, and the event the write appended (what its state now ends on). */
export function transition(k: KeyChange): string {
  return `${k.before.status} → ${k.after.status}${k.after.lastEvent ? ` · ${k.after.lastEvent}` : ""}`;
}

/** What an override of the key led to (override records only). */
export function OutcomeOf({ k }: { k: AuditKey }) {
  if (!k.outcome) return null;
  return (
    <span data-testid="audit-key-outcome" data-outcome={k.outcome}>
      {" "}
      · led to: <strong>{SHOWN_OUTCOME_LABELS[k.outcome]}</strong>
      {k.outcome_decided_at && <span className="muted"> ({formatUtc(k.outcome_decided_at)})</span>}
    </span>
  );
}
