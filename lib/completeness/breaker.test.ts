import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  type AttemptRow,
  type BreakerKey,
  type BreakerRowInput,
  BREAKER_COOLDOWN_DAYS,
  TRIP_AFTER,
  deriveBreakerState,
  eventOf,
  hasRequest,
  nextAttemptRow,
  overrideOutcomes,
  overrideRow,
  resetRows,
  sortAttempts,
  withKey,
} from "./breaker";
import { applyWrite, findRequestRow, isBlocked } from "@/test/support/breaker-rows";

const KEY: BreakerKey = { processor_name: "player_daily_cache", entity_id: "lebronjames", analysis_date: "2024-11-10" };
const T0 = Date.parse("2024-11-11T06:00:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0 + ms).toISOString();

/** One processor attempt at `now`: append whatever nextAttemptRow says. */
function attempt(rows: BreakerRowInput[], now: string, ok: boolean, pct: number | null = 80): BreakerRowInput[] {
  const state = deriveBreakerState(rows, now);
  const row = nextAttemptRow(state, { now, completenessPct: pct, skipReason: ok ? null : "incomplete_upstream_data", ok });
  return row ? [...rows, withKey(KEY, row)] : rows;
}

function failTimes(n: number, start = 0, step = HOUR): BreakerRowInput[] {
  let rows: BreakerRowInput[] = [];
  for (let i = 0; i < n; i++) rows = attempt(rows, at(start + i * step), false);
  return rows;
}

const override = (rows: BreakerRowInput[], now: string, requestId = "req-1", role: "viewer" | "operator" | "admin" = "operator") =>
  overrideRow(deriveBreakerState(rows, now), { actor: "ops@example.com", role, reasonCode: "data_now_complete", reason: "box scores backfilled", requestId, now });

describe("failures and trips", () => {
  it("no rows: closed, next attempt number 1", () => {
    expect(deriveBreakerState([], at(0))).toMatchObject({ status: "closed", consecutiveFailures: 0, attemptCount: 0, nextAttemptNumber: 1, lastEvent: null, until: null });
  });

  it("1st and 2nd failures append failure rows: failing, not blocked", () => {
    const rows = failTimes(2);
    expect(rows.map((r) => [r.attempt_number, r.event_type, r.circuit_breaker_tripped])).toEqual([
      [1, "failure", false],
      [2, "failure", false],
    ]);
    const s = deriveBreakerState(rows, at(2 * HOUR));
    expect(s).toMatchObject({ status: "failing", consecutiveFailures: 2, attemptCount: 2, lastSkipReason: "incomplete_upstream_data" });
    expect(isBlocked(s)).toBe(false);
  });

  it("the 3rd consecutive failure trips until attempted_at + 7 days", () => {
    const rows = failTimes(3);
    const trip = rows[2]!;
    expect(trip).toMatchObject({
      attempt_number: 3,
      event_type: "trip",
      circuit_breaker_tripped: true,
      attempted_at: at(2 * HOUR),
      circuit_breaker_until: at(2 * HOUR + BREAKER_COOLDOWN_DAYS * DAY),
      manual_override_applied: false,
      notes: `Attempt 3: 80.0% complete; circuit breaker tripped until ${at(2 * HOUR + 7 * DAY)}`,
    });
    const s = deriveBreakerState(rows, at(3 * HOUR));
    expect(s).toMatchObject({ status: "active", consecutiveFailures: 3, tripCount: 1, trippedAt: at(2 * HOUR), until: at(2 * HOUR + 7 * DAY) });
    expect(s.msUntilRetry).toBe(7 * DAY - HOUR);
  });

  it("an active key records nothing (the processor skips it)", () => {
    const rows = failTimes(3);
    const s = deriveBreakerState(rows, at(DAY));
    expect(nextAttemptRow(s, { now: at(DAY), completenessPct: 50, skipReason: "x", ok: false })).toBeNull();
    expect(nextAttemptRow(s, { now: at(DAY), completenessPct: 100, skipReason: null, ok: true })).toBeNull();
  });

  it("a cooldown ending exactly at 7 days: at now == until the key is NOT active", () => {
    const rows = failTimes(3);
    const until = T0 + 2 * HOUR + 7 * DAY;
    expect(deriveBreakerState(rows, new Date(until - 1)).status).toBe("active");
    expect(deriveBreakerState(rows, new Date(until))).toMatchObject({ status: "half_open", msUntilRetry: 0 });
  });

  it("failures separated by a success never trip: 'consecutive' means consecutive", () => {
    let rows = failTimes(2);
    rows = attempt(rows, at(3 * HOUR), true, 100);
    expect(rows.at(-1)).toMatchObject({ event_type: "success", skip_reason: null, attempt_number: 3 });
    expect(deriveBreakerState(rows, at(4 * HOUR))).toMatchObject({ status: "closed", consecutiveFailures: 0 });
    rows = attempt(rows, at(5 * HOUR), false);
    rows = attempt(rows, at(6 * HOUR), false);
    expect(deriveBreakerState(rows, at(7 * HOUR))).toMatchObject({ status: "failing", consecutiveFailures: 2 });
  });

  it("a success on a healthy closed key writes nothing", () => {
    expect(attempt([], at(0), true)).toEqual([]);
  });
});

describe("half-open retry", () => {
  const cooled = at(2 * HOUR + 7 * DAY + HOUR);

  it("failing re-trips for 7 days from that attempt", () => {
    const rows = attempt(failTimes(3), cooled, false, 70);
    expect(rows.at(-1)).toMatchObject({ attempt_number: 4, event_type: "trip", circuit_breaker_until: at(2 * HOUR + 14 * DAY + HOUR) });
    expect(deriveBreakerState(rows, cooled)).toMatchObject({ status: "active", tripCount: 2, consecutiveFailures: 4 });
  });

  it("succeeding closes the breaker and writes a recovery row", () => {
    const rows = attempt(failTimes(3), cooled, true, 100);
    expect(rows.at(-1)).toMatchObject({ attempt_number: 4, event_type: "recovery", skip_reason: null, circuit_breaker_tripped: false, circuit_breaker_until: null, completeness_pct: 100 });
    expect(rows.at(-1)!.notes).toBe("Attempt 4: 100.0% complete; recovered after cooldown");
    const s = deriveBreakerState(rows, cooled);
    expect(s).toMatchObject({ status: "closed", consecutiveFailures: 0, until: null, lastEvent: "recovery", attemptCount: 4 });
    // Three fresh failures are needed to trip again.
    expect(deriveBreakerState(attempt(attempt(rows, cooled, false), cooled, false), cooled).status).toBe("failing");
  });
});

describe("override", () => {
  it("un-trips an active key now, with who, when and why", () => {
    const rows = failTimes(3);
    const now = at(DAY);
    const w = override(rows, now);
    if (!w.ok || w.replay) throw new Error("expected a row");
    expect(w.row).toMatchObject({
      attempt_number: 4,
      attempted_at: now,
      event_type: "override",
      skip_reason: "MANUAL_OVERRIDE",
      manual_override_applied: true,
      circuit_breaker_tripped: false,
      circuit_breaker_until: null,
      actor: "ops@example.com",
      reason_code: "data_now_complete",
      request_id: "req-1",
      notes: "Manual override applied by ops@example.com on 2024-11-12 06:00:00 UTC. Reason: box scores backfilled",
    });
    const s = deriveBreakerState(applyWrite(rows, w, KEY), now);
    expect(s).toMatchObject({ status: "closed", consecutiveFailures: 0, lastEvent: "override", lastOverride: { actor: "ops@example.com", at: now } });
    expect(isBlocked(s)).toBe(false);
  });

  it("followed by new failures: the count starts again, the 3rd trips again", () => {
    let rows = applyWrite(failTimes(3), override(failTimes(3), at(DAY)), KEY);
    rows = attempt(rows, at(DAY + HOUR), false);
    rows = attempt(rows, at(DAY + 2 * HOUR), false);
    expect(deriveBreakerState(rows, at(DAY + 3 * HOUR))).toMatchObject({ status: "failing", consecutiveFailures: 2 });
    rows = attempt(rows, at(DAY + 3 * HOUR), false);
    expect(rows.at(-1)).toMatchObject({ attempt_number: 7, event_type: "trip", circuit_breaker_until: at(8 * DAY + 3 * HOUR) });
    expect(deriveBreakerState(rows, at(DAY + 4 * HOUR))).toMatchObject({ status: "active", tripCount: 2 });
  });

  it("the first success after an override writes a recovery row", () => {
    const rows = attempt(applyWrite(failTimes(3), override(failTimes(3), at(DAY)), KEY), at(DAY + HOUR), true, 95);
    expect(rows.at(-1)).toMatchObject({ event_type: "recovery", notes: "Attempt 5: 95.0% complete; recovered after manual override" });
  });

  it("a key that is not active is a conflict, not a silent no-op", () => {
    for (const rows of [[], failTimes(2)]) {
      expect(override(rows, at(DAY))).toMatchObject({ ok: false, conflict: "not_active" });
    }
    // Half-open (cooldown over) is not active either.
    expect(override(failTimes(3), at(8 * DAY))).toMatchObject({ ok: false, conflict: "not_active", state: { status: "half_open" } });
  });

  it("a viewer may not override", () => {
    expect(override(failTimes(3), at(DAY), "req-9", "viewer")).toMatchObject({ ok: false, conflict: "forbidden" });
  });

  it("a repeated request id is replayed: no new row, even after the key moved on", () => {
    const rows = applyWrite(failTimes(3), override(failTimes(3), at(DAY)), KEY);
    expect(hasRequest(rows, "req-1")).toBe(true);
    expect(hasRequest(deriveBreakerState(rows, at(DAY)), "req-1")).toBe(true);
    expect(findRequestRow(rows, "req-1")).toMatchObject({ event_type: "override" });
    // The double click arrives a second later: the key is closed now, yet it is a replay.
    expect(override(rows, at(DAY + 1000))).toEqual({ ok: true, replay: true });
    expect(applyWrite(rows, override(rows, at(DAY + 1000)), KEY)).toEqual(rows);
  });

  it("a bulk override says so and carries the batch id", () => {
    const rows = failTimes(3);
    const w = overrideRow(deriveBreakerState(rows, at(DAY)), {
      actor: "ops",
      role: "admin",
      reasonCode: "scraper_outage",
      reason: "outage fixed",
      requestId: "bulk-1:lebronjames",
      batchId: "bulk-1",
      now: at(DAY),
    });
    expect(w).toMatchObject({ ok: true, replay: false, row: { batch_id: "bulk-1", notes: expect.stringMatching(/^Bulk override applied by ops on /) } });
  });

  it("requires an actor, a reason and a request id", () => {
    const s = deriveBreakerState(failTimes(3), at(DAY));
    expect(() => overrideRow(s, { actor: " ", role: "operator", reasonCode: "x", reason: "r", requestId: "q", now: at(DAY) })).toThrow(RangeError);
    expect(() => overrideRow(s, { actor: "a", role: "operator", reasonCode: "x", reason: "", requestId: "q", now: at(DAY) })).toThrow(RangeError);
  });
});

describe("reset", () => {
  const reset = (rows: BreakerRowInput[], role: "operator" | "admin" = "admin", requestId = "reset-1") =>
    resetRows(deriveBreakerState(rows, at(DAY)), { actor: "lead", role, reason: "bad schedule data", requestId, now: at(DAY) });

  it("admin only: leaves a single RESET row with who, why and how many rows went", () => {
    const rows = failTimes(3);
    expect(reset(rows, "operator")).toMatchObject({ ok: false, conflict: "forbidden" });
    const w = reset(rows);
    expect(w).toMatchObject({
      ok: true,
      replay: false,
      rowsRemoved: 3,
      row: {
        attempt_number: 0,
        skip_reason: "RESET",
        manual_override_applied: true,
        circuit_breaker_tripped: false,
        event_type: "reset",
        rows_removed: 3,
        actor: "lead",
        notes: "RESET: All previous attempts deleted by lead on 2024-11-12 06:00:00 UTC. Reason: bad schedule data. Previous attempts: 3",
      },
    });
    const after = applyWrite(rows, w, KEY);
    expect(after).toHaveLength(1);
    expect(deriveBreakerState(after, at(DAY))).toMatchObject({
      status: "closed",
      consecutiveFailures: 0,
      attemptCount: 0,
      nextAttemptNumber: 1,
      lastEvent: "reset",
      lastReset: { actor: "lead", at: at(DAY), rowsRemoved: 3 },
    });
    // Replay, and nothing left to reset.
    expect(reset(after)).toEqual({ ok: true, replay: true });
    expect(reset(after, "admin", "reset-2")).toMatchObject({ ok: false, conflict: "nothing_to_reset" });
    expect(reset([], "admin", "reset-3")).toMatchObject({ ok: false, conflict: "nothing_to_reset" });
  });

  it("numbering restarts at 1 after a reset", () => {
    const after = applyWrite(failTimes(3), reset(failTimes(3)), KEY);
    const next = attempt(after, at(DAY + HOUR), false);
    expect(next.at(-1)).toMatchObject({ attempt_number: 1, event_type: "failure" });
  });
});

describe("legacy rows (written by the original, no event_type)", () => {
  const legacy = (n: number, atMs: number, extra: Partial<AttemptRow> = {}): AttemptRow => {
    const tripped = n >= 3;
    return {
      ...KEY,
      attempt_number: n,
      attempted_at: at(atMs),
      completeness_pct: 70,
      skip_reason: "incomplete_upstream_data",
      circuit_breaker_tripped: tripped,
      circuit_breaker_until: tripped ? at(atMs + 7 * DAY) : null,
      manual_override_applied: false,
      notes: `Attempt ${n}: 70.0% complete`,
      ...extra,
    };
  };

  it("maps tripped rows to trips and the others to failures", () => {
    const rows = [legacy(1, 0), legacy(2, HOUR), legacy(3, 2 * HOUR)];
    expect(rows.map(eventOf)).toEqual(["failure", "failure", "trip"]);
    expect(deriveBreakerState(rows, at(DAY))).toMatchObject({ status: "active", consecutiveFailures: 3, nextAttemptNumber: 4 });
  });

  it("the old override flag on a tripped row did nothing then and unblocks nothing now, but is reported", () => {
    const rows = [legacy(1, 0), legacy(2, HOUR), legacy(3, 2 * HOUR, { manual_override_applied: true, notes: "Manual override applied by bob on …" })];
    const s = deriveBreakerState(rows, at(DAY));
    expect(s).toMatchObject({ status: "active", legacyOverrideOnTrip: true });
    // A real override appends a row and unblocks.
    expect(override(rows, at(DAY))).toMatchObject({ ok: true, replay: false, row: { attempt_number: 4 } });
  });

  it("a RESET row (attempt 0, manual_override_applied TRUE) is a reset; counting restarts after it", () => {
    const resetRow = legacy(0, 3 * HOUR, { skip_reason: "RESET", manual_override_applied: true, completeness_pct: 0, notes: "RESET: All previous attempts deleted by x" });
    const rows = [resetRow, legacy(1, 4 * HOUR), legacy(2, 5 * HOUR)];
    expect(eventOf(resetRow)).toBe("reset");
    expect(deriveBreakerState(rows, at(DAY))).toMatchObject({ status: "failing", consecutiveFailures: 2, lastReset: { at: at(3 * HOUR) } });
  });

  it("the original's attempt 4 after the cooldown re-trips immediately: a trip again", () => {
    const rows = [legacy(1, 0), legacy(2, HOUR), legacy(3, 2 * HOUR), legacy(4, 8 * DAY)];
    expect(deriveBreakerState(rows, at(8 * DAY + HOUR))).toMatchObject({ status: "active", tripCount: 2, until: at(15 * DAY) });
  });

  it("a NULL skip_reason row is a success (the DDL's documented meaning)", () => {
    expect(eventOf(legacy(3, 0, { skip_reason: null, circuit_breaker_tripped: false, circuit_breaker_until: null }))).toBe("success");
  });

  it("a trip row without circuit_breaker_until cools down 7 days from its attempt", () => {
    const rows = [legacy(1, 0), legacy(2, HOUR), legacy(3, 2 * HOUR, { circuit_breaker_until: null })];
    expect(deriveBreakerState(rows, at(DAY)).until).toBe(at(2 * HOUR + 7 * DAY));
  });

  it("reads timestamps without a zone as UTC", () => {
    const rows = [legacy(1, 0), legacy(2, HOUR), legacy(3, 2 * HOUR, { attempted_at: "2024-11-11 08:00:00", circuit_breaker_until: "2024-11-18 08:00:00" })];
    expect(deriveBreakerState(rows, "2024-11-18T07:59:59Z").status).toBe("active");
    expect(deriveBreakerState(rows, "2024-11-18T08:00:00Z").status).toBe("half_open");
  });
});

describe("attempt order", () => {
  it("sorts by attempt_number, then attempted_at, never by storage order", () => {
    const rows = failTimes(3);
    const reversed = [...rows].reverse();
    expect(sortAttempts(reversed)).toEqual(rows);
    expect(deriveBreakerState(reversed, at(DAY))).toEqual(deriveBreakerState(rows, at(DAY)));
  });

  it("duplicate attempt numbers from concurrent runs resolve the same way in any order", () => {
    const a = { ...failTimes(1)[0]!, attempted_at: at(0) };
    const b = { ...a, attempted_at: at(0), completeness_pct: 60 }; // same number, same time
    const c = { ...a, attempted_at: at(HOUR) };
    expect(sortAttempts([c, b, a])).toEqual(sortAttempts([a, c, b]));
    expect(deriveBreakerState([c, b, a], at(DAY))).toEqual(deriveBreakerState([b, a, c], at(DAY)));
    expect(deriveBreakerState([a, b, c], at(DAY)).consecutiveFailures).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: a random life of one key, driven through the public functions.

type Op =
  | { op: "fail"; pct: number }
  | { op: "succeed" }
  | { op: "override"; req: string; role: "viewer" | "operator" | "admin" }
  | { op: "reset"; req: string }
  | { op: "wait"; hours: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant("fail" as const), pct: fc.integer({ min: 0, max: 89 }) }), weight: 5 },
  { arbitrary: fc.constant({ op: "succeed" as const }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("override" as const), req: fc.constantFrom("o1", "o2", "o3"), role: fc.constantFrom("viewer" as const, "operator" as const, "admin" as const) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("reset" as const), req: fc.constantFrom("r1", "r2") }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("wait" as const), hours: fc.integer({ min: 0, max: 24 * 9 }) }), weight: 4 },
);

