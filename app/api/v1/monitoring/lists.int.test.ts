/**
 * The breaker lists through `GET /api/v1/monitoring/active-breakers` and `…/breaker-history`
 * (paged, sorted and filtered in the warehouse), on a few hundred keys: every page is the
 * reference's page (the whole list filtered, sorted and paged in TypeScript,
 * test/support/breaker-lists.ts), the counts and facets are the reference's, bad parameters are
 * refused naming the field, and the CSV holds every selected row exactly once, in order.
 */
import { describe, expect, it } from "vitest";

import type { Actor } from "@/lib/auth/session";
import { MAX_PAGE_SIZE } from "@/lib/paging";
import { breakerHistoryRows } from "@/lib/data/monitoring";
import { activeBreakerRows, getActiveBreakers } from "@/lib/data/verdicts";
import { verdictRank } from "@/lib/completeness/verdict";
import { sortRows } from "@/components/ui/table-view";
import { csvField } from "@/lib/format";
import {
  ACTIVE_CSV_COLUMNS,
  ACTIVE_MAX_PAGE_SIZE,
  type ActiveBreakersPage,
  type BreakerHistoryPage,
  HISTORY_CSV_COLUMNS,
  HISTORY_MAX_PAGE_SIZE,
} from "@/lib/monitoring/lists";
import { runMonitoringQuery } from "@/lib/queries/monitoring";
import { LISTS_NOW, activeFacetsRef, breakerListRows, selectActiveRef, selectHistoryRef } from "@/test/support/breaker-lists";
import { seededWarehouseForFile } from "@/test/support/console-warehouse";
import { insertAttempts } from "@/test/support/fixtures";
import { sessionCookie } from "@/test/support/session";

import { GET } from "./[name]/route";

const AS_OF = "2025-01-15";
const CTX = { as_of: AS_OF, now: LISTS_NOW };
const AT = `as_of=${AS_OF}&now=${encodeURIComponent(LISTS_NOW)}`;

async function call(name: string, query: string, cookie: string | null = "viewer"): Promise<Response> {
  const headers: Record<string, string> = cookie ? { cookie: await sessionCookie(cookie as "viewer") } : {};
  return GET(new Request(`http://localhost/api/v1/monitoring/${name}?${AT}&${query}`, { headers }), { params: Promise.resolve({ name }) });
}

const { wh } = seededWarehouseForFile(async (wh) => {
  await insertAttempts(wh, breakerListRows());
});

const VIEWER: Actor = { name: "vera.viewer", role: "viewer", via: "session" };
const keyId = (k: { processor: string; entity_id: string; analysis_date: string }) => `${k.processor}|${k.entity_id}|${k.analysis_date}`;

