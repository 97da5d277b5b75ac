/**
 * The audit paged, sorted and filtered in the warehouse, held to the whole audit read the way the
 * console read it before (every record of the window with all its keys and their outcomes),
 * filtered, sorted and paged here in plain code: the same records on every page, no overlap, the
 * right totals; a write of thousands of keys listed by its first keys, with every key reachable
 * through its keys pages; the streamed CSV byte for byte the CSV the whole audit gave.
 */
import { describe, expect, it } from "vitest";

import { GET as auditRoute } from "@/app/api/v1/audit/route";
import { GET as keysRoute } from "@/app/api/v1/audit/[auditId]/keys/route";
import type { Actor } from "@/lib/auth/session";
import type { KeyChange, KeyStateSummary } from "@/lib/breakers/changes";
import { countOutcomes } from "@/lib/breakers/outcomes";
import { AUDIT_SORTS, type AuditListParams, auditKeysShown, auditListParams } from "@/lib/breakers/schemas";
import { OVERRIDE_SKIP_REASON } from "@/lib/completeness/breaker";
import { PROCESSOR_NAMES } from "@/lib/completeness/processors";
import { type AuditEntry, type AuditKey, AUDIT_CSV_COLUMNS, auditCsvLines, getAuditKeys, listAuditPage } from "@/lib/data/audit";
import { keyString } from "@/lib/engine/breaker-writes";
import { readOverrideOutcomes } from "@/lib/engine/override-outcomes";
import { toCsv } from "@/lib/format";
import { appendAudit, auditLog } from "@/lib/queries/breakers";
import { type Warehouse, WarehouseError } from "@/lib/warehouse/types";
import { ORIGIN, seededWarehouseForFile } from "@/test/support/console-warehouse";
import { attemptRow, insertAttempts } from "@/test/support/fixtures";
import { sessionCookie } from "@/test/support/session";

const VIEWER: Actor = { name: "vic.viewer", role: "viewer", via: "session" };
const WINDOW = { date_from: "2026-11-01", date_to: "2026-11-30" };
const ACTIONS = ["override", "bulk_override", "reset", "pipeline_outcomes", "demo_advance"] as const;
const ACTORS = ["ana.oncall", "bo.admin", "token:nightly"];
const BIG_KEYS = 2_500;

const state = (status: KeyStateSummary["status"], lastEvent: KeyStateSummary["lastEvent"]): KeyStateSummary => ({ status, attemptCount: 3, consecutiveFailures: 3, until: null, lastEvent });

function keyOf(processor: string, i: number, day: number): KeyChange {
  return {
    processor: processor as KeyChange["processor"],
    entity_id: `player${String(i).padStart(5, "0")}`,
    analysis_date: `2026-10-${String(1 + (day % 28)).padStart(2, "0")}`,
    before: state("active", "trip"),
    after: state("closed", "override"),
  };
}

interface Seeded {
  audit_id: string;
  action: string;
  actor: string;
  request_id: string;
  created_at: string;
  keys: KeyChange[];
}

/**
 * 44 records over November: actions, actors and processors in rotation, 0 to 3 keys, pairs at the
 * same instant and twins (ties broken by audit_id), a reason that a spreadsheet would run as a formula, and
 * one bulk override of 2,500 keys. Override keys get override rows with the record's request id,
 * some followed by a failure (failed again) or nothing (pending); some have no row (removed).
 */
const records: Seeded[] = Array.from({ length: 40 }, (_, i) => {
  const action = ACTIONS[i % ACTIONS.length]!;
  const processor = PROCESSOR_NAMES[i % PROCESSOR_NAMES.length]!;
  const requestId = action.startsWith("pipeline_") ? `outcomes:run${i}:${processor}:2026-10-0${1 + (i % 9)}` : `req-${i}`;
  const keyCount = action === "pipeline_outcomes" && i % 3 === 0 ? 0 : 1 + (i % 3);
  return {
    audit_id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    action,
    actor: ACTORS[i % ACTORS.length]!,
    request_id: requestId,
    created_at: `2026-11-${String(2 + Math.floor(i / 2)).padStart(2, "0")}T${i % 4 < 2 ? "10:00:00.000" : `1${i % 7}:30:00.000`}Z`,
    keys: Array.from({ length: keyCount }, (_, j) => keyOf(PROCESSOR_NAMES[(i + j) % PROCESSOR_NAMES.length]!, i * 10 + j, i)),
  };
});
const BIG: Seeded = {
  audit_id: "00000000-0000-4000-8000-999999999999",
  action: "bulk_override",
  actor: "bo.admin",
  request_id: "req-big",
  created_at: "2026-11-15T12:00:00.000Z",
  keys: Array.from({ length: BIG_KEYS }, (_, j) => keyOf(PROCESSOR_NAMES[j % 3]!, 100_000 + j, j)),
};
// Twins: the same instant, actor, action and key count as another record, so every sort has ties (broken by audit_id).
for (const i of [4, 9, 20, 33]) {
  const r = records[i]!;
  records.push({ ...r, audit_id: `00000000-0000-4000-8000-${String(500 + i).padStart(12, "0")}`, request_id: `${r.request_id}-twin`, keys: r.keys.map((k) => ({ ...k, entity_id: `${k.entity_id}t` })) });
}
// A key of characters beyond the Basic Multilingual Plane: JavaScript counts each as two units, the warehouse as one.
records.push({
  audit_id: "00000000-0000-4000-8000-000000000600",
  action: "demo_advance",
  actor: "demo",
  request_id: "demo:2026-11-20",
  created_at: "2026-11-20T07:00:00.000Z",
  keys: [{ ...keyOf("player_daily_cache", 600, 3), entity_id: "\u{1F3C0}".repeat(600) }],
});
records.push(BIG);

