/**
 * The JSON write API over HTTP semantics (route handlers called with real Requests), against an
 * in-memory embedded database: who may do what, CSRF, validation — each refusal with zero rows
 * changed — and that a write really unblocks.
 */
import { beforeEach, describe, expect, it } from "vitest";

import { POST as override } from "@/app/api/v1/breakers/override/route";
import { POST as reset } from "@/app/api/v1/breakers/reset/route";
import { POST as bulkApply } from "@/app/api/v1/breakers/bulk-override/route";
import { POST as bulkPreview } from "@/app/api/v1/breakers/bulk-override/preview/route";
import { GET as audit } from "@/app/api/v1/audit/route";
import { ORIGIN, tripKey as tripFixture, consoleWarehouseForFile } from "@/test/support/console-warehouse";
import { attemptRow, clearAll, countRows, insertAttempts } from "@/test/support/fixtures";
import { sessionCookie } from "@/test/support/session";

// Beside the original pipeline (the production setting): its processors' names and read.
const wh = consoleWarehouseForFile({ readers: "original" });

const KEY = { processor: "player_daily_cache", entity_id: "lebronjames", analysis_date: "2026-11-20" };
const tripKey = (key = KEY) => tripFixture(wh, key);

async function counts() {
  return { attempts: await countRows(wh, "nba_orchestration.reprocess_attempts"), audit: await countRows(wh, "nba_orchestration.breaker_audit_log") };
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, host: "console.test", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const overrideBody = (extra: Record<string, unknown> = {}) => ({
  ...KEY,
  reason_code: "data_now_available",
  reason: `Box score landed; verified in the live recheck — O'Neal's "row" <b>ok</b>`,
  request_id: `req-${Math.random().toString(36).slice(2, 12)}`,
  ...extra,
});

beforeEach(async () => {
  await clearAll(wh);
  await tripKey();
});

const ROUTES = [
  ["override", "/api/v1/breakers/override", override, () => overrideBody()],
  ["reset", "/api/v1/breakers/reset", reset, () => ({ ...KEY, reason: "Clearing history after the schedule fix", request_id: "req-reset-0001", confirm: KEY.entity_id })],
  ["bulk preview", "/api/v1/breakers/bulk-override/preview", bulkPreview, () => ({ date_from: "2026-11-01", date_to: "2026-11-25" })],
  [
    "bulk apply",
    "/api/v1/breakers/bulk-override",
    bulkApply,
    () => ({ filter: { date_from: "2026-11-01", date_to: "2026-11-25" }, token: "x".repeat(43), reason_code: "scraper_outage_backfilled", reason: "Outage backfilled and verified", request_id: "req-bulk-0001" }),
  ],
] as const;

describe.each(ROUTES)("%s: refusals change nothing", (_name, path, handler, body) => {
  it("401 without a session", async () => {
    const before = await counts();
    const res = await handler(post(path, body()));
    expect(res.status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it("403 for a viewer", async () => {
    const before = await counts();
    const res = await handler(post(path, body(), { cookie: await sessionCookie("viewer") }));
    expect(res.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it("403 for a foreign Origin, even for an admin", async () => {
    const before = await counts();
    const res = await handler(post(path, body(), { cookie: await sessionCookie("admin"), origin: "https://evil.example" }));
    expect(res.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it("400 naming the field for bad input, and for a body that is not JSON", async () => {
    const before = await counts();
    const bad = { ...(body() as Record<string, unknown>), date_from: "yesterday", reason: "short", analysis_date: "2026-13-45", surprise: 1 };
    const res = await handler(post(path, bad, { cookie: await sessionCookie("admin") }));
    expect(res.status).toBe(400);
    expect(Object.keys((await res.json()).fieldErrors)).not.toHaveLength(0);
    const notJson = await handler(post(path, "{not json", { cookie: await sessionCookie("admin") }));
    expect(notJson.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("413 for a body over 1 MiB counted in bytes (no Content-Length; 600k two-byte characters)", async () => {
    const before = await counts();
    const huge = { ...(body() as Record<string, unknown>), reason: "é".repeat(600_000) };
    const request = post(path, huge, { cookie: await sessionCookie("admin") });
    expect(request.headers.get("content-length")).toBeNull();
    const res = await handler(request);
    expect(res.status).toBe(413);
    expect(Object.keys((await res.json()).fieldErrors)).toEqual(["body"]);
    expect(await counts()).toEqual(before);
  });
});

describe("writes", () => {
  it("an operator overrides an active breaker: one row, one audit record, the reason verbatim", async () => {
    const body = overrideBody();
    const res = await override(post("/api/v1/breakers/override", body, { cookie: await sessionCookie("operator", "jordan.oncall") }));
    expect(res.status).toBe(201);
    expect((await res.json()).change.after.status).toBe("closed");
    const [row] = await wh.query<{ actor: string; actor_role: string; notes: string; event_type: string }>(
      "SELECT actor, actor_role, notes, event_type FROM nba_orchestration.reprocess_attempts WHERE event_type = 'override'",
    );
    expect(row).toMatchObject({ actor: "jordan.oncall", actor_role: "operator", event_type: "override" });
    expect(row!.notes).toContain(body.reason);
    const log = await audit(new Request(`${ORIGIN}/api/v1/audit?action=override`, { headers: { cookie: await sessionCookie("viewer") } }));
    const rows = (await log.json()).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: "jordan.oncall", reason: body.reason, key_count: 1 });
  });

  it("a retried request changes state once; a second request on the closed key is a 409 naming who", async () => {
    const body = overrideBody();
    const cookie = await sessionCookie("operator", "jordan.oncall");
    expect((await override(post("/api/v1/breakers/override", body, { cookie }))).status).toBe(201);
    const again = await override(post("/api/v1/breakers/override", body, { cookie }));
    expect(again.status).toBe(200);
    expect((await again.json()).replay).toBe(true);
    const other = await override(post("/api/v1/breakers/override", overrideBody(), { cookie: await sessionCookie("operator", "maria.ops") }));
    expect(other.status).toBe(409);
    expect((await other.json()).error).toMatch(/already overridden by jordan\.oncall at \d{4}-/);
    expect(await counts()).toEqual({ attempts: 4, audit: 1 });
  });

  it("an operator may not reset; an admin resets after typing the id: one RESET row remains", async () => {
    const body = { ...KEY, reason: "Clearing history after the schedule fix", request_id: "req-reset-0002", confirm: KEY.entity_id };
    expect((await reset(post("/api/v1/breakers/reset", body, { cookie: await sessionCookie("operator") }))).status).toBe(403);
    const wrongConfirm = await reset(post("/api/v1/breakers/reset", { ...body, confirm: "LeBronJames" }, { cookie: await sessionCookie("admin") }));
    expect(wrongConfirm.status).toBe(400);
    expect(Object.keys((await wrongConfirm.json()).fieldErrors)[0]).toBe("confirm");
    const res = await reset(post("/api/v1/breakers/reset", body, { cookie: await sessionCookie("admin", "dana.admin") }));
    expect(res.status).toBe(201);
    expect((await res.json()).rowsRemoved).toBe(3);
    expect(await wh.query("SELECT attempt_number, skip_reason, rows_removed, actor FROM nba_orchestration.reprocess_attempts")).toEqual([
      { attempt_number: 0, skip_reason: "RESET", rows_removed: 3, actor: "dana.admin" },
    ]);
  });

  it("bulk: preview lists the active keys with a token; apply writes exactly that set; a changed set is refused", async () => {
    await tripKey({ ...KEY, entity_id: "stephencurry" });
    const cookie = await sessionCookie("operator", "maria.ops");
    const filter = { date_from: "2026-11-01", date_to: "2026-11-25", processors: ["player_daily_cache"] };
    const preview = await (await bulkPreview(post("/api/v1/breakers/bulk-override/preview", filter, { cookie }))).json();
    expect(preview.changes.map((c: { entity_id: string }) => c.entity_id).sort()).toEqual(["lebronjames", "stephencurry"]);
    // Someone overrides one key in between: the previewed set no longer holds.
    await override(post("/api/v1/breakers/override", overrideBody(), { cookie: await sessionCookie("operator", "jordan.oncall") }));
    const before = await counts();
    const apply = (token: string, request_id: string) =>
      bulkApply(post("/api/v1/breakers/bulk-override", { filter, token, reason_code: "scraper_outage_backfilled", reason: "Outage backfilled and verified", request_id }, { cookie }));
    const stale = await apply(preview.token, "req-bulk-stale1");
    expect(stale.status).toBe(409);
    expect(await counts()).toEqual(before);
    const fresh = await (await bulkPreview(post("/api/v1/breakers/bulk-override/preview", filter, { cookie }))).json();
    expect(fresh.changes).toHaveLength(1);
    const applied = await apply(fresh.token, "req-bulk-fresh1");
    expect(applied.status).toBe(201);
    expect((await applied.json()).changes).toHaveLength(fresh.changes.length);
    expect(await counts()).toEqual({ attempts: before.attempts + 1, audit: before.audit + 1 });

    // The same apply sent again (a retry after a timeout): its keys are no longer active, and it
    // is answered with the original result, not refused as another request.
    const again = await apply(fresh.token, "req-bulk-fresh1");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ replay: true, changes: [{ entity_id: expect.any(String) }] });
    expect(await counts()).toEqual({ attempts: before.attempts + 1, audit: before.audit + 1 });
    // The same id with another body is another request: refused, naming the id.
    const other = await apply(preview.token, "req-bulk-fresh1");
    expect(other.status).toBe(422);
  });
});

describe("beside the original pipeline", () => {
  const ONE_RETRY = /^One retry: .*if that run still fails, the breaker trips again for 7 days/;

  it("an override of an active ML feature store breaker is written under ml_feature_store_v2 and answers that it gives one retry", async () => {
    // Tripped by the Python processor: its own name, no console columns.
    const mlfs = { processor: "ml_feature_store_v2", entity_id: "lukadoncic", analysis_date: KEY.analysis_date };
    await tripKey(mlfs);
    const res = await override(post("/api/v1/breakers/override", overrideBody({ processor: "ml_feature_store", entity_id: "lukadoncic" }), { cookie: await sessionCookie("operator", "jordan.oncall") }));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.consequence).toMatch(ONE_RETRY);
    expect(body.change).toMatchObject({ processor: "ml_feature_store", before: { status: "active" }, after: { status: "closed" } });
    // The processor's read — its own name, the highest attempt_number — finds the override, untripped.
    const [latest] = await wh.query<{ processor_name: string; attempt_number: number; circuit_breaker_tripped: boolean }>(
      `SELECT processor_name, attempt_number, circuit_breaker_tripped FROM nba_orchestration.reprocess_attempts
       WHERE processor_name = 'ml_feature_store_v2' AND entity_id = 'lukadoncic' ORDER BY attempt_number DESC LIMIT 1`,
    );
    expect(latest).toEqual({ processor_name: "ml_feature_store_v2", attempt_number: 4, circuit_breaker_tripped: false });
  });

  it("the bulk preview and the bulk apply say what the override gives", async () => {
    const cookie = await sessionCookie("operator", "maria.ops");
    const filter = { date_from: "2026-11-01", date_to: "2026-11-25", processors: ["player_daily_cache"] };
    const preview = await (await bulkPreview(post("/api/v1/breakers/bulk-override/preview", filter, { cookie }))).json();
    expect(preview.consequence).toMatch(ONE_RETRY);
    const applied = await bulkApply(
      post("/api/v1/breakers/bulk-override", { filter, token: preview.token, reason_code: "scraper_outage_backfilled", reason: "Outage backfilled and verified", request_id: "req-bulk-orig1" }, { cookie }),
    );
    expect(applied.status).toBe(201);
    expect((await applied.json()).consequence).toMatch(ONE_RETRY);
  });

  it("the audit says what each override led to: per key in the JSON and the CSV, counted per record", async () => {
    await tripKey({ ...KEY, entity_id: "stephencurry" });
    await tripKey({ ...KEY, entity_id: "jaysontatum" });
    const filter = { date_from: "2026-11-01", date_to: "2026-11-25", processors: ["player_daily_cache"], entities: ["lebronjames", "stephencurry"] };
    const cookie = await sessionCookie("operator", "maria.ops");
    const preview = await (await bulkPreview(post("/api/v1/breakers/bulk-override/preview", filter, { cookie }))).json();
    expect(preview.changes).toHaveLength(2);
    const applied = await bulkApply(
      post("/api/v1/breakers/bulk-override", { filter, token: preview.token, reason_code: "scraper_outage_backfilled", reason: "Outage backfilled and verified", request_id: "req-bulk-outcome" }, { cookie }),
    );
    expect(applied.status).toBe(201);
    const single = { ...KEY, entity_id: "jaysontatum" };
    expect((await override(post("/api/v1/breakers/override", overrideBody(single), { cookie }))).status).toBe(201);
    await new Promise((r) => setTimeout(r, 5));
    const after = new Date().toISOString();
    // lebronjames: the original processor ran it and wrote its output (no success row);
    // stephencurry: its one retry failed and tripped again; jaysontatum: reset since.
    await wh.execute(
      "INSERT INTO nba_precompute.player_daily_cache (player_lookup, cache_date, processed_at, processing_decision_reason) VALUES ('lebronjames', @d, @at, 'processed_successfully')",
      { params: { d: KEY.analysis_date, at: after }, types: { d: "DATE", at: "TIMESTAMP" } },
    );
    await insertAttempts(wh, [
      attemptRow({ processor_name: KEY.processor, entity_id: "stephencurry", analysis_date: KEY.analysis_date, attempt_number: 5, attempted_at: after, circuit_breaker_tripped: true, circuit_breaker_until: new Date(Date.now() + 7 * 86_400_000).toISOString() }),
    ]);
    const resetBody = { ...single, reason: "Clearing history after the schedule fix", request_id: "req-reset-outcome", confirm: single.entity_id };
    expect((await reset(post("/api/v1/breakers/reset", resetBody, { cookie: await sessionCookie("admin", "dana.admin") }))).status).toBe(201);
    await new Promise((r) => setTimeout(r, 5));

    const viewer = { headers: { cookie: await sessionCookie("viewer") } };
    const rows = (await (await audit(new Request(`${ORIGIN}/api/v1/audit`, viewer))).json()).rows as {
      action: string;
      request_id: string;
      outcome_counts: Record<string, number> | null;
      keys: { entity_id: string; outcome?: string; outcome_decided_at?: string | null }[];
    }[];
    const bulk = rows.find((r) => r.request_id === "req-bulk-outcome")!;
    expect(Object.fromEntries(bulk.keys.map((k) => [k.entity_id, k.outcome]))).toEqual({ lebronjames: "processed", stephencurry: "re_tripped" });
    expect(bulk.keys.every((k) => k.outcome_decided_at !== null && Date.parse(k.outcome_decided_at!) === Date.parse(after))).toBe(true);
    expect(bulk.outcome_counts).toEqual({ processed: 1, failed_again: 0, re_tripped: 1, pending: 0, removed: 0 });
    const one = rows.find((r) => r.action === "override")!;
    expect(one.keys).toMatchObject([{ entity_id: "jaysontatum", outcome: "removed", outcome_decided_at: null }]);
    expect(rows.find((r) => r.action === "reset")!.outcome_counts).toBeNull();

    const csv = await (await audit(new Request(`${ORIGIN}/api/v1/audit?format=csv`, viewer))).text();
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    const cols = header!.split(",");
    const at = (line: string, col: string) => line.split(",")[cols.indexOf(col)];
    const byEntity = Object.fromEntries(lines.filter((l) => at(l, "action") !== "reset").map((l) => [at(l, "entity_id"), at(l, "outcome")]));
    expect(byEntity).toEqual({ lebronjames: "processed", stephencurry: "re_tripped", jaysontatum: "removed" });
  });
});