describe("active-breakers, a page", () => {
  it("the default page: 100 rows at most, in the default order (latest trips first), with the counts and facets of the whole list", async () => {
    const all = await runMonitoringQuery(wh, "active-breakers", CTX);
    const res = await call("active-breakers", "");
    expect(res.status).toBe(200);
    const body = (await res.json()) as ActiveBreakersPage;
    const expected = selectActiveRef(all, { processor: [] }, "tripped_at", true);
    expect(body.rows.map(keyId)).toEqual(expected.slice(0, 100).map(keyId));
    expect(body).toMatchObject({ page: 1, page_size: 100, total: all.length, all: all.length });
    expect(body.facets).toEqual(activeFacetsRef(all));
    // Each row's verdict is the one the whole list's read gives its key; the safe count is over every active key.
    const whole = await getActiveBreakers(CTX, VIEWER);
    const verdicts = new Map(whole.rows.map((r) => [keyId(r), r.verdict]));
    expect(body.rows.map((r) => r.verdict)).toEqual(body.rows.map((r) => verdicts.get(keyId(r))));
    expect(body.safe).toBe(whole.rows.filter((r) => r.verdict?.safe).length);
  });

  it("filters (processor repeated and comma-separated, date, reason, q) and every page of a sort cover the selection once", async () => {
    const all = await runMonitoringQuery(wh, "active-breakers", CTX);
    const filters = { processor: ["player_daily_cache", "ml_feature_store", "player_shot_zone_analysis"], q: "a" };
    const expected = selectActiveRef(all, filters, "completeness_pct", false);
    expect(expected.length).toBeGreaterThan(6);
    const got: string[] = [];
    for (let page = 1; page <= 20; page++) {
      const body = (await (await call("active-breakers", `processor=player_daily_cache,ml_feature_store_v2&processor=player_shot_zone_analysis&q=A&sort=completeness_pct&dir=asc&page_size=4&page=${page}`)).json()) as ActiveBreakersPage;
      expect(body.total).toBe(expected.length);
      if (body.rows.length === 0) break;
      got.push(...body.rows.map(keyId));
    }
    expect(got).toEqual(expected.map(keyId));
  });

  it("sorted and filtered by verdict: the page is cut on the server from every selected key, as the whole list sorts and filters them", async () => {
    const whole = await getActiveBreakers(CTX, VIEWER);
    const everything = (await (await call("active-breakers", `page_size=${MAX_PAGE_SIZE}`)).json()) as ActiveBreakersPage;
    expect(everything.total).toBe(whole.rows.length);
    for (const safe of ["yes", "no"] as const) {
      const expected = whole.rows.filter((r) => r.verdict !== null && r.verdict.safe === (safe === "yes"));
      const body = (await (await call("active-breakers", `safe=${safe}&page_size=500`)).json()) as ActiveBreakersPage;
      expect(body.rows.map(keyId).sort()).toEqual(expected.map(keyId).sort());
      expect(body.total).toBe(expected.length);
    }
    for (const dir of ["asc", "desc"] as const) {
      const expected = sortRows(whole.rows, (r) => (r.verdict ? verdictRank(r.verdict) : null), dir === "desc", [(r) => r.processor, (r) => r.entity_id, (r) => r.analysis_date]);
      const got: string[] = [];
      for (let page = 1; page <= Math.ceil(expected.length / 6); page++) {
        const body = (await (await call("active-breakers", `sort=verdict&dir=${dir}&page_size=6&page=${page}`)).json()) as ActiveBreakersPage;
        expect(body.total).toBe(expected.length);
        got.push(...body.rows.map(keyId));
      }
      expect(got).toEqual(expected.map(keyId));
    }
  });

  it("a page past the end answers no rows and the total; page_size 500 is answered with the list's largest page, which the response names", async () => {
    const past = (await (await call("active-breakers", "page=999&page_size=500")).json()) as ActiveBreakersPage;
    expect(past.rows).toEqual([]);
    expect(past.page).toBe(999);
    expect(past.total).toBeGreaterThan(0);
    expect(past.page_size).toBe(ACTIVE_MAX_PAGE_SIZE);
    const history = (await (await call("breaker-history", "page_size=500")).json()) as BreakerHistoryPage;
    expect(history.page_size).toBe(HISTORY_MAX_PAGE_SIZE);
    expect(history.rows.length).toBe(Math.min(HISTORY_MAX_PAGE_SIZE, history.total));
  });
});

describe("breaker-history, a page of keys", () => {
  it("the default page: keys by latest event, each with its rows in attempt order; the counts of the whole window", async () => {
    const rows = await runMonitoringQuery(wh, "breaker-history", CTX);
    const body = (await (await call("breaker-history", "page_size=20&page=2")).json()) as BreakerHistoryPage;
    const expected = selectHistoryRef(rows, { processor: [] }, "latest", true);
    expect(body.rows.map(keyId)).toEqual(expected.slice(20, 40).map(keyId));
    expect(body.rows.map((k) => k.events.length)).toEqual(expected.slice(20, 40).map((k) => k.events.length));
    expect(body).toMatchObject({ page: 2, page_size: 20, total: expected.length, all: rows.length, total_events: rows.length });
    expect(body.facets.events.reduce((n, f) => n + f.count, 0)).toBe(rows.length);
  });

  it("filters: event, entity, date, processor alias", async () => {
    const rows = await runMonitoringQuery(wh, "breaker-history", CTX);
    const filters = { processor: ["ml_feature_store"], event: "trip", date: "2025-01-14" };
    const expected = selectHistoryRef(rows, filters, "events", true);
    const body = (await (await call("breaker-history", "processor=ml_feature_store_v2&event=trip&date=2025-01-14&sort=events&dir=desc&page_size=500")).json()) as BreakerHistoryPage;
    expect(body.rows.map(keyId)).toEqual(expected.map(keyId));
    expect(body.total_events).toBe(expected.reduce((n, k) => n + k.events.length, 0));
  });
});

describe("breaker-history?view=trend", () => {
  it("answers the trends' counts, not rows: trips per processor and date add up to the window's trip rows", async () => {
    const rows = await runMonitoringQuery(wh, "breaker-history", CTX);
    const res = await call("breaker-history", "view=trend&from=2025-01-01");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { since: string; now: string; rows: { event: string; n: number }[] };
    expect(body.now).toBe(LISTS_NOW);
    expect(body.since).toBe("2024-12-17T12:00:00.000Z");
    expect(body.rows.filter((r) => r.event === "trip").reduce((n, r) => n + r.n, 0)).toBe(rows.filter((r) => r.event === "trip").length);
  });
});

