/**
 * Reset → restore (lib/engine/breaker-writes.ts) on a real DuckDB: a reset keeps the rows it
 * deletes in its audit record, and a restore puts them back byte-identical — compared column by
 * column, in the warehouse (EXCEPT ALL against a copy of the table taken before the reset, at the
 * stored precision) and as read — on the console's own tables and on the original pipeline's
 * table filled by the original demo profile. Then every refusal: a second restore, a change to
 * the key since the reset, a reset older than 30 days, a role below admin, an unknown reset, a
 * wrong confirmation; and idempotency by request id.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { addDaysToInstant, instantMicros, isoFromMicros } from "@/lib/completeness/dates";
import { CONSOLE_DEPLOYMENT, ORIGINAL_DEPLOYMENT } from "@/lib/completeness/deployment";
import { resolveProcessorName } from "@/lib/completeness/processors";
import { ORIGINAL_SCHEMA_DIR, buildOriginalDemoDatabase } from "@/lib/demo/original";
import { shortDemoPlan } from "@/lib/demo/plan";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { type WriteRequest, previewRestore, previewRestores, resetBreaker, restoreReset } from "@/lib/engine/breaker-writes";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Row, Warehouse } from "@/lib/warehouse/types";
import { ATTEMPT_WRITE_COLUMNS, BREAKER_TABLES, attemptRow, clearTables, countRows, insertAttempts, memoryWarehouse } from "@/test/support/fixtures";

const ATTEMPTS = "nba_orchestration.reprocess_attempts";
const AUDIT = "nba_orchestration.breaker_audit_log";
const D = "2024-12-11";
const TRIP_AT = "2024-12-13T10:00:00.417293Z";
const NOW = "2024-12-14T09:00:00.000Z";

const request = (fields: Partial<WriteRequest> = {}): WriteRequest => ({
  actor: "dana",
  role: "admin",
  reasonCode: null,
  reason: "Reset by mistake, putting the history back",
  requestId: "restore-1",
  now: NOW,
  deployment: CONSOLE_DEPLOYMENT,
  ...fields,
});

/** Rows in `table` and not in `other`, counted with multiplicity, every column compared by the warehouse. */
async function missingFrom(wh: Warehouse, table: string, other: string): Promise<number> {
  const [r] = await wh.query<{ n: number }>(`SELECT CAST(COUNT(*) AS INTEGER) AS n FROM (SELECT * FROM ${table} EXCEPT ALL SELECT * FROM ${other})`);
  return r!.n;
}

async function snapshotTable(wh: Warehouse): Promise<void> {
  await wh.execute("DROP TABLE IF EXISTS main.attempts_before");
  await wh.execute(`CREATE TABLE main.attempts_before AS SELECT * FROM ${ATTEMPTS}`);
}

/** The table equals the copy taken before the reset: no row lost, none added, none altered. */
async function expectTableAsBefore(wh: Warehouse): Promise<void> {
  expect(await missingFrom(wh, "main.attempts_before", ATTEMPTS)).toBe(0);
  expect(await missingFrom(wh, ATTEMPTS, "main.attempts_before")).toBe(0);
  expect(await countRows(wh, ATTEMPTS)).toBe(await countRows(wh, "main.attempts_before"));
}

/** Every column of a key's rows as the adapter reads them (timestamps with their microseconds). */
async function keyRowsOf(wh: Warehouse, k: BreakerKeyRef, names: readonly string[]): Promise<Row[]> {
  return wh.query(
    `SELECT * FROM ${ATTEMPTS} WHERE entity_id = @e AND analysis_date = @d AND processor_name IN UNNEST(@names)
     ORDER BY processor_name, attempt_number, attempted_at`,
    { params: { e: k.entity_id, d: k.analysis_date, names: [...names] }, types: { e: "STRING", d: "DATE", names: ["STRING"] } },
  );
}

// ---------------------------------------------------------------------------------------------

