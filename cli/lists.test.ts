import { describe, expect, it } from "vitest";

import type { ApiClient } from "./api";
import { activeBreakersAll, breakerHistoryAll } from "./lists";

/** A server holding `total` rows, answering pages of at most `cap` whatever is asked (as the API does), and recording each request. */
function fakeApi(make: (i: number) => Record<string, unknown>, total: number, cap: number) {
  const requests: Record<string, string | undefined>[] = [];
  const api: ApiClient = {
    url: "http://console.test",
    post: () => Promise.reject(new Error("no writes here")),
    async get<T>(_path: string, query: Record<string, string | undefined> = {}) {
      requests.push(query);
      const size = Math.min(Number(query.page_size ?? 100), cap);
      const page = Number(query.page ?? 1);
      const rows = Array.from({ length: total }, (_, i) => make(i)).slice((page - 1) * size, page * size);
      const outcomes = rows.filter((_, i) => i % 7 === 0).map((r) => ({ ...r, outcome: "pending", actor: "maria.ops", at: "2026-12-01T00:00:00.000Z" }));
      return { as_of: "2026-12-06", now: `2026-12-07T12:0${requests.length % 10}:00.000Z`, rows, page, page_size: size, total, outcomes } as T;
    },
  };
  return { api, requests };
}

describe("the CLI's breaker lists", () => {
  it("reads every page of the active list at the first page's instant, and counts every outcome", async () => {
    const { api, requests } = fakeApi((i) => ({ processor: "player_daily_cache", entity_id: `p${String(i).padStart(4, "0")}`, analysis_date: "2026-12-01" }), 777, 350);
    const body = await activeBreakersAll(api, { outcomes: "latest", processor: "player_daily_cache" });
    expect(body.rows).toHaveLength(777);
    expect(new Set(body.rows.map((r) => r.entity_id)).size).toBe(777);
    expect(requests).toHaveLength(3);
    expect(requests.slice(1).every((q) => q.now === "2026-12-07T12:01:00.000Z" && q.as_of === "2026-12-06")).toBe(true);
    expect(requests.every((q) => q.processor === "player_daily_cache" && q.outcomes === "latest")).toBe(true);
    expect(body.outcome_counts.pending).toBe(body.outcomes.length);
    expect(body.outcomes.length).toBe(50 + 50 + 11);
  });

  it("flattens every page of history keys into their rows, newest first", async () => {
    const key = (i: number) => ({ processor: "player_daily_cache", entity_id: `p${i}`, analysis_date: "2026-12-01" });
    const event = (i: number, n: number) => ({ ...key(i), attempted_at: `2026-12-0${1 + n}T0${i % 10}:00:00.000Z`, attempt_number: n + 1, event: "failure" });
    const { api } = fakeApi((i) => ({ ...key(i), latest: "", events: [event(i, 0), event(i, 1)] }), 260, 250);
    const body = await breakerHistoryAll(api, { outcomes: "latest" });
    expect(body.rows).toHaveLength(520);
    const instants = body.rows.map((r) => r.attempted_at);
    expect(instants).toEqual([...instants].sort().reverse());
  });

  it("one page when everything fits", async () => {
    const { api, requests } = fakeApi((i) => ({ processor: "x", entity_id: `e${i}`, analysis_date: "2026-12-01" }), 3, 350);
    expect((await activeBreakersAll(api, {})).rows).toHaveLength(3);
    expect(requests).toHaveLength(1);
  });
});