async function seed(wh: Warehouse): Promise<void> {
  await wh.insert(
    appendAudit.table,
    appendAudit.types(),
    records.map((r, i) => ({
      audit_id: r.audit_id,
      action: r.action,
      actor: r.actor,
      actor_role: r.actor.startsWith("token:") ? "pipeline" : "operator",
      request_id: r.request_id,
      reason_code: r.action === "override" ? "data_now_available" : null,
      reason: i % 6 === 0 ? `=HYPERLINK("x") record ${i}, "quoted"` : `Record ${i}`,
      key_count: r.keys.length,
      keys_json: JSON.stringify(r.keys),
      created_at: r.created_at,
      request_fingerprint: null,
      removed_rows_json: r.action === "reset" ? JSON.stringify(Array.from({ length: 1 + (i % 4) }, () => ({}))) : null,
      restores_audit_id: null,
    })),
  );
  const rows = records
    .filter((r) => r.action === "override" || r.action === "bulk_override")
    .flatMap((r) =>
      r.keys.flatMap((k, j) => {
        if (j % 5 === 4) return []; // no row: removed
        const base = { processor_name: k.processor, entity_id: k.entity_id, analysis_date: k.analysis_date };
        const override = attemptRow({ ...base, attempt_number: 1, attempted_at: r.created_at, skip_reason: OVERRIDE_SKIP_REASON, event_type: "override", request_id: r.request_id, actor: r.actor });
        const later = attemptRow({ ...base, attempt_number: 2, attempted_at: r.created_at.replace(/:00\.000Z$/, ":30.000Z"), event_type: "failure" });
        return j % 2 === 0 ? [override, later] : [override];
      }),
    );
  await insertAttempts(wh, rows);
}

const { wh, failQueries } = seededWarehouseForFile(seed);

/** The whole audit of the window as the console read it before paging: every record with all its keys and outcomes. */
async function wholeAudit(): Promise<AuditEntry[]> {
  const rows = await auditLog.run(wh, { created_from: "2026-11-01T00:00:00.000Z", created_to: "2026-12-01T00:00:00.000Z", actor: "", action: "", processor: "" });
  const entries = rows.map(({ keys_json, removed_rows_json, ...row }) => ({
    ...row,
    keys: JSON.parse(keys_json) as KeyChange[],
    rows_removed: removed_rows_json === null ? null : (JSON.parse(removed_rows_json) as unknown[]).length,
  }));
  const overrideKeys = entries.filter((e) => e.action === "override" || e.action === "bulk_override").flatMap((e) => e.keys);
  const outcomes = await readOverrideOutcomes(wh, overrideKeys, new Date().toISOString());
  return entries.map((e) => {
    if (e.action !== "override" && e.action !== "bulk_override") return { ...e, keys_truncated: false, outcome_counts: null };
    const keys = e.keys.map((k): AuditKey => {
      const row = outcomes.get(keyString(k))?.find((o) => o.request_id === e.request_id);
      return { ...k, outcome: row?.outcome ?? "removed", outcome_decided_at: row?.decided_at ?? null };
    });
    return { ...e, keys, keys_truncated: false, outcome_counts: countOutcomes(keys.map((k) => k.outcome)) };
  });
}

/** The whole audit filtered and sorted in plain code. */
function selected(all: readonly AuditEntry[], p: AuditListParams): AuditEntry[] {
  const day = (e: AuditEntry) => e.created_at.slice(0, 10);
  const rows = all.filter(
    (e) =>
      (!p.actor || e.actor === p.actor) &&
      (!p.action || e.action === p.action) &&
      (!p.processor || e.keys.some((k) => k.processor === p.processor) || (e.action.startsWith("pipeline_") && new RegExp(`:${p.processor}:\\d{4}-\\d\\d-\\d\\d$`).test(e.request_id))) &&
      (!p.date_from || day(e) >= p.date_from) &&
      (!p.date_to || day(e) <= p.date_to),
  );
  const sign = p.dir === "asc" ? 1 : -1;
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return rows.sort((a, b) => sign * (cmp(a[p.sort], b[p.sort]) || cmp(Date.parse(a.created_at), Date.parse(b.created_at)) || cmp(a.audit_id, b.audit_id)));
}

