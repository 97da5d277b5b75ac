/**
 * Breaker keys and what an operator write changes: the shapes the write layer (lib/engine/
 * breaker-writes.ts) returns and the forms, the API, the audit log and the CLI show. Types only,
 * client-safe.
 */
import type { BreakerState } from "@/lib/completeness/breaker";
import type { IsoDate } from "@/lib/completeness/dates";
import type { ProcessorName } from "@/lib/completeness/processors";

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
