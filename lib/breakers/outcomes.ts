/**
 * What an override led to, in words and counts: one vocabulary for the audit page, its CSV, the
 * entity page, the trends and the CLI. Client-safe, pure (the rule itself is
 * `overrideOutcomes` in lib/completeness/breaker.ts).
 */
import { OVERRIDE_OUTCOMES, type OverrideOutcome } from "@/lib/completeness/breaker";

export const OUTCOME_LABELS: Record<OverrideOutcome, string> = {
  processed: "processed",
  failed_again: "failed again",
  re_tripped: "re-tripped",
  pending: "pending (no run since)",
};

/**
 * An override whose row is no longer stored: a reset deletes every row of its key, the
 * override's included, so what it led to can no longer be told.
 */
export const REMOVED_OUTCOME = "removed";
export type ShownOutcome = OverrideOutcome | typeof REMOVED_OUTCOME;
export const SHOWN_OUTCOMES: readonly ShownOutcome[] = [...OVERRIDE_OUTCOMES, REMOVED_OUTCOME];
export const SHOWN_OUTCOME_LABELS: Record<ShownOutcome, string> = { ...OUTCOME_LABELS, removed: "removed by a reset" };

export type OutcomeCounts = Record<ShownOutcome, number>;

export function countOutcomes(outcomes: Iterable<ShownOutcome | null | undefined>): OutcomeCounts {
  const counts = Object.fromEntries(SHOWN_OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
  for (const o of outcomes) if (o) counts[o] += 1;
  return counts;
}

/** `3 processed, 1 re-tripped` — the outcomes present, in the vocabulary's order; "" when none. */
export function outcomeSummary(counts: OutcomeCounts): string {
  return SHOWN_OUTCOMES.filter((o) => counts[o] > 0)
    .map((o) => `${counts[o]} ${SHOWN_OUTCOME_LABELS[o]}`)
    .join(", ");
}

/** A key's latest override and what it led to (the API's `outcomes=latest`, the CLI's status). */
export interface LatestOutcome {
  processor: string;
  entity_id: string;
  analysis_date: string;
  outcome: OverrideOutcome;
  /** When the override was applied, and by whom. */
  at: string;
  actor: string | null;
  decided_at: string | null;
}