/** Runs the ops; checks step invariants; returns the rows and the final clock. */
function live(ops: Op[]): { rows: BreakerRowInput[]; now: number } {
  let rows: BreakerRowInput[] = [];
  let now = T0;
  for (const o of ops) {
    const iso = new Date(now).toISOString();
    const before = deriveBreakerState(rows, iso);
    if (o.op === "wait") now += o.hours * HOUR;
    else if (o.op === "fail" || o.op === "succeed") {
      const ok = o.op === "succeed";
      const row = nextAttemptRow(before, { now: iso, completenessPct: ok ? 100 : o.pct, skipReason: ok ? null : "incomplete_upstream_data", ok });
      if (before.status === "active") expect(row).toBeNull();
      if (row?.event_type === "trip") expect(before.consecutiveFailures + 1 >= TRIP_AFTER || before.status === "half_open").toBe(true);
      if (row) rows = [...rows, withKey(KEY, row)];
    } else if (o.op === "override") {
      rows = applyWrite(rows, overrideRow(before, { actor: "a", role: o.role, reasonCode: "c", reason: "r", requestId: o.req, now: iso }), KEY);
    } else {
      rows = applyWrite(rows, resetRows(before, { actor: "a", role: "admin", reason: "r", requestId: o.req, now: iso }), KEY);
    }
    const after = deriveBreakerState(rows, new Date(now).toISOString());
    if (after.status === "active") expect(Date.parse(after.until!)).toBeGreaterThan(now);
    if (after.status === "closed" || after.status === "failing") expect(after.consecutiveFailures).toBeLessThan(TRIP_AFTER);
    now += 1000; // rows of one key are never written in the same millisecond here
  }
  return { rows, now };
}

