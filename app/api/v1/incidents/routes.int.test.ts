/**
 * The incidents API and the incident selector of the bulk override, over HTTP semantics (route
 * handlers called with real Requests) on a short simulated season of the `original` profile —
 * the morning it ends on holds active breakers whose data has since arrived and breakers whose
 * data is still missing, and the simulator's ground truth says which (`summary.groundTruth`).
 *
 * The file is built where the console's configuration points (this test file's own data
 * directory), with its `.demo.json` beside it, so the routes find the warehouse, the season's
 * calendar and the deployment exactly as a running console does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET as list } from "@/app/api/v1/incidents/route";
import { GET as one } from "@/app/api/v1/incidents/[id]/route";
import { POST as bulkApply } from "@/app/api/v1/breakers/bulk-override/route";
import { POST as bulkPreview } from "@/app/api/v1/breakers/bulk-override/preview/route";
import { GET as audit } from "@/app/api/v1/audit/route";
import { GET as auditKeys } from "@/app/api/v1/audit/[auditId]/keys/route";
import { GET as monitoring } from "@/app/api/v1/monitoring/[name]/route";
import { GET as metrics } from "@/app/metrics/route";
import { configEntry, generateToken, hashToken } from "@/lib/auth/token-format";
import { getSeasonCalendar } from "@/lib/data/calendar";
import { getDeployment } from "@/lib/data/deployment";
import { consequenceOf, readKeys } from "@/lib/engine/breaker-writes";
import { incidentRecoveredKeys } from "@/lib/engine/incidents";
import { DEMO_FORMAT, writeDemoMetadata } from "@/lib/demo/metadata";
import { ORIGINAL_SCHEMA_DIR, type OriginalBuildSummary, buildOriginalDemoDatabase } from "@/lib/demo/original";
import { shortDemoPlan } from "@/lib/demo/plan";
import { getWarehouse } from "@/lib/warehouse";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";
import { parsePrometheusText, sampleValue } from "@/test/support/prometheus-text";
import { sessionCookie } from "@/test/support/session";

// Before the configuration is first read: the origin the write routes accept, no read cache
// (each read sees the writes before it), and a viewer's and a pipeline's API token.
process.env.ALLOWED_HOSTS = "console.test";
process.env.CACHE_TTL_SECONDS = "0";
const METRICS_TOKEN = "incidents-metrics-token-0123456789abcdef";
process.env.METRICS_TOKEN = METRICS_TOKEN;
const TOKENS = { viewer: generateToken(), pipeline: generateToken() };
process.env.API_TOKENS = [
  configEntry({ name: "ci-viewer", role: "viewer", sha256: hashToken(TOKENS.viewer) }),
  configEntry({ name: "nightly", role: "pipeline", sha256: hashToken(TOKENS.pipeline) }),
].join(",");

const ORIGIN = "http://console.test";
/** The build's moment; the routes evaluate at the wall clock, a few seconds later. */
const BUILT_AT = new Date().toISOString();
const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };

let summary: OriginalBuildSummary;

beforeAll(async () => {
  const file = process.env.EMBEDDED_DB_PATH!;
  const plan = shortDemoPlan(BUILT_AT);
  const wh = createDuckDbWarehouse({ path: file, onOpen: (run) => applyEmbeddedSchema(run, ORIGINAL_SCHEMA_DIR) });
  try {
    summary = await buildOriginalDemoDatabase(wh, plan, { now: BUILT_AT });
    await wh.execute("CHECKPOINT");
  } finally {
    await wh.close();
  }
  writeDemoMetadata(file, { format: DEMO_FORMAT, plan, builtAt: BUILT_AT, buildSeconds: 0, summary: summary as unknown as Record<string, unknown> });
}, 300_000);

afterAll(async () => {
  await holder.__completenessWarehouse?.close();
  delete holder.__completenessWarehouse;
});

type Json = Record<string, unknown>;
const keyOf = (k: { processor: string; entity_id: string; analysis_date: string }) => `${k.processor}|${k.entity_id}|${k.analysis_date}`;

