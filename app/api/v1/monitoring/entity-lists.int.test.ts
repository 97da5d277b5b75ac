/**
 * The entity lists paged in the warehouse — `GET /api/v1/monitoring/<below-threshold|multi-window|bootstrap>`
 * (app/api/v1/monitoring/[name]/route.ts → lib/api/entity-lists.ts) over an in-memory DuckDB
 * seeded with a few hundred rows. Every page is checked against an oracle computed another way:
 * the whole list read by the unpaged monitoring query, then filtered, sorted, faceted and sliced
 * in JS as the panels did before the warehouse paged them.
 */
import { describe, expect, it, vi } from "vitest";

import { PROCESSORS, type ProcessorName, getProcessor } from "@/lib/completeness/processors";
import { outputColumns } from "@/lib/engine/run-processor";
import { type BelowRow, type BootstrapDay, type EntityWindows, windowOrder } from "@/lib/monitoring/entity-lists";
import { type MonitoringRow, monitoringRows } from "@/lib/monitoring/schemas";
import { runMonitoringQuery } from "@/lib/queries/monitoring";
import { WarehouseError, type Warehouse } from "@/lib/warehouse/types";
import { type Comparable, facet, matchesText, sortRows } from "@/components/ui/table-view";
import { chunked } from "@/lib/api/csv-stream";
import { entityListChunks } from "@/lib/data/entity-lists";
import { entityListParams } from "@/lib/monitoring/entity-list-params";
import { seededWarehouseForFile } from "@/test/support/console-warehouse";
import { attemptRow, insertAttempts } from "@/test/support/fixtures";
import { sessionCookie } from "@/test/support/session";

import { GET } from "./[name]/route";

const AS_OF = "2025-01-15";
const NOW = "2025-01-16T12:00:00.000Z";
const AT = `as_of=${AS_OF}&now=${encodeURIComponent(NOW)}`;
/** Bootstrap dates in the season of AS_OF (opening night 2024-10-22). */
const BOOTSTRAP_DATES = ["2024-10-22", "2024-10-23", "2024-10-25", "2024-11-01", "2024-11-10"];
const REASONS = [null, "skipped_incomplete_upstream_data", "below_threshold", "processed_with_gaps"];

/** A deterministic spread of figures: ties, nulls, values above 100. */
const pctOf = (i: number): number | null => (i % 11 === 0 ? null : i % 7 === 0 ? 150 : (i * 37) % 100);

const { wh, failQueries } = seededWarehouseForFile(async (wh) => {
  for (const def of PROCESSORS) {
    const rows: Record<string, unknown>[] = [];
    const entity = (i: number) => (def.entityKind === "player" ? `Player${String(i).padStart(3, "0")}` : `T${String(i).padStart(2, "0")}`);
    for (let i = 0; i < 45; i++) {
      const row: Record<string, unknown> = {
        [def.entityColumn]: entity(i),
        [def.dateColumn]: AS_OF,
        processed_at: "2025-01-16T04:00:00.000Z",
        completeness_percentage: pctOf(i),
        expected_games_count: i % 13 === 0 ? null : 10,
        actual_games_count: i % 13 === 0 ? null : i % 10,
        missing_games_count: i % 13 === 0 ? null : 10 - (i % 10),
        is_production_ready: i % 5 === 0,
        backfill_bootstrap_mode: i % 9 === 0,
        processing_decision_reason: REASONS[i % REASONS.length],
      };
      if (def.name === "player_composite_factors") row.analysis_date = AS_OF;
      if (def.multiWindow) {
        def.windows.forEach((w, k) => {
          row[`${w.id}_completeness_pct`] = (i + k) % 6 === 0 ? null : ((i * 13 + k * 29) % 120);
          row[`${w.id}_is_complete`] = (i + k) % 3 === 0;
        });
        row.all_windows_complete = i % 4 === 0;
      }
      rows.push(row);
    }
    // Bootstrap rows on earlier dates of the season, a different number per processor and date.
    BOOTSTRAP_DATES.forEach((date, d) => {
      for (let i = 0; i < ((d + def.name.length) % 4); i++) {
        const row: Record<string, unknown> = { [def.entityColumn]: entity(100 + i), [def.dateColumn]: date, processed_at: `${date}T04:00:00.000Z`, backfill_bootstrap_mode: true, is_production_ready: false };
        if (def.name === "player_composite_factors") row.analysis_date = date;
        rows.push(row);
      }
    });
    await wh.insert(def.table, outputColumns(getProcessor(def.name)), rows);
  }
  // Skipped entities: only their attempts say they were evaluated (no game counts).
  await insertAttempts(
    wh,
    PROCESSORS.slice(0, 3).flatMap((def, p) =>
      [0, 1, 2].map((i) =>
        attemptRow({ processor_name: def.name, entity_id: `skipped${p}${i}`, analysis_date: AS_OF, attempt_number: 1, attempted_at: "2025-01-16T04:30:00.000Z", event_type: "failure", completeness_pct: i * 10 }),
      ),
    ),
  );
});