/** The old CSV of a list of whole records, exactly as the console built it in memory. */
function oldAuditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.flatMap((e) => (e.keys.length ? e.keys.map((k): { e: AuditEntry; k?: AuditKey } => ({ e, k })) : [{ e }]));
  return toCsv(
    [
      { header: "created_at", value: (r) => r.e.created_at },
      { header: "action", value: (r) => r.e.action },
      { header: "actor", value: (r) => r.e.actor },
      { header: "role", value: (r) => r.e.actor_role },
      { header: "reason_code", value: (r) => r.e.reason_code },
      { header: "reason", value: (r) => r.e.reason },
      { header: "processor", value: (r) => r.k?.processor ?? null },
      { header: "entity_id", value: (r) => r.k?.entity_id ?? null },
      { header: "analysis_date", value: (r) => r.k?.analysis_date ?? null },
      { header: "before", value: (r) => r.k?.before.status ?? null },
      { header: "after", value: (r) => r.k?.after.status ?? null },
      { header: "outcome", value: (r) => r.k?.outcome ?? null },
      { header: "outcome_decided_at", value: (r) => r.k?.outcome_decided_at ?? null },
      { header: "request_id", value: (r) => r.e.request_id },
      { header: "rows_removed", value: (r) => r.e.rows_removed },
    ],
    rows,
  );
}

const params = (raw: Record<string, string>) => auditListParams.parse({ ...WINDOW, ...raw });

/** What a page shows of a whole record: its first keys, whether there are more, its counts. */
function asListed(e: AuditEntry, keysShown: number): AuditEntry {
  return { ...e, keys: e.keys.slice(0, keysShown), keys_truncated: e.keys.length > keysShown };
}

const FILTERS: Record<string, string>[] = [{}, { actor: "bo.admin" }, { action: "bulk_override" }, { processor: "player_daily_cache" }, { processor: "ml_feature_store" }, { date_from: "2026-11-10", date_to: "2026-11-12" }];

describe("the audit paged in the warehouse", () => {
  it("equals the whole audit filtered, sorted and paged, for every sort, direction and filter: pages tile the selection", async () => {
    const all = await wholeAudit();
    expect(all).toHaveLength(records.length);
    for (const filter of FILTERS) {
      for (const sort of AUDIT_SORTS) {
        for (const dir of ["asc", "desc"]) {
          const expected = selected(all, params({ ...filter, sort, dir }));
          const seen: AuditEntry[] = [];
          for (let page = 1; page <= Math.ceil(expected.length / 7) + 1; page++) {
            const got = await listAuditPage(params({ ...filter, sort, dir, page: String(page), page_size: "7" }), VIEWER);
            expect(got.total, `${JSON.stringify(filter)} ${sort} ${dir}`).toBe(expected.length);
            expect(got.rows.length).toBe(Math.max(0, Math.min(7, expected.length - (page - 1) * 7)));
            seen.push(...got.rows);
          }
          expect(seen.map((e) => e.audit_id), `${JSON.stringify(filter)} ${sort} ${dir}`).toEqual(expected.map((e) => e.audit_id));
          expect(seen).toEqual(expected.map((e) => asListed(e, auditKeysShown(7))));
        }
      }
    }
  });

  it("lists a write of thousands of keys by its first keys, counting every key's outcome, and pages every key at its record", async () => {
    const all = await wholeAudit();
    const whole = all.find((e) => e.audit_id === BIG.audit_id)!;
    const page = await listAuditPage(params({ action: "bulk_override", page_size: "500" }), VIEWER);
    const listed = page.rows.find((e) => e.audit_id === BIG.audit_id)!;
    expect(page.keys_shown).toBe(2);
    expect(listed).toMatchObject({ key_count: BIG_KEYS, keys_truncated: true });
    expect(listed.keys).toEqual(whole.keys.slice(0, 2));
    expect(listed.outcome_counts).toEqual(whole.outcome_counts);
    // The counts are all 2,500 keys': a fifth have no override row, half of the rest failed again.
    expect(listed.outcome_counts).toEqual(countOutcomes(BIG.keys.map((_, j) => (j % 5 === 4 ? "removed" : j % 2 === 0 ? "failed_again" : "pending"))));
    expect(JSON.stringify(page).length).toBeLessThan(250_000);

    const keys: AuditKey[] = [];
    for (let p = 1; p <= 6; p++) {
      const got = (await getAuditKeys(BIG.audit_id, { page: p, page_size: 500 }, VIEWER))!;
      expect(got).toMatchObject({ total: BIG_KEYS, page: p, record: { audit_id: BIG.audit_id, key_count: BIG_KEYS } });
      keys.push(...got.rows);
    }
    expect(keys).toEqual(whole.keys);
    expect(await getAuditKeys("00000000-0000-4000-8000-000000000123", { page: 1, page_size: 10 }, VIEWER)).toBeNull();
  });

  it("streams the CSV byte for byte as the whole audit's, chunk edges inside records and inside the big record's keys", async () => {
    const all = await wholeAudit();
    const filters: Record<string, string>[] = [{}, { action: "bulk_override" }, { processor: "player_daily_cache", sort: "actor", dir: "asc" }];
    for (const filter of filters) {
      const p = params(filter);
      const expected = oldAuditCsv(selected(all, p));
      const lines = await auditCsvLines(p, VIEWER, { records: 3, headChars: 700, outcomeKeys: 900, pieceChars: 50_000 });
      const { csvStreamResponse } = await import("@/lib/api/csv-stream");
      expect(await csvStreamResponse("a.csv", AUDIT_CSV_COLUMNS, lines).text()).toBe(expected);
    }
    // The route streams the same bytes with its own chunks.
    const res = await auditRoute(new Request(`${ORIGIN}/api/v1/audit?date_from=2026-11-01&date_to=2026-11-30&format=csv&page_size=2`, { headers: { cookie: await sessionCookie("viewer") } }));
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(await res.text()).toBe(oldAuditCsv(selected(all, params({}))));
  });
});

