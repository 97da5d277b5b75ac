import { describe, expect, it } from "vitest";

import { type CurrentRow, type RestoreFacts, RESTORE_WINDOW_DAYS, restoreAvailability } from "./restore";

const RESET_AT = "2025-01-10T15:30:00.123456Z";
const resetRow: CurrentRow = { attempt_number: 0, attempted_at: RESET_AT, skip_reason: "RESET", event_type: "reset", actor: "dana", request_id: "reset-1" };
const failure: CurrentRow = { attempt_number: 1, attempted_at: "2025-01-11T04:00:00.000Z", skip_reason: "incomplete_upstream_data", event_type: null, actor: null, request_id: null };

const facts = (over: Partial<RestoreFacts> = {}): RestoreFacts => ({
  resetAt: RESET_AT,
  resetRequestId: "reset-1",
  keptRows: 4,
  restored: null,
  currentRows: [resetRow],
  now: "2025-01-12T09:00:00.000Z",
  ...over,
});

describe("restoreAvailability", () => {
  it("a kept reset whose RESET row is the key's only row, within the window, can be restored", () => {
    expect(restoreAvailability(facts())).toEqual({ ok: true });
  });

  it("the window is 30 days from the reset, to the microsecond", () => {
    expect(RESTORE_WINDOW_DAYS).toBe(30);
    expect(restoreAvailability(facts({ now: "2025-02-09T15:30:00.123456Z" }))).toEqual({ ok: true });
    const late = restoreAvailability(facts({ now: "2025-02-09T15:30:00.123457Z" }));
    expect(late).toMatchObject({ ok: false, refusal: "too_old" });
    if (!late.ok) expect(late.message).toContain("more than 30 days ago");
  });

  it("a reset already restored is refused first, naming who restored it", () => {
    const r = restoreAvailability(facts({ restored: { at: "2025-01-11T10:00:00.000Z", actor: "root" }, currentRows: [failure], now: "2025-06-01T00:00:00.000Z" }));
    expect(r).toMatchObject({ ok: false, refusal: "already_restored" });
    if (!r.ok) expect(r.message).toContain("root");
  });

  it("a reset that kept no rows (recorded before rows were kept) cannot be restored", () => {
    expect(restoreAvailability(facts({ keptRows: null }))).toMatchObject({ ok: false, refusal: "not_kept" });
  });

  it("any row besides the RESET row — an attempt, another reset — is a change", () => {
    const r = restoreAvailability(facts({ currentRows: [resetRow, failure] }));
    expect(r).toMatchObject({ ok: false, refusal: "changed" });
    if (!r.ok) expect(r.message).toContain("1 row written after it (latest: attempt at 2025-01-11T04:00:00.000Z)");
    const later = { ...resetRow, request_id: "reset-2", attempted_at: "2025-01-11T15:00:00.000Z", actor: "root" };
    expect(restoreAvailability(facts({ currentRows: [later] }))).toMatchObject({ ok: false, refusal: "changed" });
  });

  it("the RESET row gone (nothing left) is a change", () => {
    const r = restoreAvailability(facts({ currentRows: [] }));
    expect(r).toMatchObject({ ok: false, refusal: "changed" });
    if (!r.ok) expect(r.message).toContain("RESET row is gone");
  });
});