async function call(name: string, query = "", role: "viewer" | null = "viewer"): Promise<Response> {
  const headers: Record<string, string> = role ? { cookie: await sessionCookie(role) } : {};
  return GET(new Request(`http://localhost/api/v1/monitoring/${name}?${query}`, { headers }), { params: Promise.resolve({ name }) });
}

async function page<T>(name: string, query: string): Promise<{ rows: T[]; page: number; page_size: number; total: number } & Record<string, unknown>> {
  const res = await call(name, `${AT}&${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as never;
}

/** Every page of a request, read `size` at a time. */
async function everyPage<T>(name: string, query: string, size: number): Promise<T[]> {
  const out: T[] = [];
  for (let p = 1; ; p++) {
    const body = await page<T>(name, `${query}&page=${p}&page_size=${size}`);
    out.push(...body.rows);
    if (p * size >= body.total) return out;
  }
}

const full = <N extends "below-threshold" | "multi-window" | "bootstrap">(name: N) => runMonitoringQuery(wh, name, { as_of: AS_OF, now: NOW });

// ---------------------------------------------------------------------------------------------
// Oracles: the panels' former JS views

function oracleBelow(rows: readonly BelowRow[], f: { processor?: string[]; reason?: string; q?: string; sort: keyof BelowRow; desc: boolean }): BelowRow[] {
  const filtered = rows.filter(
    (r) => (!f.processor?.length || f.processor.includes(r.processor)) && (!f.reason || (r.processing_decision_reason ?? "") === f.reason) && matchesText(r.entity_id, f.q),
  );
  return sortRows(filtered, (r) => r[f.sort] as Comparable, f.desc, [(r) => r.processor, (r) => r.entity_id]);
}

function oracleWindows(rows: readonly MonitoringRow<"multi-window">[], f: { processor?: string[]; q?: string; sort: keyof EntityWindows; desc: boolean }): EntityWindows[] {
  const groups = new Map<string, EntityWindows>();
  for (const r of rows) {
    const id = `${r.processor}|${r.entity_id}|${r.date}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { processor: r.processor, entity_id: r.entity_id, date: r.date, windows: [], incomplete: 0, worst: null }));
    g.windows.push({ window: r.window, completeness_pct: r.completeness_pct, is_complete: r.is_complete });
    if (!r.is_complete) g.incomplete += 1;
    if (r.completeness_pct !== null && (g.worst === null || r.completeness_pct < g.worst)) g.worst = r.completeness_pct;
  }
  for (const g of groups.values()) g.windows.sort((a, b) => windowOrder(a.window) - windowOrder(b.window));
  const selected = [...groups.values()].filter((g) => (!f.processor?.length || f.processor.includes(g.processor)) && matchesText(g.entity_id, f.q));
  return sortRows(selected, (g) => g[f.sort] as Comparable, f.desc, [(g) => g.processor, (g) => g.entity_id]);
}

