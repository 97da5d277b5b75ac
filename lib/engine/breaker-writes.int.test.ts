/**
 * Operator writes on circuit breakers (lib/engine/breaker-writes.ts) on a real in-memory DuckDB:
 * override, bulk override (preview → apply), reset — their rows in reprocess_attempts and
 * breaker_audit_log read back from the tables, idempotency, conflicts, roles, concurrency,
 * all-or-nothing transactions, and the proof that an override really unblocks the processor.
 *
 * Tripped keys are made either by inserting the rows a processor writes (failure, failure,
 * trip) or, where the engine's reaction matters, by running the engine three times.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { type BreakerRowInput, deriveBreakerState } from "@/lib/completeness/breaker";
import { addDaysToInstant, instantMicros, isoFromMicros } from "@/lib/completeness/dates";
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import { activeBreakers } from "@/lib/queries/monitoring";
import type { ProcessorName } from "@/lib/completeness/processors";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { type WriteRequest, applyBulkOverride, overrideBreaker, previewBulkOverride, readKeys, resetBreaker } from "@/lib/engine/breaker-writes";
import { runProcessor } from "@/lib/engine/run-processor";
import { type Row, type Statement, type Warehouse, isInsert } from "@/lib/warehouse/types";
import {
  type Fate,
  attemptRow,
  boxScores,
  clearTables,
  countRows,
  countingWarehouse,
  everyNDays,
  insertAttempts,
  insertPgs,
  insertUpstream,
  memoryWarehouse,
  playerRows,
  roundRobin,
  totalCalls,
  BREAKER_TABLES,
  OUTPUT_TABLES,
} from "@/test/support/fixtures";

const D = "2024-12-11";
const D2 = "2024-12-12";
const TRIP_AT = "2024-12-13T10:00:00.000Z";
const UNTIL = "2024-12-20T10:00:00.000Z";
const NOW = "2024-12-14T09:00:00.000Z";
const ATTEMPTS = "nba_orchestration.reprocess_attempts";
const AUDIT = "nba_orchestration.breaker_audit_log";

let wh: Warehouse;

beforeAll(async () => {
  wh = memoryWarehouse();
});

afterAll(async () => {
  await wh.close();
});

beforeEach(async () => {
  await clearTables(wh, [...OUTPUT_TABLES, ...BREAKER_TABLES]);
});

const key = (entity_id: string, processor: ProcessorName = "player_shot_zone_analysis", analysis_date = D): BreakerKeyRef => ({
  processor,
  entity_id,
  analysis_date,
});

/** The three rows a processor writes before its breaker is active: failure, failure, trip. */
/** The test's warehouse, with `before` run just before each write transaction (a concurrent writer). */
function beforeEachCommit(before: () => Promise<void>): Warehouse {
  return {
    kind: wh.kind,
    query: (sql, o) => wh.query(sql, o),
    execute: (sql, o) => wh.execute(sql, o),
    insert: (t, c, r) => wh.insert(t, c, r),
    close: () => wh.close(),
    transaction: async (statements, options) => {
      await before();
      return wh.transaction(statements, options);
    },
  };
}

async function tripKey(k: BreakerKeyRef, tripAt = TRIP_AT, processorName: string = k.processor): Promise<void> {
  const base = { processor_name: processorName, entity_id: k.entity_id, analysis_date: k.analysis_date };
  await insertAttempts(wh, [
    attemptRow({ ...base, attempt_number: 1, attempted_at: addDaysToInstant(tripAt, -2), event_type: "failure" }),
    attemptRow({ ...base, attempt_number: 2, attempted_at: addDaysToInstant(tripAt, -1), event_type: "failure" }),
    attemptRow({
      ...base,
      attempt_number: 3,
      attempted_at: tripAt,
      event_type: "trip",
      circuit_breaker_tripped: true,
      circuit_breaker_until: addDaysToInstant(tripAt, 7),
    }),
  ]);
}

const request = (fields: Partial<WriteRequest> = {}): WriteRequest => ({
  actor: "alice",
  role: "operator",
  reasonCode: "data_now_complete",
  reason: "Box scores were backfilled",
  requestId: "req-1",
  now: NOW,
  deployment: CONSOLE_DEPLOYMENT,
  ...fields,
});

async function rowsOf(k: BreakerKeyRef): Promise<Row[]> {
  return wh.query(
    `SELECT * FROM ${ATTEMPTS} WHERE entity_id = @e AND analysis_date = @d ORDER BY attempt_number, attempted_at`,
    { params: { e: k.entity_id, d: k.analysis_date }, types: { e: "STRING", d: "DATE" } },
  );
}

