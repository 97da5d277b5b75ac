/**
 * Restoring a reset through the console's doors, against an in-memory embedded database: the
 * JSON API (`POST`/`GET /api/v1/breakers/restore`, route handlers called with real Requests) and
 * the Audit page's server action (`restoreResetForm`, the session from the request's cookie) —
 * who may, what each refusal answers (with nothing written), replays, and the status the Audit
 * page shows beside each reset.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ role: "admin" as "viewer" | "operator" | "admin" }));
vi.mock("next/headers", async () => {
  const { sessionCookie } = await import("@/test/support/session");
  return {
    cookies: async () => {
      const value = (await sessionCookie(session.role, `${session.role}.demo`)).split("=").slice(1).join("=");
      return { get: (name: string) => (name === "next-auth.session-token" ? { name, value } : undefined) };
    },
    headers: async () => new Headers(),
  };
});

import { GET as audit } from "@/app/api/v1/audit/route";
import { POST as reset } from "@/app/api/v1/breakers/reset/route";
import { GET as preview, POST as restore } from "@/app/api/v1/breakers/restore/route";
import { restoreResetForm } from "@/lib/actions/forms";
import { listRestoreStatuses } from "@/lib/data/restores";
import type { Row } from "@/lib/warehouse/types";
import { consoleWarehouseForFile, ORIGIN } from "@/test/support/console-warehouse";
import { attemptRow, clearAll, countRows, insertAttempts } from "@/test/support/fixtures";
import { sessionCookie } from "@/test/support/session";

// Beside the original pipeline (the production setting), set before the configuration is read.
const wh = consoleWarehouseForFile({ readers: "original" });

const KEY = { processor: "player_daily_cache", entity_id: "lebronjames", analysis_date: "2026-11-20" };
const ATTEMPTS = "nba_orchestration.reprocess_attempts";
const AUDIT = "nba_orchestration.breaker_audit_log";

/** Three failures tripped the key a day ago, the Python way: microsecond instants. */
async function tripKey() {
  const t = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString().replace("Z", "417Z");
  await insertAttempts(wh, [1, 2, 3].map((n) =>
    attemptRow({
      processor_name: "player_daily_cache",
      entity_id: KEY.entity_id,
      analysis_date: KEY.analysis_date,
      attempt_number: n,
      attempted_at: t(96 - 24 * n),
      completeness_pct: 61.5 + n,
      circuit_breaker_tripped: n === 3,
      circuit_breaker_until: n === 3 ? new Date(Date.now() + 6 * 86_400_000).toISOString() : null,
    }),
  ));
}

async function keyRows(): Promise<Row[]> {
  return wh.query(`SELECT * FROM ${ATTEMPTS} WHERE entity_id = @e ORDER BY attempt_number, attempted_at`, { params: { e: KEY.entity_id }, types: { e: "STRING" } });
}

async function counts() {
  return { attempts: await countRows(wh, ATTEMPTS), audit: await countRows(wh, AUDIT) };
}