function oracleBootstrap(rows: readonly MonitoringRow<"bootstrap">[], f: { processor: ProcessorName[]; sort: string; desc: boolean }): BootstrapDay[] {
  const processors = f.processor.length > 0 ? f.processor : PROCESSORS.map((p) => p.name);
  const days = new Map<string, BootstrapDay>();
  for (const r of rows) {
    if (!processors.includes(r.processor as ProcessorName) || r.bootstrap_records <= 0) continue;
    let d = days.get(r.date);
    if (!d) days.set(r.date, (d = { date: r.date, counts: {}, total: 0 }));
    const p = r.processor as ProcessorName;
    d.counts[p] = (d.counts[p] ?? 0) + r.bootstrap_records;
    d.total += r.bootstrap_records;
  }
  const key = (d: BootstrapDay) => (f.sort === "date" ? d.date : f.sort === "total" ? d.total : (d.counts[f.sort as ProcessorName] ?? 0));
  return sortRows([...days.values()], key, f.desc, [(d) => d.date]);
}

// ---------------------------------------------------------------------------------------------

describe("below-threshold", () => {
  it("the seed makes a list worth paging: nulls, ties, skipped entities, several reasons", async () => {
    const rows = await full("below-threshold");
    expect(rows.length).toBeGreaterThan(200);
    expect(rows.some((r) => r.completeness_pct === null)).toBe(true);
    expect(rows.some((r) => r.expected_games === null && r.entity_id.startsWith("skipped"))).toBe(true);
    expect(new Set(rows.map((r) => r.processing_decision_reason)).size).toBeGreaterThan(3);
  });

  it.each([
    ["completeness_pct", false, ""],
    ["completeness_pct", true, ""],
    ["entity_id", true, "&processor=player_daily_cache,ml_feature_store"],
    ["missing_games", false, "&reason=below_threshold"],
    ["processing_decision_reason", true, "&q=PLAYER01"],
    ["expected_games", false, "&q=t0&processor=team_defense_zone_analysis"],
    ["actual_games", true, ""],
    ["processor", false, "&reason=skipped_incomplete_upstream_data&q=1"],
    ["date", false, ""],
  ] as const)("sorted by %s (desc %s)%s: pages that neither overlap nor skip, equal to the JS view", async (sort, desc, filters) => {
    const query = `sort=${sort}&dir=${desc ? "desc" : "asc"}${filters}`;
    const params = new URLSearchParams(filters);
    const expected = oracleBelow(await full("below-threshold"), {
      processor: params.get("processor")?.split(","),
      reason: params.get("reason") ?? undefined,
      q: params.get("q") ?? undefined,
      sort,
      desc,
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(await everyPage<BelowRow>("below-threshold", query, 17)).toEqual(expected);
    const first = await page<BelowRow>("below-threshold", `${query}&page_size=500`);
    expect(first.rows).toEqual(expected);
    expect(first.total).toBe(expected.length);
  });

  it("carries the count before the filters and the processors' and reasons' facets, whatever the filters", async () => {
    const rows = await full("below-threshold");
    const body = await page<BelowRow>("below-threshold", "processor=ml_feature_store&reason=below_threshold&page_size=5");
    expect(body.all).toBe(rows.length);
    expect(body.facets).toEqual({
      processors: facet(rows, (r) => r.processor, "count"),
      reasons: facet(rows, (r) => r.processing_decision_reason, "count"),
    });
    expect(Object.keys(body).sort()).toEqual(["all", "as_of", "facets", "now", "page", "page_size", "rows", "total"]);
    expect(body).toMatchObject({ as_of: AS_OF, now: NOW, page: 1, page_size: 5 });
  });

  it("defaults: page 1 of 100 rows, lowest completeness first", async () => {
    const body = await page<BelowRow>("below-threshold", "");
    expect(body.page).toBe(1);
    expect(body.page_size).toBe(100);
    expect(body.rows).toEqual(oracleBelow(await full("below-threshold"), { sort: "completeness_pct", desc: false }).slice(0, 100));
  });

  it("a page past the last answers no rows with the total; a filter nothing matches answers an empty page", async () => {
    const past = await page<BelowRow>("below-threshold", "page=999&page_size=500");
    expect(past.rows).toEqual([]);
    expect(past.total).toBe((await full("below-threshold")).length);
    const none = await page<BelowRow>("below-threshold", "q=nobody-has-this-id");
    expect(none).toMatchObject({ rows: [], total: 0 });
    expect(none.all).toBeGreaterThan(0);
  });

  it("an entity search is a literal substring: wildcards and quotes match themselves, case aside", async () => {
    const rows = await full("below-threshold");
    for (const q of ["%", "_", "' OR '1'='1", "player%", "PLAYER00", "t0"]) {
      const expected = rows.filter((r) => r.entity_id.toLowerCase().includes(q.toLowerCase())).length;
      expect((await page<BelowRow>("below-threshold", `q=${encodeURIComponent(q)}`)).total, q).toBe(expected);
    }
    expect(rows.filter((r) => r.entity_id.includes("%")).length).toBe(0);
    expect((await page<BelowRow>("below-threshold", "q=%25")).total).toBe(0);
  });
});

describe("multi-window", () => {
  it.each([
    ["worst", false, ""],
    ["worst", true, ""],
    ["incomplete", true, ""],
    ["entity_id", false, "&q=3"],
    ["processor", true, "&processor=upcoming_team_game_context"],
    ["date", false, "&processor=player_daily_cache,upcoming_player_game_context&q=player0"],
  ] as const)("entities sorted by %s (desc %s)%s, with their windows, equal to the JS view", async (sort, desc, filters) => {
    const params = new URLSearchParams(filters);
    const expected = oracleWindows(await full("multi-window"), { processor: params.get("processor")?.split(","), q: params.get("q") ?? undefined, sort, desc });
    expect(expected.length).toBeGreaterThan(0);
    const query = `sort=${sort}&dir=${desc ? "desc" : "asc"}${filters}`;
    expect(await everyPage<EntityWindows>("multi-window", query, 7)).toEqual(expected);
    const body = await page<EntityWindows>("multi-window", `${query}&page_size=500`);
    expect(body.total).toBe(expected.length);
    expect(await page<EntityWindows>("multi-window", `${query}&page=2&page_size=500`)).toMatchObject({ rows: [], total: expected.length, all: body.all });
  });

  it("counts entities, before the filters too", async () => {
    const all = oracleWindows(await full("multi-window"), { sort: "worst", desc: false });
    const body = await page<EntityWindows>("multi-window", "processor=player_daily_cache&page_size=1");
    expect(body.all).toBe(all.length);
    expect(body.total).toBe(all.filter((g) => g.processor === "player_daily_cache").length);
    expect(body.rows).toHaveLength(1);
  });
});

describe("bootstrap", () => {
  it.each([
    ["date", true, ""],
    ["date", false, ""],
    ["total", true, ""],
    ["player_daily_cache", true, ""],
    ["total", false, "&processor=ml_feature_store,team_defense_zone_analysis"],
    // A processor's column the filter left out: every date has 0 there, so dates ascending.
    ["player_daily_cache", true, "&processor=ml_feature_store"],
  ] as const)("dates sorted by %s (desc %s)%s, a column per processor, equal to the JS view", async (sort, desc, filters) => {
    const params = new URLSearchParams(filters);
    const processor = (params.get("processor")?.split(",") ?? []) as ProcessorName[];
    const expected = oracleBootstrap(await full("bootstrap"), { processor, sort, desc });
    expect(expected.length).toBeGreaterThan(2);
    const query = `sort=${sort}&dir=${desc ? "desc" : "asc"}${filters}`;
    expect(await everyPage<BootstrapDay>("bootstrap", query, 2)).toEqual(expected);
    const body = await page<BootstrapDay>("bootstrap", query);
    expect(body.records).toBe(expected.reduce((n, d) => n + d.total, 0));
    // Past the last date: no rows, the same totals.
    expect(await page<BootstrapDay>("bootstrap", `${query}&page=5&page_size=2`)).toMatchObject({ rows: [], total: expected.length, records: body.records });
    expect(body.processors).toEqual(processor.length > 0 ? processor : PROCESSORS.map((p) => p.name));
  });
});

describe("rows", () => {
  it("below-threshold's are the contract's rows; multi-window's entities; bootstrap's dates", async () => {
    const below = await page<Record<string, unknown>>("below-threshold", "page_size=500");
    for (const row of below.rows) expect(Object.keys(row).sort()).toEqual(Object.keys(monitoringRows["below-threshold"].shape).sort());
    const windows = await page<Record<string, unknown>>("multi-window", "page_size=500");
    expect(Object.keys(windows).sort()).toEqual(["all", "as_of", "now", "page", "page_size", "rows", "total"]);
    for (const row of windows.rows) expect(Object.keys(row).sort()).toEqual(["date", "entity_id", "incomplete", "processor", "windows", "worst"]);
    const days = await page<Record<string, unknown>>("bootstrap", "");
    expect(Object.keys(days).sort()).toEqual(["as_of", "now", "page", "page_size", "processors", "records", "rows", "total"]);
    for (const row of days.rows) expect(Object.keys(row).sort()).toEqual(["counts", "date", "total"]);
  });
});

describe("the monitoring reads' cache", () => {
  it("a page is read from the warehouse once per parameters and evaluation point", async () => {
    const spy = vi.spyOn((globalThis as { __completenessWarehouse?: Warehouse }).__completenessWarehouse!, "query");
    try {
      await page("below-threshold", "q=player01&sort=entity_id");
      const reads = spy.mock.calls.length;
      expect(reads).toBeGreaterThan(0);
      await page("below-threshold", "sort=entity_id&q=player01");
      expect(spy.mock.calls.length).toBe(reads);
      await page("below-threshold", "q=player02&sort=entity_id");
      expect(spy.mock.calls.length).toBeGreaterThan(reads);
    } finally {
      spy.mockRestore();
    }
  });

  it("serves the last good page marked stale when the warehouse fails; 503 for a page never read", async () => {
    const good = await page<BelowRow>("below-threshold", "page=2&page_size=10");
    const csvBefore = await call("below-threshold", `${AT}&format=csv`);
    expect(csvBefore.status).toBe(200);
    await csvBefore.text();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 120_000);
    failQueries(new WarehouseError("The embedded database could not run the query", { reason: "secret detail" }));
    vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await call("below-threshold", `${AT}&page=2&page_size=10`);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-data-stale")).toBe("1");
      expect(await res.json()).toEqual(good);
      // The CSV is not started on a failing warehouse (its first read served stale): it would break half-way.
      const download = await call("below-threshold", `${AT}&format=csv`);
      expect(download.status).toBe(503);
      expect(await download.json()).toMatchObject({ ok: false, code: "unavailable" });
      const never = await call("below-threshold", `${AT}&page=3&page_size=10`);
      expect(never.status).toBe(503);
      expect(await never.json()).toEqual({ ok: false, code: "unavailable", error: "The embedded database could not run the query" });
    } finally {
      vi.useRealTimers();
      vi.restoreAllMocks();
    }
  });
});

