/**
 * A request id names one request. Reusing it for another key, another actor, another action or
 * another reason is refused (`reused`, 422 at the API) and writes nothing — never a replay of
 * the first request presented as success. The same request sent again, even ten times at once,
 * answers the original result.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { addDaysToInstant } from "@/lib/completeness/dates";
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { type WriteRequest, applyBulkOverride, overrideBreaker, previewBulkOverride, readKeys, resetBreaker } from "@/lib/engine/breaker-writes";
import type { Warehouse } from "@/lib/warehouse/types";
import { BREAKER_TABLES, attemptRow, clearTables, insertAttempts, memoryWarehouse } from "@/test/support/fixtures";

const D = "2024-12-11";
const TRIP_AT = "2024-12-13T10:00:00.000Z";
const NOW = "2024-12-14T09:00:00.000Z";
let wh: Warehouse;

beforeAll(() => {
  wh = memoryWarehouse();
});
afterAll(async () => {
  await wh.close();
});
beforeEach(async () => {
  await clearTables(wh, [...BREAKER_TABLES]);
});

const key = (entity_id: string): BreakerKeyRef => ({ processor: "player_shot_zone_analysis", entity_id, analysis_date: D });

async function trip(k: BreakerKeyRef): Promise<void> {
  const base = { processor_name: k.processor, entity_id: k.entity_id, analysis_date: k.analysis_date };
  await insertAttempts(wh, [
    attemptRow({ ...base, attempt_number: 1, attempted_at: addDaysToInstant(TRIP_AT, -2), event_type: "failure" }),
    attemptRow({ ...base, attempt_number: 2, attempted_at: addDaysToInstant(TRIP_AT, -1), event_type: "failure" }),
    attemptRow({ ...base, attempt_number: 3, attempted_at: TRIP_AT, event_type: "trip", circuit_breaker_tripped: true, circuit_breaker_until: addDaysToInstant(TRIP_AT, 7) }),
  ]);
}

const req = (fields: Partial<WriteRequest> = {}): WriteRequest => ({
  actor: "alice",
  role: "operator",
  reasonCode: "data_now_available",
  reason: "Box scores were backfilled",
  requestId: "req-shared-1",
  now: NOW,
  deployment: CONSOLE_DEPLOYMENT,
  ...fields,
});

async function active(k: BreakerKeyRef): Promise<boolean> {
  const snapshot = await readKeys(wh, [k], NOW);
  return snapshot.keys[0]!.state.status === "active";
}

describe("a request id reused for something else", () => {
  it("is refused for another key, and the other key stays active", async () => {
    const a = key("lebronjames");
    const b = key("stephencurry");
    await trip(a);
    await trip(b);
    expect(await overrideBreaker(wh, a, req())).toMatchObject({ ok: true, replay: false });
    const second = await overrideBreaker(wh, b, req());
    expect(second).toMatchObject({ ok: false, error: "reused" });
    expect((second as { message: string }).message).toContain("req-shared-1");
    expect(await active(b)).toBe(true);
  });

  it("is refused for another actor and for another action", async () => {
    const a = key("lebronjames");
    await trip(a);
    expect(await overrideBreaker(wh, a, req())).toMatchObject({ ok: true });
    expect(await overrideBreaker(wh, a, req({ actor: "mallory" }))).toMatchObject({ ok: false, error: "reused" });
    expect(await resetBreaker(wh, a, req({ role: "admin" }))).toMatchObject({ ok: false, error: "reused" });
    expect(await overrideBreaker(wh, a, req({ reason: "Another reason entirely" }))).toMatchObject({ ok: false, error: "reused" });
  });

  it("is refused for another key when the earlier record predates fingerprints (request_fingerprint NULL)", async () => {
    const a = key("lebronjames");
    const b = key("stephencurry");
    await trip(a);
    await trip(b);
    expect(await overrideBreaker(wh, a, req())).toMatchObject({ ok: true, replay: false });
    // As an audit record written before the fingerprint column existed.
    await wh.execute("UPDATE nba_orchestration.breaker_audit_log SET request_fingerprint = NULL");
    expect(await overrideBreaker(wh, b, req())).toMatchObject({ ok: false, error: "reused" });
    expect(await active(b)).toBe(true);
    // The same key, actor and action is still the same request.
    expect(await overrideBreaker(wh, a, req())).toMatchObject({ ok: true, replay: true });
  });

  it("is answered as the original when it is the same request", async () => {
    const a = key("lebronjames");
    await trip(a);
    const first = await overrideBreaker(wh, a, req());
    expect(await overrideBreaker(wh, a, req())).toEqual({ ...first, replay: true });
  });
});

describe("ten identical bulk applies at once", () => {
  it("all answer the original result, and one write happened", async () => {
    const keys = ["lebronjames", "stephencurry", "nikolajokic"].map(key);
    for (const k of keys) await trip(k);
    const preview = await previewBulkOverride(wh, keys, NOW, CONSOLE_DEPLOYMENT);
    const results = await Promise.all(Array.from({ length: 10 }, () => applyBulkOverride(wh, keys, preview.token, req({ requestId: "bulk-req-1" }))));
    expect(results.map((r) => r.ok)).toEqual(Array(10).fill(true));
    expect(results.filter((r) => r.ok && !r.replay)).toHaveLength(1);
    const [audits] = await wh.query("SELECT COUNT(*) AS n FROM nba_orchestration.breaker_audit_log");
    expect(Number(audits!.n)).toBe(1);
  });
});

describe("two operators overriding one key, the later one's clock behind", () => {
  it("the second sees the first's override (stamped after its own clock) and is refused: one override row", async () => {
    const k = key("lebronjames");
    await trip(k);
    const first = await overrideBreaker(wh, k, req({ requestId: "ahead-1", actor: "alice", now: addDaysToInstant(NOW, 1 / 24) }));
    expect(first.ok).toBe(true);
    // Bob's request took its clock before alice's write committed (or his replica runs behind).
    const second = await overrideBreaker(wh, k, req({ requestId: "behind-1", actor: "bob", now: NOW }));
    expect(second).toMatchObject({ ok: false, error: "conflict" });
    expect(second.ok ? "" : second.message).toMatch(/already overridden by alice/);
    const rows = await wh.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM nba_orchestration.reprocess_attempts WHERE entity_id = 'lebronjames' AND event_type = 'override'",
    );
    expect(Number(rows[0]!.n)).toBe(1);
  });
});