function get(path: string, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}${path}`, { headers: { host: "console.test", ...headers } });
}

function post(path: string, body: unknown, headers: Record<string, string>): Request {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, host: "console.test", ...headers },
    body: JSON.stringify(body),
  });
}

const as = async (role: "viewer" | "operator" | "admin") => ({ cookie: await sessionCookie(role) });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

async function listed(query = ""): Promise<{ now: string; rows: Json[]; unexplained: number }> {
  const res = await list(get(`/api/v1/incidents${query}`, await as("viewer")));
  expect(res.status).toBe(200);
  return (await res.json()) as { now: string; rows: Json[]; unexplained: number };
}

async function detail(id: string): Promise<Json & { keys: Json[]; key_count: number }> {
  const res = await one(get(`/api/v1/incidents/${encodeURIComponent(id)}`, await as("viewer")), params(id));
  expect(res.status).toBe(200);
  return (await res.json()) as Json & { keys: Json[]; key_count: number };
}

describe("GET /api/v1/incidents", () => {
  it("401 without credentials, 403 for a pipeline token (no console reads), 200 for a viewer's token", async () => {
    expect((await list(get("/api/v1/incidents"))).status).toBe(401);
    expect((await list(get("/api/v1/incidents", { authorization: "Bearer cct_not-a-token" }))).status).toBe(401);
    expect((await list(get("/api/v1/incidents", { authorization: `Bearer ${TOKENS.pipeline}` }))).status).toBe(403);
    expect((await list(get("/api/v1/incidents", { authorization: `Bearer ${TOKENS.viewer}` }))).status).toBe(200);
  });

  it.each([
    ["as_of=2026-02-30", "as_of"],
    ["as_of=yesterday", "as_of"],
    ["now=soon", "now"],
    ["now=1999-01-01T00:00:00Z", "now"],
  ])("400 naming the parameter for %s", async (query, field) => {
    const res = await list(get(`/api/v1/incidents?${query}`, await as("viewer")));
    expect(res.status).toBe(400);
    expect(Object.keys(((await res.json()) as Json).fieldErrors as Json)).toEqual([field]);
  });

  it("lists incidents with the contract's fields, open ones first", async () => {
    const { rows, unexplained } = await listed();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const field of ["id", "cause", "upstream_table", "missing_dates", "teams", "keys", "processors", "recovered_keys", "opened_at", "status"]) expect(row, field).toHaveProperty(field);
      expect(typeof row.keys).toBe("number");
      expect(row.recovered_keys as number).toBeLessThanOrEqual(row.keys as number);
    }
    const statuses = rows.map((r) => r.status);
    expect(statuses).toEqual([...statuses].sort((a, b) => (a === b ? 0 : a === "open" ? -1 : 1)));
    expect(statuses).toContain("open");
    expect(Number.isInteger(unexplained)).toBe(true);
  });

  it("every active breaker (the monitoring API's list) is in exactly one open incident or among the unexplained", async () => {
    const { rows, unexplained } = await listed();
    const res = await monitoring(get("/api/v1/monitoring/active-breakers", await as("viewer")), { params: Promise.resolve({ name: "active-breakers" }) });
    const active = new Set((((await res.json()) as { rows: Json[] }).rows as { processor: string; entity_id: string; analysis_date: string }[]).map(keyOf));
    const owners = new Map<string, number>();
    for (const row of rows) {
      for (const k of (await detail(row.id as string)).keys as { processor: string; entity_id: string; analysis_date: string; state: string }[]) {
        if (k.state === "active") owners.set(keyOf(k), (owners.get(keyOf(k)) ?? 0) + 1);
      }
    }
    expect([...owners.values()].every((n) => n === 1)).toBe(true);
    const inIncidents = [...active].filter((k) => owners.has(k)).length;
    expect(inIncidents + unexplained).toBe(active.size);
  });
});

describe("GET /api/v1/incidents/<id>", () => {
  it("answers the incident with its keys: their number, their fields, its figures counted from them", async () => {
    const { rows } = await listed();
    for (const row of rows.slice(0, 5)) {
      const body = await detail(row.id as string);
      expect(body.id).toBe(row.id);
      expect(body.key_count).toBe(row.keys);
      expect(body.keys).toHaveLength(body.key_count);
      for (const k of body.keys) {
        for (const field of ["processor", "entity_id", "analysis_date", "state", "recovered", "outcome", "still_missing"]) expect(k, field).toHaveProperty(field);
        // Still missing is said exactly when the data has not recovered.
        if (k.recovered === true) expect(k.still_missing).toBeNull();
        if (k.recovered === false) expect(k.still_missing).toEqual(expect.any(String));
      }
      expect(body.keys.filter((k) => k.recovered === true)).toHaveLength(row.recovered_keys as number);
      expect(new Set(body.keys.map((k) => k.processor as string))).toEqual(new Set(row.processors as string[]));
    }
  });

  it("CSV: one line per key after the header, in the JSON's order", async () => {
    const { rows } = await listed();
    const id = rows[0]!.id as string;
    const body = await detail(id);
    const res = await one(get(`/api/v1/incidents/${id}?format=csv`, await as("viewer")), params(id));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toContain(".csv");
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("processor,entity_id,analysis_date,state,recovered,still_missing,outcome,failed_at,tripped_at");
    expect(lines).toHaveLength(body.key_count + 1);
    const first = body.keys[0]!;
    expect(lines[1]!.startsWith(`${first.processor as string},${first.entity_id as string},${first.analysis_date as string},${first.state as string},`)).toBe(true);
  });

  it("404 for an id no incident has, 400 for a malformed id or format, 401 anonymous, 403 for a pipeline token", async () => {
    const unknown = await one(get("/api/v1/incidents/upstream_gap-2000-01-01-000000", await as("viewer")), params("upstream_gap-2000-01-01-000000"));
    expect(unknown.status).toBe(404);
    expect(Object.keys(((await unknown.json()) as Json).fieldErrors as Json)).toEqual(["id"]);
    const bad = await one(get("/api/v1/incidents/a%20b", await as("viewer")), params("a b"));
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as Json).fieldErrors as Json)).toEqual(["id"]);
    const { rows } = await listed();
    const id = rows[0]!.id as string;
    const format = await one(get(`/api/v1/incidents/${id}?format=xml`, await as("viewer")), params(id));
    expect(format.status).toBe(400);
    expect(Object.keys(((await format.json()) as Json).fieldErrors as Json)).toEqual(["format"]);
    expect((await one(get(`/api/v1/incidents/${id}`), params(id))).status).toBe(401);
    expect((await one(get(`/api/v1/incidents/${id}`, { authorization: `Bearer ${TOKENS.pipeline}` }), params(id))).status).toBe(403);
  });
});

describe("GET /metrics: the incident gauges", () => {
  it("equal the incidents API at the same moment: open count, keys and recovered share per open incident", async () => {
    const at = `?now=${encodeURIComponent(new Date().toISOString())}`;
    const { rows } = await listed(at);
    const res = await metrics(new Request(`http://localhost:3000/metrics${at}`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }));
    expect(res.status).toBe(200);
    const families = parsePrometheusText(await res.text());
    const open = rows.filter((r) => r.status === "open");
    expect(open.length).toBeGreaterThan(0);
    expect(sampleValue(families, "completeness_console_incidents_open")).toBe(open.length);
    // One series per open incident (fewer than the cap here), none for a closed one.
    expect(families.get("completeness_console_incident_keys")!.samples).toHaveLength(open.length);
    for (const r of open) {
      const labels = { incident: r.id as string, cause_kind: r.kind as string };
      expect(sampleValue(families, "completeness_console_incident_keys", labels)).toBe(r.keys);
      expect(sampleValue(families, "completeness_console_incident_recovered_ratio", labels)).toBeCloseTo((r.recovered_keys as number) / (r.keys as number), 12);
    }
    for (const r of rows.filter((x) => x.status !== "open")) {
      expect(sampleValue(families, "completeness_console_incident_keys", { incident: r.id as string, cause_kind: r.kind as string })).toBeUndefined();
    }
  });
});