async function auditRows(): Promise<Row[]> {
  return wh.query(`SELECT * FROM ${AUDIT} ORDER BY created_at, request_id`);
}

async function stateOf(k: BreakerKeyRef, now = NOW) {
  return (await readKeys(wh, [k], now)).keys[0]!.state;
}

async function counts() {
  return { attempts: await countRows(wh, ATTEMPTS), audit: await countRows(wh, AUDIT) };
}

// ---------------------------------------------------------------------------------------------

describe("override", () => {
  it("un-trips an active key: one attempt row with who/role/why/request id, one audit row with before → after", async () => {
    const k = key("lebron");
    await tripKey(k);
    expect((await stateOf(k)).status).toBe("active");

    const result = await overrideBreaker(wh, k, request());
    expect(result).toMatchObject({ ok: true, replay: false });
    if (!result.ok) throw new Error("unreachable");
    expect(result.data.change.before).toMatchObject({ status: "active", until: UNTIL, lastEvent: "trip" });
    expect(result.data.change.after).toMatchObject({ status: "closed", until: null, lastEvent: "override", consecutiveFailures: 0 });

    const state = await stateOf(k);
    expect(state).toMatchObject({ status: "closed", lastEvent: "override", consecutiveFailures: 0 });
    expect(state.lastOverride).toMatchObject({ actor: "alice", at: NOW, reasonCode: "data_now_complete" });

    const rows = await rowsOf(k);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toMatchObject({
      processor_name: "player_shot_zone_analysis",
      attempt_number: 4,
      attempted_at: NOW,
      event_type: "override",
      skip_reason: "MANUAL_OVERRIDE",
      manual_override_applied: true,
      circuit_breaker_tripped: false,
      actor: "alice",
      actor_role: "operator",
      reason_code: "data_now_complete",
      request_id: "req-1",
      batch_id: null,
    });
    expect(rows[3]!.notes).toBe("Manual override applied by alice on 2024-12-14 09:00:00 UTC. Reason: Box scores were backfilled");

    const audit = await auditRows();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "override",
      actor: "alice",
      actor_role: "operator",
      request_id: "req-1",
      reason_code: "data_now_complete",
      reason: "Box scores were backfilled",
      key_count: 1,
      created_at: NOW,
    });
    const keys = JSON.parse(String(audit[0]!.keys_json)) as { before: { status: string }; after: { status: string } }[];
    expect(keys).toEqual([
      expect.objectContaining({
        processor: "player_shot_zone_analysis",
        entity_id: "lebron",
        analysis_date: D,
        before: expect.objectContaining({ status: "active", until: UNTIL }),
        after: expect.objectContaining({ status: "closed", lastEvent: "override" }),
      }),
    ]);
  });

  it("a repeated request id writes nothing and answers replay (even later); as another actor it is refused", async () => {
    const k = key("lebron");
    await tripKey(k);
    expect(await overrideBreaker(wh, k, request())).toMatchObject({ ok: true, replay: false });
    const after1 = await counts();
    const again = await overrideBreaker(wh, k, request());
    expect(again).toMatchObject({ ok: true, replay: true });
    if (again.ok) expect(again.data.change.after.status).toBe("closed");
    const later = await overrideBreaker(wh, k, request({ now: "2024-12-15T09:00:00.000Z" }));
    expect(later).toMatchObject({ ok: true, replay: true });
    // A request id names one request: another actor sending it is not a retry of it.
    expect(await overrideBreaker(wh, k, request({ actor: "bob" }))).toMatchObject({ ok: false, error: "reused" });
    expect(await counts()).toEqual(after1);
    expect(after1).toEqual({ attempts: 4, audit: 1 });
  });

  /**
   * The race the load test found: a retry of a request runs its replay check before the original
   * commits and reads the key after. A warehouse that lets the original commit exactly in that
   * gap makes it deterministic. The retry must answer with the original's result, writing nothing.
   */
  it.each([
    ["override", (w: Warehouse, k: BreakerKeyRef) => overrideBreaker(w, k, request({ requestId: "req-race" }))],
    ["reset", (w: Warehouse, k: BreakerKeyRef) => resetBreaker(w, k, request({ requestId: "req-race", role: "admin" }))],
  ] as const)("%s: a retry racing its original answers with the original's result", async (_name, write) => {
    const k = key("lebron");
    await tripKey(k);
    let original: Awaited<ReturnType<typeof write>> | undefined;
    const racing: Warehouse = {
      ...wh,
      query: async <T extends Row = Row>(sql: string, options?: Parameters<Warehouse["query"]>[1]) => {
        const rows = await wh.query<T>(sql, options);
        if (options?.label === "audit_by_request" && !original) original = await write(wh, k); // commits in the gap
        return rows;
      },
    };
    const retry = await write(racing, k);
    expect(original).toMatchObject({ ok: true, replay: false });
    expect(retry).toEqual({ ...original, replay: true });
    expect(await auditRows()).toHaveLength(1);
  });

  it("20 concurrent overrides of one key: exactly one applied, the rest conflicts; one row and one audit record", async () => {
    const k = key("lebron");
    await tripKey(k);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => overrideBreaker(wh, k, request({ requestId: `req-c${i}`, actor: `op${i}` }))),
    );
    const applied = results.filter((r) => r.ok && !r.replay);
    const conflicts = results.filter((r) => !r.ok && r.error === "conflict");
    const replays = results.filter((r) => r.ok && r.replay);
    expect(applied).toHaveLength(1);
    expect(conflicts.length + replays.length).toBe(19);
    const overrides = (await rowsOf(k)).filter((r) => r.event_type === "override");
    expect(overrides).toHaveLength(1);
    expect(await auditRows()).toHaveLength(1);
    // Every conflict names the operator who won.
    const winner = overrides[0]!.actor as string;
    for (const c of conflicts) if (!c.ok) expect(c.message).toContain(winner);
  });

  it("a key that is not active is a conflict naming who overrode it and when; nothing is written", async () => {
    const k = key("lebron");
    await tripKey(k);
    await overrideBreaker(wh, k, request());
    const before = await counts();
    const second = await overrideBreaker(wh, k, request({ requestId: "req-2", actor: "bob", now: "2024-12-14T10:00:00.000Z" }));
    expect(second).toMatchObject({ ok: false, error: "conflict" });
    if (second.ok) throw new Error("unreachable");
    expect(second.message).toContain("alice");
    expect(second.message).toContain(NOW);
    expect(second.message).toMatch(/already overridden/);
    expect(await counts()).toEqual(before);

    // A key with only failures (not tripped) and a key with no rows at all: conflicts too.
    const failing = key("reaves");
    await insertAttempts(wh, [attemptRow({ processor_name: failing.processor, entity_id: "reaves", analysis_date: D, attempt_number: 1, attempted_at: TRIP_AT })]);
    expect(await overrideBreaker(wh, failing, request({ requestId: "req-3" }))).toMatchObject({ ok: false, error: "conflict" });
    expect(await overrideBreaker(wh, key("nobody"), request({ requestId: "req-4" }))).toMatchObject({ ok: false, error: "conflict" });
    expect((await counts()).audit).toBe(before.audit);
  });

  it("a viewer is forbidden and nothing is written (the warehouse is not even called)", async () => {
    const k = key("lebron");
    await tripKey(k);
    const before = await counts();
    const counted = countingWarehouse(wh);
    expect(await overrideBreaker(counted.wh, k, request({ role: "viewer" }))).toMatchObject({ ok: false, error: "forbidden" });
    expect(await applyBulkOverride(counted.wh, [k], "token", request({ role: "viewer" }))).toMatchObject({ ok: false, error: "forbidden" });
    expect(totalCalls(counted.counts)).toBe(0);
    expect(await counts()).toEqual(before);
    expect((await stateOf(k)).status).toBe("active");
  });

  it("a reason with quotes, SQL and HTML is stored verbatim in the notes and the audit reason", async () => {
    const k = key("lebron");
    await tripKey(k);
    const reason = `'); DROP TABLE x; -- <script>alert(1)</script>`;
    expect(await overrideBreaker(wh, k, request({ reason }))).toMatchObject({ ok: true, replay: false });
    const row = (await rowsOf(k)).at(-1)!;
    expect(row.notes).toBe(`Manual override applied by alice on 2024-12-14 09:00:00 UTC. Reason: ${reason}`);
    expect((await auditRows())[0]!.reason).toBe(reason);
    // Bulk and reset keep it verbatim too.
    const k2 = key("reaves");
    await tripKey(k2);
    const preview = await previewBulkOverride(wh, [k2], NOW, CONSOLE_DEPLOYMENT);
    expect(await applyBulkOverride(wh, [k2], preview.token, request({ reason, requestId: "req-bulk" }))).toMatchObject({ ok: true });
    expect(String((await rowsOf(k2)).at(-1)!.notes).endsWith(`Reason: ${reason}`)).toBe(true);
    expect(await resetBreaker(wh, k2, request({ reason, role: "admin", requestId: "req-reset" }))).toMatchObject({ ok: true });
    expect(String((await rowsOf(k2))[0]!.notes)).toContain(`Reason: ${reason}.`);
    expect((await auditRows()).map((a) => a.reason)).toEqual([reason, reason, reason]);
    // And the statement inside it did not run: the tables are intact.
    expect(await countRows(wh, ATTEMPTS)).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe("an override really unblocks the processor", () => {
  // LAL, BOS, GSW, MIA every second day from opening night; before D = 12-11, LAL's L10 is
  // d15..d24 (11-21 … 12-09). Two LAL players lost their 11-21 and 11-23 rows: 8/10, not ready.
  const DAYS = everyNDays("2024-10-22", 30);
  const schedule = roundRobin(["LAL", "BOS", "GSW", "MIA"], DAYS).map((g) => (g.game_date < D ? g : { ...g, game_status: 1 as const }));
  const lalId = (d: number) => `00224${String(2 * d + 1).padStart(5, "0")}`;
  const lost: Record<string, Fate> = { [lalId(15)]: { kind: "lost" }, [lalId(16)]: { kind: "lost" } };

  beforeAll(async () => {
    await insertUpstream(wh, {
      schedule,
      ...boxScores(schedule, [
        { player: "k_fixed", stints: [{ team: "LAL" }], fates: lost },
        { player: "k_still", stints: [{ team: "LAL" }], fates: lost },
      ]),
    });
  });

  it("after three failed runs and an override, the next run processes the key instead of skipping it", async () => {
    const run = (now: string) =>
      runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor: "player_shot_zone_analysis", date: D, entities: ["k_fixed", "k_still"], now });
    for (const now of ["2024-12-11T10:00:00.000Z", "2024-12-12T10:00:00.000Z", TRIP_AT]) await run(now);
    expect((await stateOf(key("k_fixed"))).status).toBe("active");
    const blocked = await run(NOW);
    expect(blocked.outcomes.map((o) => o.decision.action)).toEqual(["skip_breaker_active", "skip_breaker_active"]);

    // The operator overrides both; k_fixed's missing rows then arrive, k_still's do not.
    const t = "2024-12-14T11:00:00.000Z";
    expect(await overrideBreaker(wh, key("k_fixed"), request({ requestId: "o-1", now: t }))).toMatchObject({ ok: true, replay: false });
    expect(await overrideBreaker(wh, key("k_still"), request({ requestId: "o-2", now: t }))).toMatchObject({ ok: true, replay: false });
    const fix = schedule
      .filter((g) => g.game_id === lalId(15) || g.game_id === lalId(16))
      .flatMap((g) => playerRows(g, "LAL", "k_fixed", { kind: "played", processedAt: "2024-12-14T11:30:00.000Z" }).pgs);
    await insertPgs(wh, fix);

    const next = await run("2024-12-14T12:00:00.000Z");
    const byEntity = Object.fromEntries(next.outcomes.map((o) => [o.entity, o]));
    // Not skipped as breaker-active (the original's override only set a flag nothing read).
    expect(byEntity.k_fixed!.decision).toMatchObject({ action: "process", reason: "processed_after_override" });
    expect(byEntity.k_still!.decision).toMatchObject({ action: "skip_incomplete" });
    // k_fixed: a recovery row closes its history; k_still: a new failure, the count restarts at 1.
    expect((await rowsOf(key("k_fixed"))).map((r) => r.event_type)).toEqual(["failure", "failure", "trip", "override", "recovery"]);
    expect((await rowsOf(key("k_still"))).map((r) => r.event_type)).toEqual(["failure", "failure", "trip", "override", "failure"]);
    expect(await stateOf(key("k_still"), "2024-12-14T12:00:00.000Z")).toMatchObject({ status: "failing", consecutiveFailures: 1 });
    const out = await wh.query(
      `SELECT player_lookup, processing_decision_reason, circuit_breaker_active, is_production_ready
       FROM nba_precompute.player_shot_zone_analysis WHERE processed_at = @t ORDER BY player_lookup`,
      { params: { t: "2024-12-14T12:00:00.000Z" }, types: { t: "TIMESTAMP" } },
    );
    expect(out).toEqual([
      { player_lookup: "k_fixed", processing_decision_reason: "processed_after_override", circuit_breaker_active: false, is_production_ready: true },
      { player_lookup: "k_still", processing_decision_reason: "skipped_incomplete_upstream_data", circuit_breaker_active: false, is_production_ready: false },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe("bulk override", () => {
  // Active: three keys over two processors and two dates. Not active: a failing key, a key with
  // no rows, a key already overridden.
  const active = [key("a1"), key("a2"), key("a1", "player_daily_cache", D2)];
  const failing = key("f1");
  const empty = key("e1");
  const overridden = key("o1");
  const all = [...active, failing, empty, overridden];

  beforeEach(async () => {
    for (const k of [...active, overridden]) await tripKey(k);
    await insertAttempts(wh, [attemptRow({ processor_name: failing.processor, entity_id: "f1", analysis_date: D, attempt_number: 1, attempted_at: TRIP_AT })]);
    await overrideBreaker(wh, overridden, request({ requestId: "earlier", actor: "carol", now: "2024-12-14T08:00:00.000Z" }));
  });

  it("preview lists exactly the active keys with before → after, and skips the others with why", async () => {
    const preview = await previewBulkOverride(wh, all, NOW, CONSOLE_DEPLOYMENT);
    expect(preview.changes.map((c) => `${c.processor}|${c.entity_id}|${c.analysis_date}`).sort()).toEqual(
      active.map((k) => `${k.processor}|${k.entity_id}|${k.analysis_date}`).sort(),
    );
    for (const c of preview.changes) {
      expect(c.before).toMatchObject({ status: "active", until: UNTIL });
      expect(c.after).toMatchObject({ status: "closed", lastEvent: "override", until: null });
    }
    expect(preview.skipped.map((s) => s.key.entity_id).sort()).toEqual(["e1", "f1", "o1"]);
    expect(preview.skipped.find((s) => s.key.entity_id === "o1")!.reason).toContain("carol");
    // A preview writes nothing.
    expect(await counts()).toEqual({ attempts: 14, audit: 1 });
  });

  it("apply with the token writes every previewed row and one audit record with key_count = preview count", async () => {
    const preview = await previewBulkOverride(wh, all, NOW, CONSOLE_DEPLOYMENT);
    const before = await counts();
    const result = await applyBulkOverride(wh, all, preview.token, request({ requestId: "bulk-1" }));
    expect(result).toMatchObject({ ok: true, replay: false });
    expect(await counts()).toEqual({ attempts: before.attempts + 3, audit: before.audit + 1 });
    for (const k of active) {
      const last = (await rowsOf(k)).filter((r) => r.processor_name === k.processor).at(-1)!;
      expect(last).toMatchObject({ event_type: "override", batch_id: "bulk-1", request_id: "bulk-1", actor: "alice", actor_role: "operator" });
      expect(String(last.notes)).toMatch(/^Bulk override applied by alice/);
      expect((await stateOf(k)).status).toBe("closed");
    }
    const audit = (await auditRows()).find((a) => a.request_id === "bulk-1")!;
    expect(audit).toMatchObject({ action: "bulk_override", key_count: preview.changes.length });
    expect(JSON.parse(String(audit.keys_json))).toHaveLength(3);
    // Not-active keys were left alone.
    expect((await stateOf(failing)).status).toBe("failing");
    // Replaying the same request writes nothing.
    expect(await applyBulkOverride(wh, all, preview.token, request({ requestId: "bulk-1" }))).toMatchObject({ ok: true, replay: true });
    expect(await counts()).toEqual({ attempts: before.attempts + 3, audit: before.audit + 1 });
  });

  it("apply after a key changed since the preview is stale and writes nothing", async () => {
    const preview = await previewBulkOverride(wh, all, NOW, CONSOLE_DEPLOYMENT);
    await overrideBreaker(wh, active[1]!, request({ requestId: "single", actor: "dave" }));
    const before = await counts();
    const result = await applyBulkOverride(wh, all, preview.token, request({ requestId: "bulk-2" }));
    expect(result).toMatchObject({ ok: false, error: "stale" });
    expect(await counts()).toEqual(before);
    // A forged token is refused the same way.
    expect(await applyBulkOverride(wh, all, "not-the-token", request({ requestId: "bulk-3" }))).toMatchObject({ ok: false, error: "stale" });
    expect(await counts()).toEqual(before);
  });

  it("a transaction that fails part-way (the audit insert violates NOT NULL) leaves nothing written", async () => {
    const preview = await previewBulkOverride(wh, all, NOW, CONSOLE_DEPLOYMENT);
    const before = await counts();
    // A proxy that breaks the 2nd statement of the write (the audit insert): the attempt rows
    // were already appended inside the transaction when it fails.
    const seen: Statement[][] = [];
    const broken: Warehouse = {
      kind: wh.kind,
      query: (s, o) => wh.query(s, o),
      execute: (s, o) => wh.execute(s, o),
      insert: (t, c, r) => wh.insert(t, c, r),
      close: () => wh.close(),
      transaction: (statements, options) => {
        seen.push(statements);
        const sabotaged = statements.map((s, i) =>
          i === 1 && isInsert(s) ? { ...s, rows: s.rows.map((r) => ({ ...r, audit_id: null })) } : s,
        );
        return wh.transaction(sabotaged, options);
      },
    };
    await expect(applyBulkOverride(broken, all, preview.token, request({ requestId: "bulk-4" }))).rejects.toThrow();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.map((s) => (isInsert(s) ? s.insert : "sql"))).toEqual([ATTEMPTS, AUDIT]);
    expect(await counts()).toEqual(before);
    for (const k of active) expect((await stateOf(k)).status).toBe("active");
    // The state is intact: the same previewed set still applies cleanly.
    expect(await applyBulkOverride(wh, all, preview.token, request({ requestId: "bulk-4" }))).toMatchObject({ ok: true, replay: false });
    expect(await counts()).toEqual({ attempts: before.attempts + 3, audit: before.audit + 1 });
  });
});

// ---------------------------------------------------------------------------------------------

describe("reset", () => {
  it("a replayed reset reports the rows it removed, operator rows included, not the key's attempts", async () => {
    const k = key("replayed");
    await tripKey(k);
    expect(await overrideBreaker(wh, k, request({ requestId: "before-reset" }))).toMatchObject({ ok: true });
    const req = request({ role: "admin", requestId: "reset-replayed" });
    expect(await resetBreaker(wh, k, req)).toMatchObject({ ok: true, replay: false, data: { rowsRemoved: 4 } });
    expect(await resetBreaker(wh, k, req)).toMatchObject({ ok: true, replay: true, data: { rowsRemoved: 4 } });
  });

  it("admin: deletes all the key's rows, legacy alias rows included, and leaves exactly one RESET row", async () => {
    // ml_feature_store's rows written by the original under `ml_feature_store_v2`, then newer
    // ones under the canonical name; plus rows of other keys that must survive.
    const k = key("lebron", "ml_feature_store");
    const legacy = { processor_name: "ml_feature_store_v2", entity_id: "lebron", analysis_date: D };
    await insertAttempts(wh, [
      attemptRow({ ...legacy, attempt_number: 1, attempted_at: "2024-12-11T10:00:00.000Z" }),
      attemptRow({ ...legacy, attempt_number: 2, attempted_at: "2024-12-12T10:00:00.000Z" }),
      attemptRow({
        ...legacy,
        attempt_number: 3,
        attempted_at: TRIP_AT,
        circuit_breaker_tripped: true,
        circuit_breaker_until: UNTIL,
        manual_override_applied: true, // the old override script's flag, which unblocked nothing
      }),
    ]);
    await insertAttempts(wh, [
      attemptRow({ processor_name: "ml_feature_store", entity_id: "lebron", analysis_date: D, attempt_number: 4, attempted_at: "2024-12-13T11:00:00.000Z", event_type: "failure" }),
    ]);
    await tripKey(key("lebron", "ml_feature_store", D2)); // same entity, other date
    await tripKey(key("lebron", "player_shot_zone_analysis")); // same entity and date, other processor
    const state = await stateOf(k);
    expect(state).toMatchObject({ status: "active", rowCount: 4, legacyOverrideOnTrip: true });
    const total = await countRows(wh, ATTEMPTS);

    const result = await resetBreaker(wh, k, request({ role: "admin", actor: "root", requestId: "reset-1", reason: "fresh start" }));
    expect(result).toMatchObject({ ok: true, replay: false, data: { rowsRemoved: 4 } });

    const left = await wh.query(
      `SELECT * FROM ${ATTEMPTS} WHERE entity_id = 'lebron' AND analysis_date = @d AND processor_name IN ('ml_feature_store', 'ml_feature_store_v2')`,
      { params: { d: D }, types: { d: "DATE" } },
    );
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({
      processor_name: "ml_feature_store_v2", // the name the deployment's pipeline reads, whatever names the deleted rows had
      attempt_number: 0,
      skip_reason: "RESET",
      event_type: "reset",
      manual_override_applied: true,
      circuit_breaker_tripped: false,
      rows_removed: 4,
      actor: "root",
      actor_role: "admin",
      request_id: "reset-1",
      attempted_at: NOW,
    });
    expect(left[0]!.notes).toBe("RESET: All previous attempts deleted by root on 2024-12-14 09:00:00 UTC. Reason: fresh start. Previous attempts: 4");
    expect(await countRows(wh, ATTEMPTS)).toBe(total - 4 + 1); // the other keys' 6 rows stay
    expect(await stateOf(k)).toMatchObject({ status: "closed", lastEvent: "reset", rowCount: 1 });
    expect(await stateOf(key("lebron", "ml_feature_store", D2))).toMatchObject({ status: "active" });
    expect(await stateOf(key("lebron", "player_shot_zone_analysis"))).toMatchObject({ status: "active" });

    const audit = await auditRows();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "reset", actor: "root", actor_role: "admin", request_id: "reset-1", key_count: 1, reason: "fresh start" });

    // A second reset with nothing after the last one is a conflict, writing nothing.
    const before = await counts();
    expect(await resetBreaker(wh, k, request({ role: "admin", requestId: "reset-2" }))).toMatchObject({ ok: false, error: "conflict" });
    expect(await counts()).toEqual(before);
  });

  it("an operator may not reset: forbidden, nothing written", async () => {
    const k = key("lebron");
    await tripKey(k);
    const before = await counts();
    expect(await resetBreaker(wh, k, request({ role: "operator", requestId: "reset-op" }))).toMatchObject({ ok: false, error: "forbidden" });
    expect(await resetBreaker(wh, k, request({ role: "viewer", requestId: "reset-v" }))).toMatchObject({ ok: false, error: "forbidden" });
    expect(await counts()).toEqual(before);
    expect((await stateOf(k)).status).toBe("active");
  });
});

// ---------------------------------------------------------------------------------------------

describe("values as the pipeline wrote them", () => {
  /** The pipeline's rows: microsecond instants, until a few ms before attempted_at + 7 days, ≈200%. */
  async function pipelineTrip(k: BreakerKeyRef, name = k.processor): Promise<void> {
    const t = (hours: number) => isoFromMicros(instantMicros(TRIP_AT) + hours * 3_600_000_000 + 417_293);
    const base = { processor_name: name, entity_id: k.entity_id, analysis_date: k.analysis_date, completeness_pct: 213.3 };
    await insertAttempts(wh, [
      attemptRow({ ...base, attempt_number: 1, attempted_at: t(-48) }),
      attemptRow({ ...base, attempt_number: 2, attempted_at: t(-24) }),
      attemptRow({
        ...base,
        attempt_number: 3,
        attempted_at: t(0),
        circuit_breaker_tripped: true,
        // The Python clock read before the INSERT's CURRENT_TIMESTAMP(): 3.781 ms earlier.
        circuit_breaker_until: isoFromMicros(instantMicros(addDaysToInstant(t(0), 7)) - 3781),
      }),
    ]);
  }

  it("rows stored with microseconds are read back with them, exactly as stored", async () => {
    const k = key("wemby");
    await pipelineTrip(k);
    const rows = await rowsOf(k);
    expect(rows.at(-1)!.attempted_at).toBe("2024-12-13T10:00:00.417293Z");
    expect(rows.at(-1)!.circuit_breaker_until).toBe("2024-12-20T10:00:00.413512Z");
    const [same] = await wh.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${ATTEMPTS} WHERE attempted_at = @at`, {
      params: { at: rows.at(-1)!.attempted_at as string },
      types: { at: "TIMESTAMP" },
    });
    expect(same!.n).toBe(1);
  });

  it("a key the pipeline wrote (microseconds, completeness over 100%) can be overridden, bulk-overridden and reset", async () => {
    const [a, b, c] = [key("wemby"), key("chet"), key("paolo")];
    for (const k of [a, b, c]) await pipelineTrip(k);
    for (const k of [a, b, c]) expect(await stateOf(k)).toMatchObject({ status: "active", until: "2024-12-20T10:00:00.413512Z", lastCompletenessPct: 213.3 });

    expect(await overrideBreaker(wh, a, request({ requestId: "us-override" }))).toMatchObject({ ok: true, replay: false });
    const preview = await previewBulkOverride(wh, [b], NOW, CONSOLE_DEPLOYMENT);
    expect(preview.changes).toHaveLength(1);
    expect(await applyBulkOverride(wh, [b], preview.token, request({ requestId: "us-bulk" }))).toMatchObject({ ok: true, replay: false });
    expect(await resetBreaker(wh, c, request({ role: "admin", requestId: "us-reset" }))).toMatchObject({ ok: true, replay: false, data: { rowsRemoved: 3 } });

    expect((await stateOf(a)).status).toBe("closed");
    expect((await stateOf(b)).status).toBe("closed");
    expect((await rowsOf(a)).at(-1)).toMatchObject({ event_type: "override", completeness_pct: 213.3 });
    expect(await rowsOf(c)).toHaveLength(1);
  });
});

describe("one notion of now: a key the active list shows can be overridden", () => {
  it("a write never ignores rows it has read, even stamped after its clock: a key recovered since is a conflict, not a second write", async () => {
    const k = key("jokic");
    await tripKey(k); // tripped at TRIP_AT, before NOW
    // That night's run, stamped after NOW (a writer whose clock runs ahead): a recovery.
    const later = addDaysToInstant(NOW, 0.1);
    await insertAttempts(wh, [
      attemptRow({ processor_name: k.processor, entity_id: k.entity_id, analysis_date: D, attempt_number: 4, attempted_at: later, skip_reason: null, event_type: "recovery" }),
    ]);
    // The state AT now, as the active list evaluates it, ignores the later row...
    const listed = await activeBreakers.run(wh, { date_from: D, date_to: D, now: NOW });
    expect(listed.map((r) => r.entity_id)).toEqual(["jokic"]);
    expect(deriveBreakerState((await rowsOf(k)) as unknown as BreakerRowInput[], NOW)).toMatchObject({ status: "active", nextAttemptNumber: 5, rowCount: 4 });
    // ...but a write happens after everything it read: the key has recovered, nothing to override.
    const result = await overrideBreaker(wh, k, request({ requestId: "now-1" }));
    expect(result).toMatchObject({ ok: false, error: "conflict" });
    expect((await rowsOf(k)).map((r) => [r.attempt_number, r.event_type])).toEqual([
      [1, "failure"],
      [2, "failure"],
      [3, "trip"],
      [4, "recovery"],
    ]);
  });

  it("the guard still sees a concurrent row stamped after now: the write re-reads and numbers above it", async () => {
    const k = key("embiid");
    await tripKey(k);
    let injected = false;
    const racing = beforeEachCommit(async () => {
      if (injected) return;
      injected = true; // another writer commits a row stamped an hour after our now
      await insertAttempts(wh, [
        attemptRow({ processor_name: k.processor, entity_id: k.entity_id, analysis_date: D, attempt_number: 4, attempted_at: addDaysToInstant(NOW, 1 / 24), event_type: "trip", circuit_breaker_tripped: true, circuit_breaker_until: addDaysToInstant(NOW, 7) }),
      ]);
    });
    const result = await overrideBreaker(racing, k, request({ requestId: "now-2" }));
    expect(result).toMatchObject({ ok: true, replay: false });
    const rows = await rowsOf(k);
    expect(rows.map((r) => [r.attempt_number, r.event_type])).toEqual([
      [1, "failure"],
      [2, "failure"],
      [3, "trip"],
      [4, "trip"],
      [5, "override"],
    ]);
    expect(await countRows(wh, AUDIT)).toBe(1);
  });

  it("only the written keys guard a write: the pipeline writing another key of the same box meanwhile does not make it stale", async () => {
    // A bulk override of two keys on two dates reads the box player_shot_zone_analysis ×
    // 2024-12-11..2024-12-13 × {embiid, curry}; (embiid, 2024-12-12) is in that box but not written.
    const keys = [key("embiid"), key("curry", "player_shot_zone_analysis", "2024-12-13")];
    for (const k of keys) await tripKey(k);
    const preview = await previewBulkOverride(wh, keys, NOW, CONSOLE_DEPLOYMENT);
    expect(preview.changes).toHaveLength(2);
    let transactions = 0;
    // Before each commit the pipeline records a failure of the unwritten key in the box.
    const racing = beforeEachCommit(async () => {
      transactions++;
      await insertAttempts(wh, [
        attemptRow({ processor_name: "player_shot_zone_analysis", entity_id: "embiid", analysis_date: "2024-12-12", attempt_number: transactions, attempted_at: addDaysToInstant(NOW, -transactions / 24), event_type: "failure" }),
      ]);
    });
    const result = await applyBulkOverride(racing, keys, preview.token, request({ requestId: "box-bulk-1" }));
    expect(result).toMatchObject({ ok: true, replay: false });
    expect(transactions).toBe(1);
  });
});
