/**
 * `GET /api/v1/monitoring/<name>` (app/api/v1/monitoring/[name]/route.ts), called as Next calls
 * it — a Request and a context whose `params` is a Promise — over an in-memory DuckDB that the
 * data layer finds through getWarehouse() (`globalThis.__completenessWarehouse`).
 */
import { describe, expect, it, vi } from "vitest";

import { PROCESSORS, getProcessor } from "@/lib/completeness/processors";
import { outputColumns } from "@/lib/engine/run-processor";
import { isEntityList } from "@/lib/monitoring/entity-lists";
import { MONITORING_QUERY_NAMES, activeBreakerRow, monitoringRows } from "@/lib/monitoring/schemas";
import { WarehouseError } from "@/lib/warehouse/types";
import { attemptRow, insertAttempts } from "@/test/support/fixtures";
import { sessionCookie } from "@/test/support/session";

import { GET } from "./[name]/route";
import { seededWarehouseForFile } from "@/test/support/console-warehouse";

const AS_OF = "2025-01-15";
const NOW = "2025-01-16T12:00:00.000Z";

async function call(name: string, query = "", signedIn = true): Promise<Response> {
  const headers: Record<string, string> = signedIn ? { cookie: await sessionCookie("viewer") } : {};
  return GET(new Request(`http://localhost/api/v1/monitoring/${name}${query}`, { headers }), { params: Promise.resolve({ name }) });
}

const { wh, failQueries } = seededWarehouseForFile(async (wh) => {
  // One row per processor on as_of (PDC incomplete, UTGC in bootstrap), and a tripped key.
  for (const def of PROCESSORS) {
    const entity = def.entityKind === "player" ? "aaron" : "LAL";
    const row: Record<string, unknown> = {
      [def.entityColumn]: entity,
      [def.dateColumn]: AS_OF,
      processed_at: "2025-01-16T04:00:00.000Z",
      completeness_percentage: 80,
      expected_games_count: 10,
      actual_games_count: 8,
      missing_games_count: 2,
      is_production_ready: false,
      backfill_bootstrap_mode: def.name === "upcoming_team_game_context",
      processing_decision_reason: "skipped_incomplete_upstream_data",
    };
    if (def.name === "player_composite_factors") row.analysis_date = AS_OF;
    for (const w of def.multiWindow ? def.windows : []) {
      row[`${w.id}_completeness_pct`] = 80;
      row[`${w.id}_is_complete`] = false;
    }
    if (def.multiWindow) row.all_windows_complete = false;
    await wh.insert(def.table, outputColumns(getProcessor(def.name)), [row]);
  }
  await insertAttempts(wh, [
    attemptRow({ processor_name: "player_shot_zone_analysis", entity_id: "aaron", analysis_date: AS_OF, attempt_number: 1, attempted_at: "2025-01-16T04:00:00.000Z", event_type: "failure" }),
    attemptRow({
      processor_name: "ml_feature_store_v2",
      entity_id: "aaron",
      analysis_date: "2025-01-14",
      attempt_number: 3,
      attempted_at: "2025-01-15T04:00:00.000Z",
      circuit_breaker_tripped: true,
      circuit_breaker_until: "2025-01-22T04:00:00.000Z",
    }),
  ]);
});

describe("authorization", () => {
  it("answers 401 without a session, reading nothing", async () => {
    const res = await call("health", "", false);
    expect(res.status).toBe(401);
  });
});

