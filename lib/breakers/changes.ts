/**
 * Breaker keys and what an operator write changes: the shapes the write layer (lib/engine/
 * breaker-writes.ts) returns and the forms, the API, the audit log and the CLI show. Types only,
 * client-safe.
 */
import type { BreakerState, StoredAttemptRow } from "@/lib/completeness/breaker";
import type { IsoDate } from "@/lib/completeness/dates";
import type { ProcessorName } from "@/lib/completeness/processors";
import type { RestoreRefusal } from "@/lib/completeness/restore";

export interface BreakerKeyRef {
  processor: ProcessorName;
  entity_id: string;
  analysis_date: IsoDate;
}

/** A key with its state before and after a write (what previews show and the audit keeps). */
export interface KeyChange extends BreakerKeyRef {
  before: KeyStateSummary;
  after: KeyStateSummary;
}

export interface KeyStateSummary {
  status: BreakerState["status"];
  attemptCount: number;
  consecutiveFailures: number;
  until: string | null;
  lastEvent: BreakerState["lastEvent"];
}

export interface BulkPreview {
  /** Keys that will be overridden, with before → after. */
  changes: KeyChange[];
  /** Keys of the request that are not active and will not change, with why. */
  skipped: { key: BreakerKeyRef; reason: string }[];
  /** Binds an apply to exactly this set in exactly these states. */
  token: string;
  /** What the override will really do for the keys' processors (their breaker readers). */
  consequence: string;
}

/** The reset a restore would undo, as its audit record names it. */
export interface ResetRecord {
  audit_id: string;
  request_id: string;
  actor: string;
  reason: string;
  created_at: string;
}

/** Whether a reset can be restored, as the Audit page shows it beside the reset's record. */
export interface RestoreStatus {
  audit_id: string;
  key: BreakerKeyRef;
  /** How many rows the reset kept (what a restore puts back). */
  rowCount: number;
  available: boolean;
  refusal: RestoreRefusal | null;
  /** Why it is not available, in words (null when it is). */
  message: string | null;
  restorableUntil: string;
}

/** A reset with the rows it deleted, every column as stored: what a restore would put back. */
export type RestorePreviewView = RestoreStatus & { reset: ResetRecord; rows: StoredAttemptRow[] };
