/**
 * `GET /metrics` (app/metrics/route.ts) scraped as Prometheus would, over an in-memory DuckDB
 * that the data layer finds through getWarehouse(), parsed with a strict text-format parser
 * (test/support/prometheus-text.ts), and compared with the monitoring API for the same moment.
 */
import { describe, expect, it, vi } from "vitest";

// Before the route (and lib/env, which parses the environment once) is imported.
const TOKEN = vi.hoisted(() => {
  const token = "metrics-test-token-0123456789abcdef";
  process.env.METRICS_TOKEN = token;
  return token;
});

import { PROCESSORS, getProcessor } from "@/lib/completeness/processors";
import { clearMonitoringCache, getAlerts } from "@/lib/data/monitoring";
import { outputColumns } from "@/lib/engine/run-processor";
import { EXPOSED_SERIES_NAMES, METRIC_FAMILIES } from "@/lib/metrics/registry";
import type { MonitoringRow } from "@/lib/monitoring/schemas";
import { WarehouseError } from "@/lib/warehouse/types";
import { attemptRow, insertAttempts } from "@/test/support/fixtures";
import { type PromFamily, histograms, parsePrometheusText, sampleValue } from "@/test/support/prometheus-text";
import { sessionCookie } from "@/test/support/session";

import { GET as monitoringGET } from "../api/v1/monitoring/[name]/route";
import { GET } from "./route";
import { seededWarehouseForFile } from "@/test/support/console-warehouse";

const AS_OF = "2025-01-15";
const NOW = "2025-01-16T12:00:00.000Z";
const PINNED = `?as_of=${AS_OF}&now=${encodeURIComponent(NOW)}`;