function request(method: "GET" | "POST", path: string, body?: unknown, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}${path}`, {
    method,
    headers: { "content-type": "application/json", origin: ORIGIN, host: "console.test", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const RESET_ID = "req-reset-restore-01";
let before: Row[];

/** An admin resets the tripped key through the API; returns the reset's audit id. */
async function resetKey(): Promise<string> {
  const res = await reset(request("POST", "/api/v1/breakers/reset", { ...KEY, reason: "Clearing history after the schedule fix", request_id: RESET_ID, confirm: KEY.entity_id }, { cookie: await sessionCookie("admin", "dana.admin") }));
  expect(res.status).toBe(201);
  const [row] = await wh.query<{ audit_id: string }>(`SELECT audit_id FROM ${AUDIT} WHERE action = 'reset'`);
  return row!.audit_id;
}

const body = (extra: Record<string, unknown> = {}) => ({
  reset_request_id: RESET_ID,
  reason: "The reset was applied to the wrong key",
  request_id: "req-restore-0001",
  confirm: KEY.entity_id,
  ...extra,
});

beforeEach(async () => {
  await clearAll(wh);
  await tripKey();
  before = await keyRows();
  session.role = "admin";
});

describe("POST /api/v1/breakers/restore", () => {
  it("refusals change nothing: 401 anonymous, 403 viewer and operator, 403 foreign Origin, 400 bad input or confirmation, 404 unknown reset", async () => {
    await resetKey();
    const was = await counts();
    const path = "/api/v1/breakers/restore";
    expect((await restore(request("POST", path, body()))).status).toBe(401);
    expect((await restore(request("POST", path, body(), { cookie: await sessionCookie("viewer") }))).status).toBe(403);
    expect((await restore(request("POST", path, body(), { cookie: await sessionCookie("operator") }))).status).toBe(403);
    expect((await restore(request("POST", path, body(), { cookie: await sessionCookie("admin"), origin: "https://evil.example" }))).status).toBe(403);
    const admin = { cookie: await sessionCookie("admin") };
    const both = await restore(request("POST", path, body({ audit_id: "00000000-0000-4000-8000-000000000000" }), admin));
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ code: "invalid", fieldErrors: { audit_id: expect.any(Array) } });
    const neither = await restore(request("POST", path, { reason: "The reset was applied to the wrong key", request_id: "req-restore-0009", confirm: KEY.entity_id }, admin));
    expect(neither.status).toBe(400);
    const wrong = await restore(request("POST", path, body({ confirm: "LeBronJames" }), admin));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ code: "invalid", fieldErrors: { confirm: expect.any(Array) } });
    const unknown = await restore(request("POST", path, body({ reset_request_id: "req-never-sent-01" }), admin));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: "not_found", error: 'No reset with request id "req-never-sent-01" in the last 365 days' });
    expect(await counts()).toEqual(was);
  });

  it("an admin restores: 201, the rows back exactly; the same request again replays (200); another body under its id is 422; a second restore is 409", async () => {
    const auditId = await resetKey();
    expect(await keyRows()).toHaveLength(1);
    const admin = { cookie: await sessionCookie("admin", "dana.admin") };
    const res = await restore(request("POST", "/api/v1/breakers/restore", body(), admin));
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ ok: true, replay: false, rowsRestored: 3, resetAuditId: auditId, change: { ...KEY, before: { lastEvent: "reset" }, after: { status: "active" } } });
    expect(await keyRows()).toEqual(before);

    const again = await restore(request("POST", "/api/v1/breakers/restore", body({ reset_request_id: undefined, audit_id: auditId }), admin));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ok: true, replay: true, rowsRestored: 3, resetAuditId: auditId });

    const reusedId = await restore(request("POST", "/api/v1/breakers/restore", body({ reason: "Another reason under the same id" }), admin));
    expect(reusedId.status).toBe(422);
    expect(await reusedId.json()).toMatchObject({ code: "reused", fieldErrors: { request_id: expect.any(Array) } });

    const second = await restore(request("POST", "/api/v1/breakers/restore", body({ request_id: "req-restore-0002" }), admin));
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ code: "conflict", error: expect.stringMatching(/^Already restored by dana\.admin at /) });
    expect(await keyRows()).toEqual(before);

    // The audit API lists the restore under its own action, naming the key.
    const listed = await audit(request("GET", "/api/v1/audit?action=restore", undefined, { cookie: await sessionCookie("viewer") }));
    const { rows } = (await listed.json()) as { rows: { action: string; actor: string; request_id: string; keys: { entity_id: string }[] }[] };
    expect(rows.map((r) => [r.action, r.actor, r.request_id, r.keys[0]!.entity_id])).toEqual([["restore", "dana.admin", "req-restore-0001", KEY.entity_id]]);
  });

  it("a new attempt on the key since the reset: 409 naming it, nothing written", async () => {
    await resetKey();
    await insertAttempts(wh, [attemptRow({ processor_name: "player_daily_cache", entity_id: KEY.entity_id, analysis_date: KEY.analysis_date, attempt_number: 1, attempted_at: new Date().toISOString() })]);
    const was = await counts();
    const res = await restore(request("POST", "/api/v1/breakers/restore", body(), { cookie: await sessionCookie("admin") }));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/^The key changed since the reset: 1 row written after it/);
    expect(await counts()).toEqual(was);
  });
});

describe("GET /api/v1/breakers/restore (what --dry-run shows)", () => {
  it("a viewer sees the rows a restore would put back and whether it can; nothing is written", async () => {
    const auditId = await resetKey();
    const was = await counts();
    const res = await preview(request("GET", `/api/v1/breakers/restore?audit_id=${auditId}`, undefined, { cookie: await sessionCookie("viewer") }));
    expect(res.status).toBe(200);
    const got = (await res.json()) as { available: boolean; rowCount: number; rows: Row[]; key: object; reset: { request_id: string } };
    expect(got).toMatchObject({ available: true, rowCount: 3, key: KEY, reset: { request_id: RESET_ID } });
    expect(got.rows).toEqual(before);
    expect(await counts()).toEqual(was);
    expect((await preview(request("GET", "/api/v1/breakers/restore?reset_request_id=req-never-sent-01", undefined, { cookie: await sessionCookie("viewer") }))).status).toBe(404);
    expect((await preview(request("GET", "/api/v1/breakers/restore", undefined, { cookie: await sessionCookie("viewer") }))).status).toBe(400);
    expect((await preview(request("GET", `/api/v1/breakers/restore?audit_id=${auditId}`))).status).toBe(401);
  });
});

describe("the Audit page's restore (server action and status)", () => {
  it("shows each reset's status; the form's action restores for an admin and is refused for an operator", async () => {
    const auditId = await resetKey();
    session.role = "viewer";
    expect(await listRestoreStatuses([auditId])).toMatchObject([{ audit_id: auditId, key: KEY, rowCount: 3, available: true, refusal: null }]);

    session.role = "operator";
    const refused = await restoreResetForm({ audit_id: auditId, reason: "The reset was applied to the wrong key", request_id: "req-form-0001", confirm: KEY.entity_id });
    expect(refused).toMatchObject({ ok: false, code: "forbidden" });
    expect(await keyRows()).toHaveLength(1);

    session.role = "admin";
    const done = await restoreResetForm({ audit_id: auditId, reason: "The reset was applied to the wrong key", request_id: "req-form-0002", confirm: KEY.entity_id });
    expect(done).toMatchObject({ ok: true, replay: false, data: { rowsRestored: 3 } });
    expect(await keyRows()).toEqual(before);
    const [{ actor }] = (await wh.query<{ actor: string }>(`SELECT actor FROM ${AUDIT} WHERE action = 'restore'`)) as [{ actor: string }];
    expect(actor).toBe("admin.demo"); // from the session, never from the form

    session.role = "viewer";
    expect(await listRestoreStatuses([auditId])).toMatchObject([{ available: false, refusal: "already_restored", message: expect.stringContaining("admin.demo") }]);
  });
});