describe("on the console's own tables", () => {
  let wh: Warehouse;
  beforeAll(() => {
    wh = memoryWarehouse();
  });
  afterAll(async () => {
    await wh.close();
  });
  beforeEach(async () => {
    await clearTables(wh, BREAKER_TABLES);
  });

  const k: BreakerKeyRef = { processor: "ml_feature_store", entity_id: "wemby", analysis_date: D };
  const NAMES = ["ml_feature_store", "ml_feature_store_v2"];

  /**
   * A key whose rows use every column, as the pipeline and the console wrote them: legacy-alias
   * rows with microsecond instants, completeness over 100%, the old flag-only override, a
   * console override with its role, expiry and batch, and rows of other keys beside it.
   */
  async function seed(): Promise<void> {
    const t = (hours: number) => isoFromMicros(instantMicros(TRIP_AT) + hours * 3_600_000_000);
    const legacy = { processor_name: "ml_feature_store_v2", entity_id: "wemby", analysis_date: D, completeness_pct: 213.3 };
    // Every column but created_at, which the table's default fills (the warehouse's clock, with microseconds).
    await wh.insert(ATTEMPTS, { ...ATTEMPT_WRITE_COLUMNS, override_expires_at: "TIMESTAMP" }, [
      attemptRow({ ...legacy, attempt_number: 1, attempted_at: t(-48), notes: "Attempt 1: 71.4% complete — «late» box score" }),
      attemptRow({ ...legacy, attempt_number: 2, attempted_at: t(-24), completeness_pct: 0.1 + 0.2 }),
      attemptRow({
        ...legacy,
        attempt_number: 3,
        attempted_at: t(0),
        circuit_breaker_tripped: true,
        circuit_breaker_until: isoFromMicros(instantMicros(addDaysToInstant(t(0), 7)) - 3781),
        manual_override_applied: true,
        notes: "it's 'quoted', \"twice\"; DROP TABLE x; <b>",
      }),
      attemptRow({
        processor_name: "ml_feature_store",
        entity_id: "wemby",
        analysis_date: D,
        attempt_number: 4,
        attempted_at: t(1),
        completeness_pct: null,
        skip_reason: null,
        event_type: "override",
        actor: "maria.ops",
        reason_code: "scraper_outage_backfilled",
        request_id: "bulk-7",
        batch_id: "bulk-7",
        manual_override_applied: true,
        notes: "Override: backfilled",
      }),
    ].map((r) => (r.event_type === "override" ? { ...r, actor_role: "operator", override_expires_at: t(24 * 7) } : { ...r, override_expires_at: null })));
    // Other keys: same entity another date, same date another processor.
    await insertAttempts(wh, [
      attemptRow({ processor_name: "ml_feature_store", entity_id: "wemby", analysis_date: "2024-12-12", attempt_number: 1, attempted_at: t(2) }),
      attemptRow({ processor_name: "player_daily_cache", entity_id: "wemby", analysis_date: D, attempt_number: 1, attempted_at: t(3) }),
    ]);
  }

  it("a reset keeps every deleted row in its audit record, exactly as read; the restore puts them back byte-identical", async () => {
    await seed();
    // created_at was left to the table's default: the warehouse's clock, with microseconds.
    const before = await keyRowsOf(wh, k, NAMES);
    expect(before).toHaveLength(4);
    expect(before.some((r) => /\.\d{6}Z$/.test(String(r.created_at)))).toBe(true);
    await snapshotTable(wh);

    const reset = await resetBreaker(wh, k, request({ requestId: "reset-1", reason: "wrong history, clearing" }));
    expect(reset).toMatchObject({ ok: true, data: { rowsRemoved: 4 } });
    const [record] = await wh.query<{ audit_id: string; removed_rows_json: string; restores_audit_id: string | null }>(
      `SELECT audit_id, removed_rows_json, restores_audit_id FROM ${AUDIT} WHERE action = 'reset'`,
    );
    // The kept rows are the rows read before, every column, same values (the JSON of them).
    const kept = JSON.parse(record!.removed_rows_json) as Row[];
    const byAttempt = (rows: Row[]) => [...rows].sort((a, b) => Number(a.attempt_number) - Number(b.attempt_number));
    expect(byAttempt(kept)).toEqual(byAttempt(before));
    expect(record!.restores_audit_id).toBeNull();
    expect(await keyRowsOf(wh, k, NAMES)).toHaveLength(1);

    const preview = await previewRestore(wh, { auditId: record!.audit_id }, NOW);
    expect(preview).toMatchObject({ ok: true, data: { key: k, availability: { ok: true }, restoredBy: null, restorableUntil: addDaysToInstant(NOW, 30) } });
    if (preview.ok) expect(preview.data.rows).toHaveLength(4);

    const restored = await restoreReset(wh, { auditId: record!.audit_id }, { ...request(), confirm: "wemby" });
    expect(restored).toMatchObject({ ok: true, replay: false, data: { rowsRestored: 4, resetAuditId: record!.audit_id } });
    if (restored.ok) {
      expect(restored.data.change.before).toMatchObject({ status: "closed", lastEvent: "reset" });
      expect(restored.data.change.after).toMatchObject({ lastEvent: "override" });
    }

    await expectTableAsBefore(wh);
    expect(await keyRowsOf(wh, k, NAMES)).toEqual(before);

    const audit = await wh.query<{ action: string; actor: string; actor_role: string; request_id: string; restores_audit_id: string | null; key_count: number }>(
      `SELECT action, actor, actor_role, request_id, restores_audit_id, key_count FROM ${AUDIT} ORDER BY created_at, action`,
    );
    expect(audit).toEqual([
      { action: "reset", actor: "dana", actor_role: "admin", request_id: "reset-1", restores_audit_id: null, key_count: 1 },
      { action: "restore", actor: "dana", actor_role: "admin", request_id: "restore-1", restores_audit_id: record!.audit_id, key_count: 1 },
    ]);
  });

  it("a second restore is refused (409: already restored), by any request id, and writes nothing", async () => {
    await seed();
    await resetBreaker(wh, k, request({ requestId: "reset-1" }));
    const ok = await restoreReset(wh, { requestId: "reset-1" }, { ...request(), confirm: "wemby" });
    expect(ok).toMatchObject({ ok: true, replay: false });
    const counts = { attempts: await countRows(wh, ATTEMPTS), audit: await countRows(wh, AUDIT) };
    const again = await restoreReset(wh, { requestId: "reset-1" }, { ...request({ requestId: "restore-2" }), confirm: "wemby" });
    expect(again).toMatchObject({ ok: false, error: "conflict" });
    if (!again.ok) expect(again.message).toMatch(/^Already restored by dana at /);
    expect({ attempts: await countRows(wh, ATTEMPTS), audit: await countRows(wh, AUDIT) }).toEqual(counts);
    const [status] = await previewRestores(wh, { auditIds: [], requestIds: ["reset-1"] }, NOW);
    expect(status!.availability).toMatchObject({ ok: false, refusal: "already_restored" });
    expect(status!.restoredBy).toMatchObject({ actor: "dana" });
  });

  it("two restores of one reset at once: exactly one applies, the other is refused as already restored", async () => {
    await seed();
    await resetBreaker(wh, k, request({ requestId: "reset-1" }));
    await snapshotTable(wh);
    const results = await Promise.all(
      ["race-a", "race-b", "race-c"].map((id) => restoreReset(wh, { requestId: "reset-1" }, { ...request({ requestId: id }), confirm: "wemby" })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === "conflict")).toHaveLength(2);
    expect(await wh.query(`SELECT 1 FROM ${AUDIT} WHERE action = 'restore'`)).toHaveLength(1);
    expect(await keyRowsOf(wh, k, NAMES)).toHaveLength(4);
  });

  it("a restore after a new attempt on the key is refused (409: changed since), naming it; nothing is written", async () => {
    await seed();
    await resetBreaker(wh, k, request({ requestId: "reset-1" }));
    await insertAttempts(wh, [
      attemptRow({ processor_name: "ml_feature_store_v2", entity_id: "wemby", analysis_date: D, attempt_number: 1, attempted_at: "2024-12-15T04:00:00.250000Z" }),
    ]);
    await snapshotTable(wh);
    const r = await restoreReset(wh, { requestId: "reset-1" }, { ...request({ now: "2024-12-15T09:00:00.000Z" }), confirm: "wemby" });
    expect(r).toMatchObject({ ok: false, error: "conflict" });
    if (!r.ok) expect(r.message).toBe("The key changed since the reset: 1 row written after it (latest: attempt at 2024-12-15T04:00:00.250Z); restoring would lose them");
    await expectTableAsBefore(wh);
    expect(await countRows(wh, AUDIT)).toBe(1);
  });

  it("a restore after another reset of the key is refused: the first reset's RESET row is gone", async () => {
    await seed();
    await resetBreaker(wh, k, request({ requestId: "reset-1" }));
    await insertAttempts(wh, [attemptRow({ processor_name: "ml_feature_store", entity_id: "wemby", analysis_date: D, attempt_number: 1, attempted_at: "2024-12-14T10:00:00.000Z" })]);
    expect(await resetBreaker(wh, k, request({ requestId: "reset-2", now: "2024-12-14T11:00:00.000Z" }))).toMatchObject({ ok: true });
    const r = await restoreReset(wh, { requestId: "reset-1" }, { ...request({ now: "2024-12-14T12:00:00.000Z" }), confirm: "wemby" });
    expect(r).toMatchObject({ ok: false, error: "conflict" });
    if (!r.ok) expect(r.message).toContain("changed since the reset");
    // The latest reset can be restored: it gives back what it removed (the first RESET row and the attempt after it).
    expect(await restoreReset(wh, { requestId: "reset-2" }, { ...request({ requestId: "restore-2", now: "2024-12-14T12:00:00.000Z" }), confirm: "wemby" })).toMatchObject({
      ok: true,
      data: { rowsRestored: 2 },
    });
    expect((await keyRowsOf(wh, k, NAMES)).map((r) => [r.attempt_number, r.request_id]).sort()).toEqual([
      [0, "reset-1"],
      [1, null],
    ]);
  });

  it("older than 30 days is refused (409) and says so; 30 days to the microsecond is still allowed", async () => {
    await seed();
    await resetBreaker(wh, k, request({ requestId: "reset-1" }));
    const late = addDaysToInstant(NOW, 30.5);
    const r = await restoreReset(wh, { requestId: "reset-1" }, { ...request({ now: late }), confirm: "wemby" });
    expect(r).toMatchObject({ ok: false, error: "conflict" });
    if (!r.ok) expect(r.message).toBe(`Too old: the reset was applied at ${NOW}, more than 30 days ago; resets can be restored for 30 days`);
    expect(await restoreReset(wh, { requestId: "reset-1" }, { ...request({ now: addDaysToInstant(NOW, 30) }), confirm: "wemby" })).toMatchObject({ ok: true });
  });

  it("viewers and operators are refused (forbidden) and the warehouse is not touched", async () => {
    await seed();
    await resetBreaker(wh, k, request({ requestId: "reset-1" }));
    await snapshotTable(wh);
    for (const role of ["viewer", "operator"] as const) {
      expect(await restoreReset(wh, { requestId: "reset-1" }, { ...request({ role, requestId: `as-${role}` }), confirm: "wemby" })).toMatchObject({ ok: false, error: "forbidden" });
    }
    await expectTableAsBefore(wh);
  });

  it("an unknown reset is not_found; a wrong confirmation is invalid; neither writes", async () => {
    await seed();
    await resetBreaker(wh, k, request({ requestId: "reset-1" }));
    await snapshotTable(wh);
    expect(await restoreReset(wh, { auditId: "00000000-0000-4000-8000-000000000000" }, { ...request(), confirm: "wemby" })).toMatchObject({ ok: false, error: "not_found" });
    // A request id that names an override, not a reset, is no reset either.
    expect(await restoreReset(wh, { requestId: "bulk-7" }, { ...request(), confirm: "wemby" })).toMatchObject({ ok: false, error: "not_found" });
    expect(await restoreReset(wh, { requestId: "reset-1" }, { ...request(), confirm: "Wemby" })).toMatchObject({ ok: false, error: "invalid", field: "confirm" });
    await expectTableAsBefore(wh);
    expect(await countRows(wh, AUDIT)).toBe(1);
  });

  it("a retried request is answered as a replay (by audit id or request id alike); the same id for another reset is refused as reused", async () => {
    await seed();
    await resetBreaker(wh, k, request({ requestId: "reset-1" }));
    const [{ audit_id }] = (await wh.query<{ audit_id: string }>(`SELECT audit_id FROM ${AUDIT}`)) as [{ audit_id: string }];
    const first = await restoreReset(wh, { auditId: audit_id }, { ...request(), confirm: "wemby" });
    expect(first).toMatchObject({ ok: true, replay: false });
    await snapshotTable(wh);
    const again = await restoreReset(wh, { requestId: "reset-1" }, { ...request(), confirm: "wemby" });
    expect(again).toEqual({ ...first, replay: true });
    await expectTableAsBefore(wh);

    // Another reset, restored with the id already used for the first: another request.
    const other: BreakerKeyRef = { processor: "player_daily_cache", entity_id: "wemby", analysis_date: D };
    expect(await resetBreaker(wh, other, request({ requestId: "reset-3" }))).toMatchObject({ ok: true });
    expect(await restoreReset(wh, { requestId: "reset-3" }, { ...request(), confirm: "wemby" })).toMatchObject({ ok: false, error: "reused" });
    // Another reason under the same id is another request too.
    expect(await restoreReset(wh, { requestId: "reset-1" }, { ...request({ reason: "A different reason this time" }), confirm: "wemby" })).toMatchObject({ ok: false, error: "reused" });
  });

  it("a reset recorded before resets kept their rows cannot be restored, and says why", async () => {
    await seed();
    await resetBreaker(wh, k, request({ requestId: "reset-1" }));
    await wh.execute(`UPDATE ${AUDIT} SET removed_rows_json = NULL`); // as an older record holds it
    const r = await restoreReset(wh, { requestId: "reset-1" }, { ...request(), confirm: "wemby" });
    expect(r).toMatchObject({ ok: false, error: "conflict" });
    if (!r.ok) expect(r.message).toContain("recorded before resets kept the rows");
  });
});