describe("the incident selector of the bulk override", () => {
  const PREVIEW = "/api/v1/breakers/bulk-override/preview";

  /** The open incident with the most recovered active keys (the demo's outage half backfilled). */
  async function recoveringIncident(): Promise<string> {
    const { rows } = await listed();
    const candidates = rows.filter((r) => r.status === "open" && (r.recovered_keys as number) > 0).sort((a, b) => (b.recovered_keys as number) - (a.recovered_keys as number));
    expect(candidates.length, "an open incident with recovered keys").toBeGreaterThan(0);
    return candidates[0]!.id as string;
  }

  it("a viewer is 403, an unknown incident 404, keys sent beside the incident 400 — nothing previewed", async () => {
    const id = await recoveringIncident();
    expect((await bulkPreview(post(PREVIEW, { incident: id }, await as("viewer")))).status).toBe(403);
    const unknown = await bulkPreview(post(PREVIEW, { incident: "upstream_gap-2000-01-01-000000" }, await as("operator")));
    expect(unknown.status).toBe(404);
    expect(Object.keys(((await unknown.json()) as Json).fieldErrors as Json)).toEqual(["incident"]);
    const widened = await bulkPreview(post(PREVIEW, { incident: id, entities: ["lebronjames"] }, await as("operator")));
    expect(widened.status).toBe(400);
  });

  it("previews exactly the incident's recovered active keys, which the simulator says have their data back; apply overrides them all", async () => {
    const id = await recoveringIncident();
    const res = await bulkPreview(post(PREVIEW, { incident: id }, await as("operator")));
    expect(res.status).toBe(200);
    const preview = (await res.json()) as { changes: { processor: string; entity_id: string; analysis_date: string }[]; token: string; consequence: string };
    const now = new Date().toISOString();
    const ctx = { now, deployment: getDeployment(), calendar: getSeasonCalendar() };
    const expected = await incidentRecoveredKeys(getWarehouse(), id, ctx);
    expect(preview.changes.length).toBeGreaterThan(0);
    expect(new Set(preview.changes.map(keyOf))).toEqual(new Set(expected.map(keyOf)));
    // An answer computed another way: the simulator recorded which active breakers' data arrived after the trip.
    const truth = new Set(((summary as unknown as { groundTruth: { recovered: { processor: string; entity_id: string; analysis_date: string }[] } }).groundTruth.recovered).map(keyOf));
    for (const k of preview.changes) expect(truth, keyOf(k)).toContain(keyOf(k));
    // What happens next, per breaker reader of the keys' processors.
    expect(preview.consequence).toBe(consequenceOf(getDeployment(), preview.changes.map((c) => c.processor as never)));
    // The incident's page counts the same keys as recovered and active.
    const page = await detail(id);
    expect(page.keys.filter((k) => k.recovered === true && k.state === "active").map((k) => keyOf(k as never)).sort()).toEqual(preview.changes.map(keyOf).sort());

    const applied = await bulkApply(
      post(
        "/api/v1/breakers/bulk-override",
        { filter: { incident: id }, token: preview.token, reason_code: "data_now_available", reason: "Incident recovered: the live recheck finds the data complete", request_id: `req-inc-${Date.now()}` },
        await as("operator"),
      ),
    );
    expect(applied.status).toBe(201);
    const result = (await applied.json()) as { changes: { processor: string; entity_id: string; analysis_date: string }[] };
    expect(new Set(result.changes.map(keyOf))).toEqual(new Set(preview.changes.map(keyOf)));
    // Every one of them is un-tripped now, and the audit holds one bulk override of exactly them.
    const after = await readKeys(getWarehouse(), expected, new Date().toISOString());
    expect(after.keys.filter((k) => k.state.status === "active")).toHaveLength(0);
    const log = (await (await audit(get("/api/v1/audit?action=bulk_override", await as("viewer")))).json()) as { rows: { audit_id: string; key_count: number }[] };
    expect(log.rows).toHaveLength(1);
    expect(log.rows[0]!.key_count).toBe(preview.changes.length);
    // The list shows a record's first keys; all of them are paged at the record's keys.
    const logged: { processor: string; entity_id: string; analysis_date: string }[] = [];
    for (let page = 1; logged.length < log.rows[0]!.key_count; page++) {
      const path = `/api/v1/audit/${log.rows[0]!.audit_id}/keys?page=${page}&page_size=500`;
      const keys = (await (await auditKeys(get(path, await as("viewer")), { params: Promise.resolve({ auditId: log.rows[0]!.audit_id }) })).json()) as { rows: typeof logged };
      expect(keys.rows.length).toBeGreaterThan(0);
      logged.push(...keys.rows);
    }
    expect(logged).toHaveLength(preview.changes.length);
    expect(new Set(logged.map(keyOf))).toEqual(new Set(preview.changes.map(keyOf)));
    // Nothing recovered is left to override in that incident.
    const again = (await (await bulkPreview(post(PREVIEW, { incident: id }, await as("operator")))).json()) as { changes: unknown[] };
    expect(again.changes).toHaveLength(0);
  });
});
