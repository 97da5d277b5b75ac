/**
 * Whether a reset can be undone: the rule the restore write, the audit page and the CLI share.
 * Pure (no I/O): the caller reads the reset's record, the restore that undid it (if any) and the
 * key's rows as they are now.
 *
 * A reset deletes every row of a key and leaves one RESET row; its audit record keeps the deleted
 * rows exactly. An admin may put them back, replacing the RESET row, when:
 * - the record kept them (resets recorded before rows were kept cannot be restored);
 * - no restore has undone it yet (once);
 * - the reset is at most RESTORE_WINDOW_DAYS old (the rows' partitions expire, and an old history
 *   restored under a newer one would confuse every reader);
 * - the key still holds exactly that RESET row and nothing else: a processor attempt, an override
 *   or another reset since then would be lost or reordered by the restore.
 * The first rule that fails is the answer, in that order.
 */
import { addDaysToInstant, instantMicros } from "./dates";

export const RESTORE_WINDOW_DAYS = 30;

export type RestoreRefusal = "not_kept" | "already_restored" | "too_old" | "changed";

/** The columns of a current row the rule looks at. */
export interface CurrentRow {
  attempt_number: number;
  attempted_at: string;
  skip_reason: string | null;
  event_type: string | null;
  actor: string | null;
  request_id: string | null;
}

export interface RestoreFacts {
  /** When the reset was applied, and the request id its RESET row carries. */
  resetAt: string;
  resetRequestId: string;
  /** How many rows its audit record kept; null when it kept none (recorded before rows were kept). */
  keptRows: number | null;
  /** The restore that already undid it. */
  restored: { at: string; actor: string } | null;
  /** Every row of the key now, whatever processor name it was written under. */
  currentRows: readonly CurrentRow[];
  now: string;
}

export type RestoreAvailability = { ok: true } | { ok: false; refusal: RestoreRefusal; message: string };

/** The RESET row a reset leaves: attempt 0, skip_reason RESET, the reset's request id. */
export function isResetRowOf(row: CurrentRow, requestId: string): boolean {
  return row.attempt_number === 0 && row.skip_reason === "RESET" && row.request_id === requestId;
}

export function restoreAvailability(facts: RestoreFacts): RestoreAvailability {
  if (facts.keptRows === null) {
    return { ok: false, refusal: "not_kept", message: "This reset was recorded before resets kept the rows they delete; there is nothing to restore" };
  }
  if (facts.restored) {
    return { ok: false, refusal: "already_restored", message: `Already restored by ${facts.restored.actor} at ${facts.restored.at}; a reset is restored once` };
  }
  if (instantMicros(facts.now) > instantMicros(addDaysToInstant(facts.resetAt, RESTORE_WINDOW_DAYS))) {
    return { ok: false, refusal: "too_old", message: `Too old: the reset was applied at ${facts.resetAt}, more than ${RESTORE_WINDOW_DAYS} days ago; resets can be restored for ${RESTORE_WINDOW_DAYS} days` };
  }
  const others = facts.currentRows.filter((r) => !isResetRowOf(r, facts.resetRequestId));
  if (others.length > 0) {
    const latest = others.reduce((a, b) => (instantMicros(b.attempted_at) > instantMicros(a.attempted_at) ? b : a));
    const what = latest.event_type ?? (latest.skip_reason === "RESET" ? "reset" : "attempt");
    return {
      ok: false,
      refusal: "changed",
      message: `The key changed since the reset: ${others.length} row${others.length === 1 ? "" : "s"} written after it (latest: ${what} at ${latest.attempted_at}${latest.actor ? ` by ${latest.actor}` : ""}); restoring would lose them`,
    };
  }
  if (facts.currentRows.length === 0) {
    return { ok: false, refusal: "changed", message: "The key changed since the reset: its RESET row is gone (deleted or expired)" };
  }
  return { ok: true };
}