describe("parameters", () => {
  it.each([
    ["below-threshold", "page=0", "page"],
    ["below-threshold", "page=abc", "page"],
    ["below-threshold", "page_size=501", "page_size"],
    ["multi-window", "page_size=-1", "page_size"],
    ["below-threshold", "sort=completeness_pct;DROP TABLE x", "sort"],
    ["below-threshold", "sort=window", "sort"],
    ["multi-window", "sort=completeness_pct", "sort"],
    ["bootstrap", "sort=entity_id", "sort"],
    ["bootstrap", "dir=sideways", "dir"],
    ["below-threshold", "processor=player_daily_cache,nope", "processor"],
    ["multi-window", `q=${"x".repeat(121)}`, "q"],
    ["below-threshold", "format=xml", "format"],
    ["below-threshold", "outcomes=latest", "outcomes"],
    ["bootstrap", "as_of=2025-02-30", "as_of"],
  ])("%s?%s → 400 naming %s", async (name, query, field) => {
    const res = await call(name, query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { ok: false; error: string; fieldErrors: Record<string, string[]> };
    expect(Object.keys(body.fieldErrors)).toEqual([field]);
    expect(body.error).toContain(field);
  });

  it("page_size 500 is allowed; reads nothing for anonymous callers (401)", async () => {
    expect((await call("bootstrap", `${AT}&page_size=500`)).status).toBe(200);
    const res = await call("below-threshold", AT, null);
    expect(res.status).toBe(401);
  });

  it("filters bind their values: a quote in a reason matches nothing and breaks nothing", async () => {
    const body = await page<BelowRow>("below-threshold", `reason=${encodeURIComponent("x' OR 1=1 --")}`);
    expect(body.total).toBe(0);
    expect(body.all).toBeGreaterThan(0);
  });
});

describe("format=csv", () => {
  async function csv(name: string, query: string): Promise<string[]> {
    const res = await call(name, `${AT}&format=csv&${query}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${name}_${AS_OF}.csv"`);
    return (await res.text()).trimEnd().split("\r\n");
  }

  it("below-threshold: every selected row once, in the list's order, whatever the page asked", async () => {
    const expected = oracleBelow(await full("below-threshold"), { sort: "missing_games", desc: true, processor: ["player_daily_cache", "ml_feature_store", "team_defense_zone_analysis"] });
    const lines = await csv("below-threshold", "sort=missing_games&dir=desc&processor=player_daily_cache,ml_feature_store,team_defense_zone_analysis&page=3&page_size=1");
    expect(lines[0]).toBe("processor,entity_id,date,completeness_pct,expected_games,actual_games,missing_games,processing_decision_reason");
    const field = (v: unknown) => (v === null ? "" : String(v));
    expect(lines.slice(1)).toEqual(
      expected.map((r) => [r.processor, r.entity_id, r.date, r.completeness_pct, r.expected_games, r.actual_games, r.missing_games, r.processing_decision_reason].map(field).join(",")),
    );
  });

  it("multi-window: one row per window of every selected entity", async () => {
    const expected = oracleWindows(await full("multi-window"), { sort: "incomplete", desc: true });
    const lines = await csv("multi-window", "sort=incomplete&dir=desc");
    expect(lines[0]).toBe("processor,entity_id,date,window,completeness_pct,is_complete");
    expect(lines.slice(1)).toEqual(
      expected.flatMap((g) => g.windows.map((w) => [g.processor, g.entity_id, g.date, w.window, w.completeness_pct ?? "", w.is_complete].join(","))),
    );
  });

  it("bootstrap: the dates with a column per selected processor and the total", async () => {
    const expected = oracleBootstrap(await full("bootstrap"), { processor: ["ml_feature_store", "player_daily_cache"], sort: "total", desc: true });
    const lines = await csv("bootstrap", "processor=ml_feature_store,player_daily_cache&sort=total&dir=desc");
    expect(lines).toEqual([
      "date,ml_feature_store,player_daily_cache,total",
      ...expected.map((d) => [d.date, d.counts.ml_feature_store ?? 0, d.counts.player_daily_cache ?? 0, d.total].join(",")),
    ]);
  });

  it.each([7, 60, 1_000])("the warehouse is read a chunk at a time (%i rows): every row once across the chunks' boundaries", async (size) => {
    const params = entityListParams["below-threshold"].parse({ sort: "completeness_pct", dir: "desc" });
    const chunks: (readonly unknown[])[] = [];
    for await (const chunk of chunked(entityListChunks("below-threshold", AS_OF, params), size)) chunks.push(chunk);
    const expected = oracleBelow(await full("below-threshold"), { sort: "completeness_pct", desc: true });
    expect(chunks.flat()).toEqual(expected);
    expect(chunks).toHaveLength(Math.ceil(expected.length / size));
    expect(chunks.every((c) => c.length <= size)).toBe(true);

    const windows = entityListParams["multi-window"].parse({ sort: "entity_id" });
    const entities: unknown[] = [];
    for await (const chunk of chunked(entityListChunks("multi-window", AS_OF, windows), size)) entities.push(...chunk);
    expect(entities).toEqual(oracleWindows(await full("multi-window"), { sort: "entity_id", desc: false }));
  });
});
