/**
 * Helpers the breaker rules' tests use over rows in memory. The console never calls them: the
 * engine writes rows to the warehouse (lib/engine/breaker-writes.ts) and derives state from what
 * it reads back.
 */
import { type BreakerKey, type BreakerRowInput, type BreakerState, type BreakerWrite, type ResetWrite, withKey } from "@/lib/completeness/breaker";

/** True when the processor must skip the key now: its breaker is active. */
export function isBlocked(state: Pick<BreakerState, "status">): boolean {
  return state.status === "active";
}

/** The row that a request wrote (what a replayed request is answered with). */
export function findRequestRow<T extends BreakerRowInput>(rows: readonly T[], requestId: string): T | undefined {
  return rows.find((r) => r.request_id === requestId);
}

/**
 * Apply a write to a key's rows in memory (what the database will hold afterwards). Replays and
 * conflicts change nothing; a reset leaves only its own row.
 */
export function applyWrite<T extends BreakerRowInput>(
  rows: readonly T[],
  write: BreakerWrite | ResetWrite,
  key?: BreakerKey,
): BreakerRowInput[] {
  if (!write.ok || write.replay) return [...rows];
  const row: BreakerRowInput = key ? withKey(key, write.row) : write.row;
  return write.row.event_type === "reset" ? [row] : [...rows, row];
}
