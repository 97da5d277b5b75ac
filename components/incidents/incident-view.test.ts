/**
 * The incident pages' pure helpers: the blast radius and recovery in words, the trips series
 * without holes, the keys table's filter/sort/page, and the breakers grouped by incident — each
 * checked against figures worked out by hand.
 */
import { describe, expect, it } from "vitest";

import type { IncidentKey } from "@/lib/completeness/incidents";

import { blastRadius, groupActiveByIncident, keysPage, keysStateFrom, notRecovered, recoveryLine, recoveryStyle, tripsSeries } from "./incident-view";

const key = (entity_id: string, analysis_date: string, over: Partial<IncidentKey> = {}): IncidentKey => ({
  processor: "player_daily_cache",
  entity_id,
  analysis_date,
  state: "active",
  recovered: true,
  still_missing: null,
  outcome: null,
  failed_at: `${analysis_date}T04:00:00.000Z`,
  tripped_at: null,
  ...over,
});

describe("an incident in words", () => {
  it("says the blast radius as processors × entities × dates with the key count", () => {
    expect(blastRadius({ processors: ["player_daily_cache", "ml_feature_store"], entities: 120, dates: ["2026-12-03", "2026-12-04", "2026-12-05"], keys: 1250 })).toBe(
      "2 processors × 120 entities × 3 dates (1,250 keys)",
    );
    expect(blastRadius({ processors: ["player_daily_cache"], entities: 1, dates: ["2026-12-03"], keys: 1 })).toBe("1 processor × 1 entity × 1 date (1 key)");
  });

  it("says the recovery with its figures, and its badge follows them", () => {
    expect(recoveryLine({ recovered_keys: 1180, keys: 1250 })).toBe("Data now complete for 1,180 of 1,250 keys");
    expect(recoveryStyle({ recovered_keys: 3, keys: 3 }).word).toBe("All recovered");
    expect(recoveryStyle({ recovered_keys: 1, keys: 3 }).word).toBe("Partly recovered");
    expect(recoveryStyle({ recovered_keys: 0, keys: 3 }).word).toBe("Nothing recovered");
    expect(recoveryStyle({ recovered_keys: 0, keys: 0 }).word).toBe("Nothing recovered");
  });
});

describe("trips over time", () => {
  it("fills every day between the first and the last trip with zero, and adds repeated days", () => {
    expect(
      tripsSeries([
        { day: "2026-12-05", trips: 4 },
        { day: "2026-12-02", trips: 10 },
        { day: "2026-12-05", trips: 1 },
      ]),
    ).toEqual([
      { x: "2026-12-02", trips: 10 },
      { x: "2026-12-03", trips: 0 },
      { x: "2026-12-04", trips: 0 },
      { x: "2026-12-05", trips: 5 },
    ]);
    expect(tripsSeries([])).toEqual([]);
  });

  it("crosses a month end", () => {
    expect(tripsSeries([{ day: "2026-11-30", trips: 1 }, { day: "2026-12-01", trips: 2 }]).map((d) => d.x)).toEqual(["2026-11-30", "2026-12-01"]);
  });
});

describe("the keys table", () => {
  const keys = [
    key("bob", "2026-12-04", { recovered: false, still_missing: "2 games (Dec 3, Dec 4)" }),
    key("ann", "2026-12-04"),
    key("cat", "2026-12-03", { processor: "ml_feature_store", recovered: null, state: "closed" }),
    ...Array.from({ length: 60 }, (_, i) => key(`p${String(i).padStart(2, "0")}`, "2026-12-05")),
  ];

  it("sorts by date by default, ties by processor then entity, 50 a page", () => {
    const state = keysStateFrom({ page: 1 });
    expect(state).toEqual({ sort: "analysis_date", desc: false, page: 1, recovered: undefined });
    const first = keysPage(keys, state);
    expect(first.total).toBe(63);
    expect(first.rows).toHaveLength(50);
    expect(first.rows.slice(0, 3).map((k) => k.entity_id)).toEqual(["cat", "ann", "bob"]);
    const second = keysPage(keys, { ...state, page: 2 });
    expect(second.rows).toHaveLength(13);
    expect(second.rows.at(-1)!.entity_id).toBe("p59");
  });

  it("filters to recovered or not recovered (an unchecked key is neither)", () => {
    expect(keysPage(keys, keysStateFrom({ page: 1, recovered: "no" })).rows.map((k) => k.entity_id)).toEqual(["bob"]);
    expect(keysPage(keys, keysStateFrom({ page: 1, recovered: "yes" })).total).toBe(61);
    expect(notRecovered(keys).map((k) => k.still_missing)).toEqual(["2 games (Dec 3, Dec 4)"]);
  });

  it("ignores a sort it does not know", () => {
    expect(keysStateFrom({ page: 1, sort: "still_missing; DROP", dir: "desc" })).toMatchObject({ sort: "analysis_date", desc: true });
  });
});

describe("active breakers grouped by incident", () => {
  const active = [
    { processor: "player_daily_cache", entity_id: "ann", analysis_date: "2026-12-04" },
    { processor: "player_daily_cache", entity_id: "bob", analysis_date: "2026-12-04" },
    { processor: "ml_feature_store", entity_id: "ann", analysis_date: "2026-12-04" },
    { processor: "player_daily_cache", entity_id: "zed", analysis_date: "2026-11-01" },
  ];

  it("puts each active key under the incident holding it, in the incidents' order, and the rest apart", () => {
    const { groups, unexplained } = groupActiveByIncident(active, [
      { id: "worst", cause: "outage", keys_list: [key("ann", "2026-12-04"), key("bob", "2026-12-04"), key("closed-one", "2026-12-01")] },
      { id: "empty", cause: "nothing active", keys_list: [key("old", "2026-11-20")] },
      { id: "cascade", cause: "waits", keys_list: [key("ann", "2026-12-04", { processor: "ml_feature_store" })] },
    ]);
    expect(groups.map((g) => [g.incident.id, g.rows.map((r) => `${r.processor}:${r.entity_id}`)])).toEqual([
      ["worst", ["player_daily_cache:ann", "player_daily_cache:bob"]],
      ["cascade", ["ml_feature_store:ann"]],
    ]);
    expect(unexplained.map((r) => r.entity_id)).toEqual(["zed"]);
    // Every active key is listed once.
    expect(groups.reduce((n, g) => n + g.rows.length, 0) + unexplained.length).toBe(active.length);
  });
});