describe("GET /api/v1/monitoring/<name>", () => {
  // The entity lists answer a page with more beside the rows: entity-lists.int.test.ts.
  it.each(MONITORING_QUERY_NAMES.filter((n) => !isEntityList(n)))("%s: 200 { as_of, now, rows } with exactly the contract's row fields", async (name) => {
    const res = await call(name, `?as_of=${AS_OF}&now=${encodeURIComponent(NOW)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("x-data-read-at")).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const body = (await res.json()) as { as_of: string; now: string; rows: Record<string, unknown>[] };
    // The breaker lists are pages: with the page, its size, the total and the counts beside it.
    const listFields: Record<string, string[]> = {
      "active-breakers": ["all", "facets", "page", "page_size", "safe", "total"],
      "breaker-history": ["all", "facets", "page", "page_size", "total", "total_events"],
    };
    expect(Object.keys(body).sort()).toEqual(["as_of", "now", "rows", ...(listFields[name] ?? [])].sort());
    expect(body.as_of).toBe(AS_OF);
    expect(body.now).toBe(NOW);
    expect(body.rows.length).toBeGreaterThan(0);
    // Active breakers also carry each key's verdict (safe to override now, or what is missing);
    // a history row is a key with its rows.
    const schema = name === "active-breakers" ? activeBreakerRow : monitoringRows[name];
    const fields = Object.keys(schema.shape).sort();
    const rows = name === "breaker-history" ? body.rows.flatMap((k) => k.events as Record<string, unknown>[]) : body.rows;
    if (name === "breaker-history") for (const k of body.rows) expect(Object.keys(k).sort()).toEqual(["analysis_date", "entity_id", "events", "latest", "processor"]);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(fields);
      expect(schema.safeParse(row).success).toBe(true);
    }
  });

  it("spot checks: all seven processors in health, the aliased key as active, windows per entity", async () => {
    const health = (await (await call("health", `?as_of=${AS_OF}&now=${NOW}`)).json()) as { rows: { processor: string; active_breakers: number }[] };
    expect(health.rows.map((r) => r.processor)).toEqual(PROCESSORS.map((p) => p.name));
    expect(health.rows.find((r) => r.processor === "ml_feature_store")!.active_breakers).toBe(1);
    const active = (await (await call("active-breakers", `?as_of=${AS_OF}&now=${NOW}`)).json()) as { rows: { processor: string; hours_remaining: number; verdict: unknown }[] };
    expect(active.rows).toEqual([expect.objectContaining({ processor: "ml_feature_store", hours_remaining: 136 })]); // 01-16T12 → 01-22T04
    // Its verdict was checked (no upstream rows here: its windows' games are missing, or none expected).
    expect(active.rows[0]!.verdict).toMatchObject({ safe: expect.any(Boolean), text: expect.any(String) });
    const windows = (await (await call("multi-window", `?as_of=${AS_OF}&now=${NOW}`)).json()) as { rows: { windows: unknown[] }[] };
    expect(windows.rows.map((r) => r.windows.length).sort()).toEqual([2, 4, 5]); // PDC, UPGC, UTGC windows of one entity each
  });

  it("defaults as_of to the latest date with output and now to the current time", async () => {
    const res = await call("readiness");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { as_of: string; now: string };
    expect(body.as_of).toBe(AS_OF);
    expect(Math.abs(Date.parse(body.now) - Date.now())).toBeLessThan(61_000);
  });

  it.each([
    ["as_of", "?as_of=2025-13-01"],
    ["as_of", "?as_of=2025-02-30"],
    ["as_of", "?as_of=yesterday"],
    ["now", "?now=2025-01-16"],
    ["now", "?now=soon"],
    ["now", `?as_of=${AS_OF}&now=2025-01-16T25:00:00Z`],
  ])("400 naming %s for %s", async (field, query) => {
    const res = await call("health", query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; fieldErrors: Record<string, string[]> };
    expect(Object.keys(body.fieldErrors)).toEqual([field]);
    expect(body.error).toContain(field);
  });

  it("404 for an unknown query name", async () => {
    const res = await call("healthz", `?as_of=${AS_OF}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, code: "not_found", fieldErrors: { name: [expect.any(String)] } });
  });

  it("503 with a safe message when the warehouse fails and nothing was read before", async () => {
    failQueries(new WarehouseError("The embedded database could not run the query", { reason: "secret detail" }));
    vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await call("trends", `?as_of=${AS_OF}&now=${NOW}`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ok: false, code: "unavailable", error: "The embedded database could not run the query" });
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("serves the last good result with X-Data-Stale when the warehouse fails later", async () => {
    const first = await call("trends", `?as_of=${AS_OF}&now=${NOW}`);
    const good = (await first.json()) as unknown;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 120_000);
    failQueries(new WarehouseError("The embedded database could not run the query"));
    vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await call("trends", `?as_of=${AS_OF}&now=${NOW}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-data-stale")).toBe("1");
      expect(await res.json()).toEqual(good);
    } finally {
      vi.useRealTimers();
      vi.restoreAllMocks();
    }
  });
});

describe("outcomes=latest", () => {
  it("adds each listed key's latest override and what it led to, counted; 400 elsewhere", async () => {
    const base = (entity_id: string) => ({ processor_name: "player_daily_cache", entity_id, analysis_date: "2025-01-10" });
    const trip = (entity_id: string, n: number, at: string) =>
      attemptRow({ ...base(entity_id), attempt_number: n, attempted_at: at, event_type: "trip", circuit_breaker_tripped: true, circuit_breaker_until: "2025-01-23T04:00:00.000Z" });
    const override = (entity_id: string, n: number) =>
      attemptRow({ ...base(entity_id), attempt_number: n, attempted_at: "2025-01-15T15:30:00.000Z", event_type: "override", skip_reason: "MANUAL_OVERRIDE", actor: "maria.ops", request_id: `r-${entity_id}` });
    await insertAttempts(wh, [
      // zed: overridden, and its one retry tripped again: active, re-tripped.
      trip("zed", 3, "2025-01-14T04:00:00.000Z"),
      override("zed", 4),
      trip("zed", 5, "2025-01-16T04:00:00.000Z"),
      // yan: overridden, then processed (its output row only, as the original writes it).
      trip("yan", 3, "2025-01-14T04:00:00.000Z"),
      override("yan", 4),
    ]);
    await wh.execute(
      "INSERT INTO nba_precompute.player_daily_cache (player_lookup, cache_date, processed_at, processing_decision_reason) VALUES ('yan', DATE '2025-01-10', TIMESTAMP '2025-01-16 04:00:00', 'processed_successfully')",
    );
    type Body = { rows: { entity_id: string }[]; outcomes: { entity_id: string; outcome: string; actor: string; at: string }[]; outcome_counts: Record<string, number> };
    const active = (await (await call("active-breakers", `?as_of=${AS_OF}&now=${NOW}&outcomes=latest`)).json()) as Body;
    expect(active.rows.map((r) => r.entity_id).sort()).toEqual(["aaron", "zed"]);
    expect(active.outcomes).toEqual([expect.objectContaining({ processor: "player_daily_cache", entity_id: "zed", outcome: "re_tripped", actor: "maria.ops" })]);
    expect(active.outcome_counts).toEqual({ processed: 0, failed_again: 0, re_tripped: 1, pending: 0, removed: 0 });
    const history = (await (await call("breaker-history", `?as_of=${AS_OF}&now=${NOW}&outcomes=latest`)).json()) as Body;
    expect(Object.fromEntries(history.outcomes.map((o) => [o.entity_id, o.outcome]))).toEqual({ zed: "re_tripped", yan: "processed" });
    // Judged at an earlier now: neither had run since its override.
    const earlier = (await (await call("breaker-history", `?as_of=${AS_OF}&now=2025-01-15T20:00:00.000Z&outcomes=latest`)).json()) as Body;
    expect(earlier.outcome_counts).toMatchObject({ pending: 2, processed: 0, re_tripped: 0 });
    // Without the parameter the body has no outcomes.
    expect(Object.keys(await (await call("active-breakers", `?as_of=${AS_OF}&now=${NOW}`)).json())).not.toContain("outcomes");
    for (const query of ["health?outcomes=latest", "active-breakers?outcomes=all"]) {
      const [name, q] = query.split("?");
      const res = await call(name!, `?${q}`);
      expect(res.status).toBe(400);
      expect(Object.keys((await res.json()).fieldErrors)).toEqual(["outcomes"]);
    }
  });
});
