/**
 * The breaker lists paged, sorted and filtered in the warehouse (active_breakers_page.sql,
 * breaker_history_page.sql and their summaries) on a few hundred keys in an in-memory DuckDB,
 * each page checked against the reference answer: the whole list (the unpaged query) filtered,
 * sorted and paged in TypeScript (test/support/breaker-lists.ts). Pages never overlap, cover the
 * list, and the totals and facets are the reference's counts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Warehouse } from "@/lib/warehouse/types";
import {
  type ActiveRefFilters,
  type HistoryRefFilters,
  type HistoryRefSort,
  LISTS_NOW,
  activeFacetsRef,
  breakerListRows,
  selectActiveRef,
  selectHistoryRef,
} from "@/test/support/breaker-lists";
import { insertAttempts, memoryWarehouse } from "@/test/support/fixtures";

import {
  type ActiveSqlSort,
  readActiveBreakersPage,
  readActiveBreakersSummary,
  readBreakerHistoryPage,
  readBreakerHistorySummary,
  readBreakerTrend,
  runMonitoringQuery,
} from "./monitoring";

const CTX = { as_of: "2025-01-15", now: LISTS_NOW };
let wh: Warehouse;

beforeAll(async () => {
  wh = memoryWarehouse();
  await insertAttempts(wh, breakerListRows());
});
afterAll(async () => {
  await wh.close();
});

const ACTIVE_SQL_SORTS: ActiveSqlSort[] = ["processor", "entity_id", "analysis_date", "attempt_number", "completeness_pct", "skip_reason", "tripped_at", "breaker_until"];
const ACTIVE_FILTERS: ActiveRefFilters[] = [
  { processor: [] },
  { processor: ["ml_feature_store", "player_daily_cache"] },
  { processor: [], q: "LEBRON" },
  { processor: [], date: "2025-01-12", reason: "upstream_not_ready" },
  { processor: ["team_defense_zone_analysis"], q: "zz-nothing" },
];

describe("active breakers, a page at a time", () => {
  it("the dataset has enough active keys to page (and the unknown processor is not listed)", async () => {
    const all = await runMonitoringQuery(wh, "active-breakers", CTX);
    expect(all.length).toBeGreaterThan(20);
    expect(all.some((r) => r.processor === "mystery_processor")).toBe(false);
    expect(all.some((r) => r.skip_reason === null)).toBe(true);
    expect(all.some((r) => r.completeness_pct === null)).toBe(true);
  });

  it("every sort, direction and filter: the pages are the reference's pages, and together the whole selection once", async () => {
    const all = await runMonitoringQuery(wh, "active-breakers", CTX);
    for (const filters of ACTIVE_FILTERS) {
      for (const sort of ACTIVE_SQL_SORTS) {
        for (const dir of ["asc", "desc"] as const) {
          const expected = selectActiveRef(all, filters, sort, dir === "desc");
          const size = 7;
          const got = [];
          for (let offset = 0; ; offset += size) {
            const page = await readActiveBreakersPage(wh, LISTS_NOW, filters, { sort, dir }, size, offset);
            expect(page.length).toBeLessThanOrEqual(size);
            got.push(...page);
            if (page.length < size) break;
          }
          const ids = (rows: typeof all) => rows.map((r) => `${r.processor}|${r.entity_id}|${r.analysis_date}`);
          expect(ids(got), `${JSON.stringify(filters)} ${sort} ${dir}`).toEqual(ids(expected));
          expect(got).toEqual(expected);
        }
      }
    }
  });

  it("counts before and after filtering, and the facets, are the reference's", async () => {
    const all = await runMonitoringQuery(wh, "active-breakers", CTX);
    for (const filters of ACTIVE_FILTERS) {
      const summary = await readActiveBreakersSummary(wh, LISTS_NOW, filters);
      expect(summary.all).toBe(all.length);
      expect(summary.selected).toBe(selectActiveRef(all, filters, "processor", false).length);
      const facets = activeFacetsRef(all);
      expect(summary.dates).toEqual(facets.dates);
      expect(summary.reasons).toEqual(facets.reasons);
    }
  });

  it("a page past the end is empty; a filter that selects nothing counts 0", async () => {
    expect(await readActiveBreakersPage(wh, LISTS_NOW, { processor: [] }, { sort: "tripped_at", dir: "desc" }, 50, 100_000)).toEqual([]);
    const none = await readActiveBreakersSummary(wh, LISTS_NOW, { processor: [], q: "zz-nothing" });
    expect(none.selected).toBe(0);
    expect(none.all).toBeGreaterThan(0);
  });

  it("before any row was written (now in the past), the list is empty and counts 0", async () => {
    const then = "2024-06-01T00:00:00.000Z";
    expect(await readActiveBreakersPage(wh, then, { processor: [] }, { sort: "processor", dir: "asc" }, 10, 0)).toEqual([]);
    expect(await readActiveBreakersSummary(wh, then, { processor: [] })).toEqual({ all: 0, selected: 0, dates: [], reasons: [] });
  });
});

const HISTORY_SORTS: HistoryRefSort[] = ["latest", "processor", "entity_id", "analysis_date", "events"];
const HISTORY_FILTERS: HistoryRefFilters[] = [
  { processor: [] },
  { processor: ["player_daily_cache"], event: "trip" },
  { processor: [], q: "lebron", date: "2025-01-14" },
  { processor: [], entity: "stephencurry", event: "override" },
  { processor: ["mystery_processor"] },
  { processor: [], event: "reset", q: "zz-nothing" },
];

describe("breaker history, a page of keys at a time", () => {
  it("every sort, direction and filter: pages of keys with their rows in attempt order, as the reference groups them", async () => {
    const rows = await runMonitoringQuery(wh, "breaker-history", CTX);
    expect(rows.length).toBeGreaterThan(200);
    for (const filters of HISTORY_FILTERS) {
      for (const sort of HISTORY_SORTS) {
        for (const dir of ["asc", "desc"] as const) {
          const expected = selectHistoryRef(rows, filters, sort, dir === "desc");
          const size = 13;
          const got = [];
          for (let offset = 0; ; offset += size) {
            const { keys: page, selected } = await readBreakerHistoryPage(wh, LISTS_NOW, filters, { sort, dir }, size, offset);
            expect(page.length).toBeLessThanOrEqual(size);
            // Every non-empty page carries the totals of the whole selection.
            expect(selected).toEqual(page.length ? { keys: expected.length, events: expected.reduce((n, k) => n + k.events.length, 0) } : null);
            got.push(...page);
            if (page.length < size) break;
          }
          const keyIds = (ks: { processor: string; entity_id: string; analysis_date: string }[]) => ks.map((k) => `${k.processor}|${k.entity_id}|${k.analysis_date}`);
          expect(keyIds(got), `${JSON.stringify(filters)} ${sort} ${dir}`).toEqual(keyIds(expected));
          expect(new Set(keyIds(got)).size).toBe(got.length);
          // Each key's rows: the same rows, in attempt order (rows tied on both instant and number may come either way).
          for (const [i, k] of got.entries()) {
            expect(k.latest).toBe(expected[i]!.latest);
            const order = (e: { attempted_at: string; attempt_number: number }) => `${e.attempted_at}|${String(e.attempt_number).padStart(4, "0")}`;
            expect(k.events.map(order)).toEqual(expected[i]!.events.map(order));
            expect([...k.events].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
              [...expected[i]!.events].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
            );
          }
        }
      }
    }
  });

  it("counts: rows before filtering, and rows per event", async () => {
    const rows = await runMonitoringQuery(wh, "breaker-history", CTX);
    const summary = await readBreakerHistorySummary(wh, LISTS_NOW);
    expect(summary.all).toBe(rows.length);
    const perEvent = new Map<string, number>();
    for (const r of rows) perEvent.set(r.event, (perEvent.get(r.event) ?? 0) + 1);
    expect(Object.fromEntries(summary.eventCounts.map((f) => [f.value, f.count]))).toEqual(Object.fromEntries(perEvent));
    expect(summary.eventCounts.map((f) => f.count)).toEqual([...summary.eventCounts.map((f) => f.count)].sort((a, b) => b - a));
  });

  it("a page past the end is empty and carries no totals", async () => {
    expect(await readBreakerHistoryPage(wh, LISTS_NOW, { processor: [] }, { sort: "latest", dir: "desc" }, 20, 100_000)).toEqual({ keys: [], selected: null });
  });
});

describe("the trends' counts of the history", () => {
  it("trips per processor and analysis date, unaudited overrides and resets per day: the history's rows counted", async () => {
    const rows = await runMonitoringQuery(wh, "breaker-history", CTX);
    const expected = new Map<string, number>();
    for (const r of rows) {
      const id = r.event === "trip" ? `trip|${r.processor}|${r.analysis_date}` : (r.event === "override" || r.event === "reset") && r.actor === null ? `${r.event}||${r.attempted_at.slice(0, 10)}` : null;
      if (id) expected.set(id, (expected.get(id) ?? 0) + 1);
    }
    const got = await readBreakerTrend(wh, LISTS_NOW, 30);
    expect(new Map(got.map((r) => [`${r.event}|${r.processor ?? ""}|${r.date}`, r.n]))).toEqual(expected);
    expect(got.some((r) => r.event === "trip")).toBe(true);
    expect(got.some((r) => r.event === "override")).toBe(true);
  });
});
