/**
 * The restore rule's details a mutation run could change without a test noticing: which row is
 * the reset's own RESET row (all three of attempt 0, RESET and the reset's request id), the
 * latest of the rows written since (by instant, whatever their order) and how it is named, and
 * the refusals' exact words. Messages are written out by hand.
 */
import { describe, expect, it } from "vitest";

import { type CurrentRow, type RestoreFacts, isResetRowOf, restoreAvailability } from "./restore";

const RESET_AT = "2025-01-10T15:30:00.000Z";
const resetRow: CurrentRow = { attempt_number: 0, attempted_at: RESET_AT, skip_reason: "RESET", event_type: "reset", actor: "dana", request_id: "reset-1" };
const facts = (currentRows: CurrentRow[], over: Partial<RestoreFacts> = {}): RestoreFacts => ({
  resetAt: RESET_AT,
  resetRequestId: "reset-1",
  keptRows: 4,
  restored: null,
  currentRows,
  now: "2025-01-12T09:00:00.000Z",
  ...over,
});

describe("isResetRowOf", () => {
  it("is the row with attempt 0, skip reason RESET and the reset's request id, and no other", () => {
    expect(isResetRowOf(resetRow, "reset-1")).toBe(true);
    expect(isResetRowOf({ ...resetRow, attempt_number: 1 }, "reset-1")).toBe(false);
    expect(isResetRowOf({ ...resetRow, skip_reason: "MANUAL_OVERRIDE" }, "reset-1")).toBe(false);
    expect(isResetRowOf(resetRow, "reset-2")).toBe(false);
  });
});

describe("restoreAvailability's refusals", () => {
  it("a reset that kept no rows says why", () => {
    expect(restoreAvailability(facts([resetRow], { keptRows: null }))).toEqual({
      ok: false,
      refusal: "not_kept",
      message: "This reset was recorded before resets kept the rows they delete; there is nothing to restore",
    });
  });

  it("counts the rows written since, names the latest by instant whatever the order, and who wrote it", () => {
    const override: CurrentRow = { attempt_number: 2, attempted_at: "2025-01-11T15:00:00.000Z", skip_reason: "MANUAL_OVERRIDE", event_type: "override", actor: "alice", request_id: "o-1" };
    const failure: CurrentRow = { attempt_number: 1, attempted_at: "2025-01-11T04:00:00.000Z", skip_reason: "incomplete_upstream_data", event_type: null, actor: null, request_id: null };
    const message = "The key changed since the reset: 2 rows written after it (latest: override at 2025-01-11T15:00:00.000Z by alice); restoring would lose them";
    for (const rows of [[resetRow, failure, override], [override, resetRow, failure]]) {
      expect(restoreAvailability(facts(rows))).toEqual({ ok: false, refusal: "changed", message });
    }
  });

  it("a row that is not the reset's own, without an event type, is named a reset when it is a RESET row and an attempt otherwise", () => {
    const otherReset: CurrentRow = { ...resetRow, event_type: null, request_id: "reset-2", attempted_at: "2025-01-11T10:00:00.000Z", actor: "root" };
    expect(restoreAvailability(facts([otherReset]))).toMatchObject({
      message: "The key changed since the reset: 1 row written after it (latest: reset at 2025-01-11T10:00:00.000Z by root); restoring would lose them",
    });
    // The reset's own RESET row written again with another attempt number is no longer its row.
    const renumbered: CurrentRow = { ...resetRow, attempt_number: 1, event_type: null, skip_reason: "incomplete_upstream_data", actor: null };
    expect(restoreAvailability(facts([renumbered]))).toMatchObject({
      message: `The key changed since the reset: 1 row written after it (latest: attempt at ${RESET_AT}); restoring would lose them`,
    });
  });
});