/** Deterministic Fisher–Yates with a small seeded generator. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s ^ (s >>> 15), 2246822519) + 0x9e3779b9) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("properties", () => {
  it("the derived state does not depend on the order rows are stored in", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.integer(), fc.integer({ min: 0, max: 10 * 24 }), (ops, seed, laterHours) => {
        const { rows, now } = live(ops);
        for (const t of [now, now + laterHours * HOUR]) {
          const iso = new Date(t).toISOString();
          expect(deriveBreakerState(shuffle(rows, seed), iso)).toEqual(deriveBreakerState(rows, iso));
        }
      }),
    );
  });

  it("replaying a request changes nothing", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.integer({ min: 0, max: 10 * 24 }), (ops, laterHours) => {
        const { rows, now } = live(ops);
        const iso = new Date(now + laterHours * HOUR).toISOString();
        for (const requestId of ["o1", "o2", "o3"]) {
          const once = applyWrite(rows, overrideRow(deriveBreakerState(rows, iso), { actor: "a", role: "operator", reasonCode: "c", reason: "r", requestId, now: iso }), KEY);
          const twice = applyWrite(once, overrideRow(deriveBreakerState(once, iso), { actor: "a", role: "operator", reasonCode: "c", reason: "r", requestId, now: iso }), KEY);
          expect(twice).toEqual(once);
          expect(deriveBreakerState(twice, iso)).toEqual(deriveBreakerState(once, iso));
        }
        for (const requestId of ["r1", "r2"]) {
          const once = applyWrite(rows, resetRows(deriveBreakerState(rows, iso), { actor: "a", role: "admin", reason: "r", requestId, now: iso }), KEY);
          const twice = applyWrite(once, resetRows(deriveBreakerState(once, iso), { actor: "a", role: "admin", reason: "r", requestId, now: iso }), KEY);
          expect(twice).toEqual(once);
        }
      }),
    );
  });
});

describe("the state at now, at the stored precision", () => {
  it("rows attempted after now do not decide the state at now; the next attempt still numbers above them", () => {
    const tripped = failTimes(3); // trips at 2 h, until 2 h + 7 days
    const future = withKey(KEY, {
      attempt_number: 4,
      attempted_at: at(10 * HOUR),
      completeness_pct: 100,
      skip_reason: null,
      circuit_breaker_tripped: false,
      circuit_breaker_until: null,
      manual_override_applied: false,
      notes: null,
      event_type: "override",
    });
    const rows = [...tripped, future];
    // At 5 h the override (stamped 10 h) has not happened: active, as the active list says.
    expect(deriveBreakerState(rows, at(5 * HOUR))).toMatchObject({ status: "active", nextAttemptNumber: 5, rowCount: 4, lastEvent: "trip" });
    // From 10 h on it has.
    expect(deriveBreakerState(rows, at(10 * HOUR))).toMatchObject({ status: "closed", lastEvent: "override" });
    // An override at 5 h is allowed and numbers above every stored row.
    const write = override(rows, at(5 * HOUR));
    expect(write).toMatchObject({ ok: true, replay: false, row: { attempt_number: 5 } });
  });

  it("compares instants in microseconds: an until 0.4 ms after now is still active, rows in one millisecond keep their order", () => {
    const base = { ...KEY, completeness_pct: 70, skip_reason: "incomplete_upstream_data", manual_override_applied: false, notes: null };
    const trip: BreakerRowInput = { ...base, attempt_number: 3, attempted_at: "2024-11-11T06:00:00.000100Z", circuit_breaker_tripped: true, circuit_breaker_until: "2024-11-18T06:00:00.000400Z" };
    expect(deriveBreakerState([trip], "2024-11-18T06:00:00.000Z")).toMatchObject({ status: "active", until: "2024-11-18T06:00:00.000400Z", msUntilRetry: 1 });
    expect(deriveBreakerState([trip], "2024-11-18T06:00:00.000400Z").status).toBe("half_open");
    // Two rows with the same attempt number within one millisecond: ordered by the microseconds.
    const a: BreakerRowInput = { ...base, attempt_number: 1, attempted_at: "2024-11-11T06:00:00.000900Z", circuit_breaker_tripped: false, circuit_breaker_until: null, skip_reason: null };
    const b: BreakerRowInput = { ...base, attempt_number: 1, attempted_at: "2024-11-11T06:00:00.000200Z", circuit_breaker_tripped: false, circuit_breaker_until: null };
    expect(sortAttempts([a, b])).toEqual([b, a]);
    expect(deriveBreakerState([a, b], "2024-11-12T00:00:00.000Z")).toMatchObject({ lastAttemptAt: "2024-11-11T06:00:00.000900Z", lastEvent: "success" });
  });
});

describe("what an override led to", () => {
  const tripped = () => failTimes(TRIP_AFTER);
  const overridden = (rows: BreakerRowInput[], when: number, id = "req-o") => applyWrite(rows, override(rows, at(when), id), KEY);

  it("is pending until the key runs again", () => {
    const rows = overridden(tripped(), DAY);
    expect(overrideOutcomes(rows)).toEqual([
      { at: at(DAY), actor: "ops@example.com", request_id: "req-o", batch_id: null, outcome: "pending", decided_at: null },
    ]);
  });

  it("is processed by a recovery row, failed again by a failure, re-tripped by a trip", () => {
    const base = overridden(tripped(), DAY);
    expect(overrideOutcomes(attempt(base, at(2 * DAY), true))[0]).toMatchObject({ outcome: "processed", decided_at: at(2 * DAY) });
    expect(overrideOutcomes(attempt(base, at(2 * DAY), false))[0]).toMatchObject({ outcome: "failed_again", decided_at: at(2 * DAY) });
    // The original reader's one retry: the next failure trips at once (attempt = latest + 1 ≥ 3).
    const reTrip = [...base, withKey(KEY, { ...nextAttemptRow(deriveBreakerState(base, at(2 * DAY)), { now: at(2 * DAY), completenessPct: 50, skipReason: "incomplete_upstream_data", ok: false })!, circuit_breaker_tripped: true, event_type: "trip" })];
    expect(overrideOutcomes(reTrip)[0]).toMatchObject({ outcome: "re_tripped", decided_at: at(2 * DAY) });
  });

  it("only the first attempt after the override decides", () => {
    const rows = attempt(attempt(overridden(tripped(), DAY), at(2 * DAY), false), at(3 * DAY), false);
    expect(overrideOutcomes(rows).map((o) => o.outcome)).toEqual(["failed_again"]);
  });

  it("counts an output written as processed after the override when no attempt row came first", () => {
    const rows = overridden(tripped(), DAY);
    expect(overrideOutcomes(rows, at(DAY + HOUR))[0]).toMatchObject({ outcome: "processed", decided_at: at(DAY + HOUR) });
    // Written before the override: it says nothing about the override.
    expect(overrideOutcomes(rows, at(DAY - HOUR))[0]!.outcome).toBe("pending");
    // After a failure that already decided: the failure stands.
    const failed = attempt(rows, at(2 * DAY), false);
    expect(overrideOutcomes(failed, at(3 * DAY))[0]!.outcome).toBe("failed_again");
  });

  it("gives each override of a key its own outcome, and a reset before any run leaves it pending", () => {
    let rows = overridden(tripped(), DAY, "a");
    rows = attempt(attempt(attempt(rows, at(2 * DAY), false), at(3 * DAY), false), at(4 * DAY), false);
    rows = overridden(rows, 5 * DAY, "b");
    rows = attempt(rows, at(6 * DAY), true);
    expect(overrideOutcomes(rows).map((o) => [o.request_id, o.outcome])).toEqual([
      ["a", "failed_again"],
      ["b", "processed"],
    ]);
    const afterOverride = overridden(tripped(), DAY, "c");
    const reset = resetRows(deriveBreakerState(afterOverride, at(DAY + HOUR)), { actor: "admin@example.com", role: "admin", reason: "wipe", requestId: "r", now: at(DAY + HOUR) });
    // The reset deletes the override row itself: nothing left to judge.
    expect(overrideOutcomes(applyWrite(afterOverride, reset, KEY))).toEqual([]);
  });
});