function scrape(query = "", headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<Response> {
  return GET(new Request(`http://localhost:3000/metrics${query}`, { headers }));
}

async function scrapeParsed(query = ""): Promise<Map<string, PromFamily>> {
  const res = await scrape(query);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheusText(await res.text());
}

async function apiHealth(query: string): Promise<{ as_of: string; now: string; rows: MonitoringRow<"health">[] }> {
  const res = await monitoringGET(new Request(`http://localhost:3000/api/v1/monitoring/health${query}`, { headers: { cookie: await sessionCookie("viewer") } }), {
    params: Promise.resolve({ name: "health" }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { as_of: string; now: string; rows: MonitoringRow<"health">[] };
}

const { failQueries } = seededWarehouseForFile(async (wh) => {
  // One row per processor on as_of (80% complete, not ready; UTGC in bootstrap), a second
  // entity ready at 100% for two processors, one tripped key on ml_feature_store_v2 (an alias)
  // and two on player_daily_cache.
  for (const def of PROCESSORS) {
    const entities = def.entityKind === "player" ? ["aaron", "bella"] : ["LAL", "BOS"];
    const rows = entities.slice(0, def.name === "player_daily_cache" || def.name === "team_defense_zone_analysis" ? 2 : 1).map((entity, i) => {
      const pct = i === 0 ? 80 : 100;
      const row: Record<string, unknown> = {
        [def.entityColumn]: entity,
        [def.dateColumn]: AS_OF,
        processed_at: "2025-01-16T04:00:00.000Z",
        completeness_percentage: pct,
        expected_games_count: 10,
        actual_games_count: pct / 10,
        missing_games_count: 10 - pct / 10,
        is_production_ready: pct === 100,
        backfill_bootstrap_mode: def.name === "upcoming_team_game_context",
        processing_decision_reason: pct === 100 ? "processed_successfully" : "skipped_incomplete_upstream_data",
      };
      if (def.name === "player_composite_factors") row.analysis_date = AS_OF;
      for (const w of def.multiWindow ? def.windows : []) {
        row[`${w.id}_completeness_pct`] = pct;
        row[`${w.id}_is_complete`] = pct === 100;
      }
      if (def.multiWindow) row.all_windows_complete = pct === 100;
      return row;
    });
    await wh.insert(def.table, outputColumns(getProcessor(def.name)), rows);
  }
  // Keys dated before health's 7-day window: their skip attempts do not enter its readiness
  // figures (skipped entities count as evaluated there); active at now whatever their date.
  const tripped = (processor_name: string, entity_id: string) =>
    attemptRow({
      processor_name,
      entity_id,
      analysis_date: "2024-12-20",
      attempt_number: 3,
      attempted_at: "2025-01-15T04:00:00.000Z",
      circuit_breaker_tripped: true,
      circuit_breaker_until: "2025-01-22T04:00:00.000Z",
    });
  await insertAttempts(wh, [tripped("ml_feature_store_v2", "aaron"), tripped("player_daily_cache", "aaron"), tripped("player_daily_cache", "bella")]);
});

describe("who may scrape", () => {
  it.each([
    ["no Authorization header", {}],
    ["a wrong token", { authorization: `Bearer ${TOKEN}x` }],
    ["a token of the right length but wrong", { authorization: `Bearer ${"x".repeat(TOKEN.length)}` }],
    ["another scheme", { authorization: `Basic ${TOKEN}` }],
    ["a session instead of the token", { cookie: "next-auth.session-token=whatever" }],
    ["loopback without the token", { "x-forwarded-for": "127.0.0.1", host: "localhost:3000" }],
  ])("401 with %s, exposing nothing", async (_what, headers: Record<string, string>) => {
    const res = await scrape(PINNED, headers);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect(await res.text()).not.toContain("completeness_console_");
  });

  it("400 naming the parameter when as_of is malformed", async () => {
    const res = await scrape("?as_of=2025-02-30");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("as_of");
  });
});

describe("GET /metrics", () => {
  it("exposes exactly the registry's families, each with HELP and TYPE", async () => {
    const families = await scrapeParsed(PINNED);
    expect([...families.keys()].sort()).toEqual(METRIC_FAMILIES.map((m) => m.name).sort());
    for (const m of METRIC_FAMILIES) {
      expect(families.get(m.name)!.type).toBe(m.type);
      expect(families.get(m.name)!.help).toBe(m.help);
    }
    for (const family of families.values()) for (const s of family.samples) expect(EXPOSED_SERIES_NAMES).toContain(s.name);
  });

  it("per-processor gauges equal the monitoring API's health rows for the same as_of and now", async () => {
    const api = await apiHealth(PINNED);
    clearMonitoringCache(); // the scrape reads the warehouse again, not the API's cached result
    const families = await scrapeParsed(PINNED);
    expect(api.rows.map((r) => r.processor)).toEqual(PROCESSORS.map((p) => p.name));
    const gauge = (name: string, processor: string) => sampleValue(families, name, { processor });
    for (const row of api.rows) {
      expect(gauge("completeness_console_production_ready_pct", row.processor)).toBe(row.production_ready_pct ?? undefined);
      expect(gauge("completeness_console_avg_completeness_pct", row.processor)).toBe(row.avg_completeness_pct ?? undefined);
      expect(gauge("completeness_console_records", row.processor)).toBe(row.total_records);
      expect(gauge("completeness_console_active_breakers", row.processor)).toBe(row.active_breakers);
      expect(gauge("completeness_console_bootstrap_records", row.processor)).toBe(row.bootstrap_records);
    }
    // The fixture is not trivial: the numbers differ between processors.
    expect(gauge("completeness_console_production_ready_pct", "player_daily_cache")).toBe(50);
    expect(gauge("completeness_console_avg_completeness_pct", "player_daily_cache")).toBe(90);
    expect(gauge("completeness_console_active_breakers", "player_daily_cache")).toBe(2);
    expect(gauge("completeness_console_active_breakers", "ml_feature_store")).toBe(1);
    expect(gauge("completeness_console_bootstrap_records", "upcoming_team_game_context")).toBe(1);
    expect(sampleValue(families, "completeness_console_data_as_of_timestamp_seconds")).toBe(Date.parse(`${api.as_of}T00:00:00Z`) / 1000);
    expect(sampleValue(families, "completeness_console_data_up")).toBe(1);
    expect(sampleValue(families, "completeness_console_data_stale")).toBe(0);
  });

  it("the trip rate per processor: keys tripped over keys evaluated in the 30 dates ending at as_of, as a ratio", async () => {
    const families = await scrapeParsed(PINNED);
    // By hand: player_daily_cache evaluated aaron and bella on as_of and both on 2024-12-20 (their
    // trips), 2 of 4 keys tripped; ml_feature_store (its alias ml_feature_store_v2) aaron on both
    // dates, 1 of 2; every other processor one or two keys on as_of and no trip.
    for (const def of PROCESSORS) {
      const want = def.name === "player_daily_cache" || def.name === "ml_feature_store" ? 0.5 : 0;
      expect(sampleValue(families, "completeness_console_trip_rate", { processor: def.name }), def.name).toBe(want);
    }
  });

  it("alert states equal the data layer's alerts at the same moment", async () => {
    const families = await scrapeParsed(PINNED);
    const alerts = await getAlerts({ as_of: AS_OF, now: NOW }, { name: "test", role: "viewer", via: "token" });
    const raised = new Set(alerts.alerts.map((a) => a.code));
    expect(raised).toEqual(new Set(["production_ready_low", "avg_completeness_low"])); // 3 breakers: not critical
    for (const [alert, level] of [
      ["active_breakers", "critical"],
      ["production_ready_low", "warning"],
      ["avg_completeness_low", "info"],
    ] as const) {
      expect(sampleValue(families, "completeness_console_alert_active", { alert, level })).toBe(raised.has(alert) ? 1 : 0);
    }
  });

  it("without as_of/now: the same data-as-of date as the API's default", async () => {
    const families = await scrapeParsed();
    const api = await apiHealth("");
    expect(api.as_of).toBe(AS_OF);
    expect(sampleValue(families, "completeness_console_data_as_of_timestamp_seconds")).toBe(Date.parse(`${AS_OF}T00:00:00Z`) / 1000);
    for (const row of api.rows) {
      expect(sampleValue(families, "completeness_console_records", { processor: row.processor })).toBe(row.total_records);
    }
  });

  it("counts HTTP requests and warehouse queries, with valid histograms", async () => {
    await apiHealth(PINNED);
    await scrape(PINNED);
    await scrape("", {});
    const families = await scrapeParsed(PINNED);
    const requests = (route: string, status: string) => sampleValue(families, "completeness_console_http_requests_total", { route, method: "GET", status }) ?? 0;
    expect(requests("/api/v1/monitoring/[name]", "200")).toBeGreaterThanOrEqual(1);
    expect(requests("/metrics", "200")).toBeGreaterThanOrEqual(1);
    expect(requests("/metrics", "401")).toBeGreaterThanOrEqual(1);
    expect(sampleValue(families, "completeness_console_warehouse_queries_total", { label: "health", outcome: "ok" })).toBeGreaterThanOrEqual(1);
    for (const name of ["completeness_console_http_request_duration_seconds", "completeness_console_warehouse_query_duration_seconds"]) {
      const series = histograms(families.get(name)!);
      expect(series.length).toBeGreaterThan(0);
      for (const h of series) expect(h.count).toBeGreaterThan(0);
    }
    const health = histograms(families.get("completeness_console_warehouse_query_duration_seconds")!).find((h) => h.labels.label === "health")!;
    expect(health.count).toBe(sampleValue(families, "completeness_console_warehouse_queries_total", { label: "health", outcome: "ok" }));
  });

  it("still answers 200 with data_up 0 and the counters when the warehouse fails with nothing cached", async () => {
    failQueries(new WarehouseError("The embedded database could not run the query"));
    vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const families = await scrapeParsed(PINNED);
      expect(sampleValue(families, "completeness_console_data_up")).toBe(0);
      expect(families.has("completeness_console_production_ready_pct")).toBe(false);
      expect(families.has("completeness_console_http_requests_total")).toBe(true);
      expect(sampleValue(families, "completeness_console_warehouse_queries_total", { label: "health", outcome: "error" })).toBeGreaterThanOrEqual(1);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