describe("GET /api/v1/audit and its keys", () => {
  async function keysCall(path: string, role: "viewer" | null) {
    const auditId = path.split("/")[4]!;
    return keysRoute(new Request(`${ORIGIN}${path}`, { headers: role ? { cookie: await sessionCookie(role) } : {} }), { params: Promise.resolve({ auditId }) });
  }
  async function get(path: string, role: "viewer" | null = "viewer") {
    if (path.includes("/keys")) return keysCall(path, role);
    return auditRoute(new Request(`${ORIGIN}${path}`, { headers: role ? { cookie: await sessionCookie(role) } : {} }));
  }

  it("answers a page with its total; 400 naming the field for bad paging, sorting and filters; 401 anonymous; 503 when the warehouse fails", async () => {
    const ok = await get("/api/v1/audit?date_from=2026-11-01&date_to=2026-11-30&page=2&page_size=10&sort=key_count&dir=asc");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ page: 2, page_size: 10, total: records.length, keys_shown: 20 });
    for (const [query, field] of [
      ["page=0", "page"],
      ["page_size=501", "page_size"],
      ["page_size=ten", "page_size"],
      ["sort=reason", "sort"],
      ["dir=up", "dir"],
      ["action=delete", "action"],
      ["date_from=2026-13-01", "date_from"],
      ["colour=red", "body"],
      ["format=xml", "format"],
    ]) {
      const res = await get(`/api/v1/audit?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { code: string; fieldErrors: Record<string, string[]> };
      expect(body.code, query).toBe("invalid");
      expect(Object.keys(body.fieldErrors), query).toContain(field);
    }
    expect((await get("/api/v1/audit", null)).status).toBe(401);
    // A warehouse that fails is a refusal with a status, also for the CSV (its first chunk is read before it answers).
    failQueries(new WarehouseError("The embedded database could not run the query", { reason: "test" }));
    for (const path of ["/api/v1/audit?format=csv", "/api/v1/audit"]) {
      const failed = await get(path);
      expect(failed.status, path).toBe(503);
      // The read failed, not the sign-in check.
      expect(((await failed.json()) as { error: string }).error, path).toBe("The embedded database could not run the query");
    }
    expect((await get("/api/v1/audit?format=csv", null)).status).toBe(401);
  });

  it("pages one record's keys; 400 for a malformed id or page, 404 for an unknown record, 401 anonymous", async () => {
    const res = await get(`/api/v1/audit/${BIG.audit_id}/keys?page=3&page_size=100`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: KeyChange[]; total: number };
    expect(body.total).toBe(BIG_KEYS);
    expect(body.rows.map((k) => k.entity_id)).toEqual(BIG.keys.slice(200, 300).map((k) => k.entity_id));
    expect((await get("/api/v1/audit/not-an-id/keys")).status).toBe(400);
    const bad = await get(`/api/v1/audit/${BIG.audit_id}/keys?page_size=9999`);
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as { fieldErrors: object }).fieldErrors)).toEqual(["page_size"]);
    expect((await get("/api/v1/audit/00000000-0000-4000-8000-000000000777/keys")).status).toBe(404);
    expect((await keysCall(`/api/v1/audit/${BIG.audit_id}/keys`, null)).status).toBe(401);
  });
});
