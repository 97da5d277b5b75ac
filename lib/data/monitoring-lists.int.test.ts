/**
 * The breaker lists' pages through the data layer's cache: a repeated request is answered from
 * the cache (no warehouse query), while requests differing only in a filter, the sort or the
 * page are separate entries (each its own answer, never another request's), and a write drops
 * them all.
 */
import { describe, expect, it } from "vitest";

import type { Actor } from "@/lib/auth/session";
import { noteWrite } from "@/lib/engine/data-version";
import { historyListSchema } from "@/lib/monitoring/lists";
import type { Warehouse } from "@/lib/warehouse/types";
import { LISTS_NOW, breakerListRows } from "@/test/support/breaker-lists";
import { seededWarehouseForFile } from "@/test/support/console-warehouse";
import { countingWarehouse, insertAttempts } from "@/test/support/fixtures";

import { getBreakerHistoryPage } from "./monitoring";

const VIEWER: Actor = { name: "vera.viewer", role: "viewer", via: "session" };
const AT = { as_of: "2025-01-15", now: LISTS_NOW };
const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };

const { wh } = seededWarehouseForFile(async (wh) => {
  await insertAttempts(wh, breakerListRows());
});

const query = (raw: Record<string, unknown>) => historyListSchema.parse({ processor: [], ...raw });

describe("the history's pages in the monitoring cache", () => {
  it("a repeated page is a cache hit; another filter, sort or page is its own entry; a write drops them", async () => {
    const counting = countingWarehouse(wh);
    holder.__completenessWarehouse = counting.wh;
    const first = await getBreakerHistoryPage(query({ page_size: "10" }), AT, VIEWER);
    const reads = counting.counts.query;
    expect(reads).toBeGreaterThan(0);
    expect(await getBreakerHistoryPage(query({ page_size: "10" }), AT, VIEWER)).toEqual(first);
    expect(counting.counts.query).toBe(reads);

    const second = await getBreakerHistoryPage(query({ page_size: "10", page: "2" }), AT, VIEWER);
    const filtered = await getBreakerHistoryPage(query({ page_size: "10", event: "trip" }), AT, VIEWER);
    const sorted = await getBreakerHistoryPage(query({ page_size: "10", sort: "entity_id", dir: "asc" }), AT, VIEWER);
    expect(counting.counts.query).toBe(reads * 4);
    const ids = (page: typeof first) => page.rows.map((k) => `${k.processor}|${k.entity_id}|${k.analysis_date}`);
    expect(ids(second)).not.toEqual(ids(first));
    expect(filtered.total).toBeLessThan(first.total);
    expect(filtered.rows.every((k) => k.events.some((e) => e.event === "trip"))).toBe(true);
    expect(ids(sorted)).not.toEqual(ids(first));

    noteWrite();
    await getBreakerHistoryPage(query({ page_size: "10" }), AT, VIEWER);
    expect(counting.counts.query).toBe(reads * 5);
  });

  it("a page past the last one is empty and still counts the selection", async () => {
    holder.__completenessWarehouse = wh;
    const first = await getBreakerHistoryPage(query({ page_size: "10", event: "trip" }), AT, VIEWER);
    const past = await getBreakerHistoryPage(query({ page_size: "10", event: "trip", page: "999" }), AT, VIEWER);
    expect(first.total).toBeGreaterThan(0);
    expect(past.rows).toEqual([]);
    expect({ total: past.total, total_events: past.total_events, all: past.all }).toEqual({ total: first.total, total_events: first.total_events, all: first.all });
  });

  it("refuses a caller without a role", async () => {
    await expect(getBreakerHistoryPage(query({}), AT, null)).rejects.toThrow();
  });
});