// ---------------------------------------------------------------------------------------------

describe("on the original pipeline's table (the original demo profile)", () => {
  let wh: Warehouse;
  const BUILT = new Date().toISOString();

  beforeAll(async () => {
    // The original's tables exactly as its DDL declares them, filled as the Python processors and
    // helper scripts fill them; then what the console adds when it opens such a warehouse.
    wh = createDuckDbWarehouse({
      path: ":memory:",
      onOpen: async (run) => {
        await applyEmbeddedSchema(run, ORIGINAL_SCHEMA_DIR);
        await applyEmbeddedSchema(run);
      },
    });
    await buildOriginalDemoDatabase(wh, shortDemoPlan(BUILT), { now: BUILT });
  }, 180_000);

  afterAll(async () => {
    await wh.close();
  });

  it("reset → restore of the keys with the most rows gives back every row byte-identical", async () => {
    const keys = await wh.query<{ processor_name: string; entity_id: string; analysis_date: string; n: number }>(
      `SELECT processor_name, entity_id, analysis_date, CAST(COUNT(*) AS INTEGER) AS n FROM ${ATTEMPTS}
       GROUP BY processor_name, entity_id, analysis_date ORDER BY n DESC, processor_name, entity_id, analysis_date LIMIT 3`,
    );
    expect(keys.length).toBe(3);
    expect(keys[0]!.n).toBeGreaterThanOrEqual(3);
    await snapshotTable(wh);
    // The original's rows: no console column set, created_at from the warehouse, microseconds.
    const [shape] = await wh.query<{ micros: number; console_cols: number }>(
      `SELECT CAST(COUNT(*) FILTER (WHERE microsecond(attempted_at) % 1000 <> 0) AS INTEGER) AS micros,
              CAST(COUNT(*) FILTER (WHERE event_type IS NOT NULL OR actor IS NOT NULL OR request_id IS NOT NULL) AS INTEGER) AS console_cols
       FROM ${ATTEMPTS}`,
    );
    expect(shape!.micros).toBeGreaterThan(0);

    const at = BUILT;
    for (const [i, row] of keys.entries()) {
      const processor = resolveProcessorName(row.processor_name)!;
      const k: BreakerKeyRef = { processor, entity_id: row.entity_id, analysis_date: row.analysis_date };
      const reset = await resetBreaker(wh, k, request({ requestId: `orig-reset-${i}`, now: at, deployment: ORIGINAL_DEPLOYMENT }));
      expect(reset).toMatchObject({ ok: true, data: { rowsRemoved: row.n } });
    }
    expect(await missingFrom(wh, "main.attempts_before", ATTEMPTS)).toBe(keys.reduce((s, r) => s + r.n, 0));
    for (const [i, row] of keys.entries()) {
      const restored = await restoreReset(wh, { requestId: `orig-reset-${i}` }, { ...request({ requestId: `orig-restore-${i}`, now: at, deployment: ORIGINAL_DEPLOYMENT }), confirm: row.entity_id });
      expect(restored).toMatchObject({ ok: true, data: { rowsRestored: row.n } });
    }
    await expectTableAsBefore(wh);
    expect(shape!.console_cols).toBe((await wh.query(`SELECT 1 FROM ${ATTEMPTS} WHERE event_type IS NOT NULL OR actor IS NOT NULL OR request_id IS NOT NULL`)).length);
  });
});