describe("refusals", () => {
  it.each([
    ["active-breakers", "page=0", "page"],
    ["active-breakers", "page=x", "page"],
    ["active-breakers", "page_size=501", "page_size"],
    ["active-breakers", "sort=latest", "sort"],
    ["active-breakers", "dir=up", "dir"],
    ["active-breakers", "processor=nope", "processor"],
    ["active-breakers", "date=2025-02-30", "date"],
    ["active-breakers", "safe=maybe", "safe"],
    ["active-breakers", "format=xml", "format"],
    ["breaker-history", "sort=verdict", "sort"],
    ["breaker-history", "event=explosion", "event"],
    ["breaker-history", "safe=yes", "safe"],
    ["health", "format=csv", "format"],
    ["active-breakers", "view=trend&from=2025-01-01", "view"],
    ["breaker-history", "view=trend", "from"],
    ["breaker-history", "view=trend&from=2025-02-30", "from"],
  ])("%s?%s: 400 naming %s", async (name, query, field) => {
    const res = await call(name, query);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { ok: false; error: string; fieldErrors: Record<string, string[]> };
    expect(Object.keys(body.fieldErrors)).toEqual([field]);
    expect(body.error).toContain(field);
  });

  it("401 without a session, for the page and the CSV", async () => {
    for (const query of ["", "format=csv"]) {
      expect((await call("active-breakers", query, null)).status).toBe(401);
      expect((await call("breaker-history", query, null)).status).toBe(401);
    }
  });
});

/** A CSV text's lines (no field here holds a line break). */
const lines = (text: string) => text.split("\r\n").filter(Boolean);

describe("format=csv", () => {
  it("history: every row of the selected keys once, in the list's order, with the panel's columns", async () => {
    const rows = await runMonitoringQuery(wh, "breaker-history", CTX);
    const res = await call("breaker-history", "q=lebron&sort=analysis_date&dir=asc&format=csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toContain(`breaker-history_${LISTS_NOW.slice(0, 10)}.csv`);
    const expected = selectHistoryRef(rows, { processor: [], q: "lebron" }, "analysis_date", false).flatMap((k) => k.events);
    const got = lines(await res.text());
    expect(got[0]).toBe(HISTORY_CSV_COLUMNS.map((c) => c.header).join(","));
    expect(got.length - 1).toBe(expected.length);
    expect(new Set(got.slice(1)).size).toBe(got.length - 1);
    const asCsv = (r: (typeof expected)[number]) => HISTORY_CSV_COLUMNS.map((c) => csvField(c.value(r))).join(",");
    expect([...got.slice(1)].sort()).toEqual(expected.map(asCsv).sort());
  });

  it("across chunk boundaries (7 keys, 5 active rows a chunk): every row exactly once, in order", async () => {
    const rows = await runMonitoringQuery(wh, "breaker-history", CTX);
    const expectedKeys = selectHistoryRef(rows, { processor: [] }, "latest", true);
    const chunks: string[][] = [];
    for await (const chunk of breakerHistoryRows({ processor: [], entity: undefined, q: undefined, sort: "latest", dir: "desc" }, { now: LISTS_NOW }, VIEWER, 7)) {
      chunks.push(chunk.map((r) => keyId(r)));
    }
    expect(chunks.length).toBe(Math.ceil(expectedKeys.length / 7));
    expect(chunks.flat()).toEqual(expectedKeys.flatMap((k) => k.events.map(() => keyId(k))));

    const active = await runMonitoringQuery(wh, "active-breakers", CTX);
    const got: string[] = [];
    let count = 0;
    for await (const chunk of activeBreakerRows({ processor: [], reason: undefined, q: undefined, sort: "entity_id", dir: "desc" }, CTX, VIEWER, 5)) {
      expect(chunk.length).toBeLessThanOrEqual(5);
      count += 1;
      got.push(...chunk.map(keyId));
    }
    expect(count).toBe(Math.ceil(active.length / 5));
    expect(got).toEqual(selectActiveRef(active, { processor: [] }, "entity_id", true).map(keyId));
  });

  it("active: every selected key with its verdict, the panel's columns", async () => {
    const active = await runMonitoringQuery(wh, "active-breakers", CTX);
    const res = await call("active-breakers", "format=csv&processor=player_daily_cache");
    expect(res.status).toBe(200);
    const got = lines(await res.text());
    expect(got[0]).toBe(ACTIVE_CSV_COLUMNS.map((c) => c.header).join(","));
    const expected = selectActiveRef(active, { processor: ["player_daily_cache"] }, "tripped_at", true);
    expect(got.slice(1).map((l) => l.split(",").slice(0, 3).join("|"))).toEqual(expected.map(keyId));
  });
});
