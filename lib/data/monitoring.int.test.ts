/**
 * The monitoring data layer (lib/data/monitoring.ts) over an in-memory DuckDB behind a counting
 * adapter: one warehouse query for 100 identical concurrent reads, none for a repeat within the
 * TTL, separate queries for separate parameters, the TTL honoured, the last good result served
 * stale when the warehouse fails, and the alerts with their links.
 *
 * The data layer takes its warehouse from getWarehouse(), which reads
 * `globalThis.__completenessWarehouse`: the test puts its counting adapter there.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// The data layer reads the signed-in session of the request: a viewer here.
vi.mock("next/headers", async () => (await import("@/test/support/session")).mockNextHeaders("viewer"));

import { addDaysToInstant } from "@/lib/completeness/dates";
import { type Warehouse, WarehouseError } from "@/lib/warehouse/types";
import { attemptRow, countingWarehouse, insertAttempts, memoryWarehouse } from "@/test/support/fixtures";
import { insertTeamDefenseOutputs } from "@/test/support/outputs";
import { forwardingWarehouse } from "@/test/support/warehouse";
import { keepSignOutsInMemory } from "@/test/support/session";

import {
  clearMonitoringCache,
  defaultNow,
  getAlerts,
  getDataAsOf,
  getMonitoring,
  MonitoringParamError,
  parseMonitoringParams,
} from "./monitoring";

const AS_OF = "2025-01-15";
const NOW = "2025-01-16T12:00:00.000Z";
const P = { as_of: AS_OF, now: NOW };
const TEAMS = ["ATL", "BOS", "CHI", "DAL", "DEN", "LAL", "MIA", "NYK", "PHX", "SAS"];

let inner: Warehouse;
let failing = false;
const counting = countingWarehouse(
  forwardingWarehouse(() => inner, {
    kind: "embedded",
    // Each query takes a little while, so the concurrent reads really overlap it.
    query: async (sql, options) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (failing) throw new WarehouseError("The embedded database could not run the query", { reason: "test outage" });
      return inner.query(sql, options);
    },
  }),
);
const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };
// These tests count and break the monitoring reads: sign-out checks stay out of that warehouse.
keepSignOutsInMemory();

beforeAll(async () => {
  inner = memoryWarehouse();
  // 10 teams on as_of: 8 ready at 100%, 2 skipped at 50% → 80% ready (warning < 90),
  // average completeness 90% (info < 92)
  const teams = TEAMS.map((team, i) => ({ team, completeness: i < 8 ? 100 : 50, ready: i < 8 }));
  await insertTeamDefenseOutputs(inner, AS_OF, "2025-01-16T04:00:00.000Z", teams);
  // 11 active breakers (critical > 10): PSZA players tripped on 2025-01-15 04:00 until 01-22.
  // Their analysis date is before health's 7-day window, so their skips do not enter its
  // readiness figures; they are active at now all the same (whatever their analysis date).
  await insertAttempts(
    inner,
    Array.from({ length: 11 }, (_, i) =>
      attemptRow({
        processor_name: "player_shot_zone_analysis",
        entity_id: `player${i}`,
        analysis_date: "2024-12-20",
        attempt_number: 3,
        attempted_at: "2025-01-15T04:00:00.000Z",
        event_type: "trip",
        circuit_breaker_tripped: true,
        circuit_breaker_until: addDaysToInstant("2025-01-15T04:00:00.000Z", 7),
      }),
    ),
  );
  holder.__completenessWarehouse = counting.wh;
});

afterAll(async () => {
  delete holder.__completenessWarehouse;
  await inner.close();
});

beforeEach(() => {
  clearMonitoringCache();
  counting.reset();
  failing = false;
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("getMonitoring: cache and in-flight sharing", () => {
  it("100 concurrent identical reads make ONE warehouse query; a second read within the TTL makes none", async () => {
    const results = await Promise.all(Array.from({ length: 100 }, () => getMonitoring("health", P)));
    expect(counting.counts.query).toBe(1);
    expect(new Set(results).size).toBe(1); // the same shared result
    expect(results[0]!.rows).toHaveLength(7);
    expect(results[0]!).toMatchObject({ as_of: AS_OF, now: NOW });
    expect(results[0]!.stale).toBeUndefined();

    const again = await getMonitoring("health", P);
    expect(counting.counts.query).toBe(1);
    expect(again.read_at).toBe(results[0]!.read_at);
  });

  it("different parameters or queries are separate warehouse queries", async () => {
    await getMonitoring("health", P);
    await getMonitoring("health", { ...P, as_of: "2025-01-14" });
    await getMonitoring("health", { ...P, now: "2025-01-16T12:01:00.000Z" });
    await getMonitoring("readiness", P);
    expect(counting.counts.query).toBe(4);
    // the same instant written differently is the same question
    await getMonitoring("health", { ...P, now: "2025-01-16T13:00:00+01:00" });
    expect(counting.counts.query).toBe(4);
  });

  it("defaults: as_of = data as of (one cached query), now = the current time rounded down to the TTL", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2025-01-16T12:00:42.123Z"));
    const results = await Promise.all(Array.from({ length: 100 }, () => getMonitoring("health")));
    expect(counting.counts.query).toBe(2); // data_as_of + health, once each
    expect(results[0]).toMatchObject({ as_of: AS_OF, now: "2025-01-16T12:00:00.000Z" });
    await getMonitoring("readiness"); // reuses the cached data-as-of
    expect(counting.counts.query).toBe(3);
    vi.setSystemTime(new Date("2025-01-16T12:00:59.999Z")); // same minute: same now, same entry
    await getMonitoring("health");
    expect(counting.counts.query).toBe(3);
    expect(await getDataAsOf()).toMatchObject({ as_of: AS_OF });
    expect(counting.counts.query).toBe(3);
  });

  it("reads the warehouse again once the TTL (60 s by default) has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2025-01-20T00:00:00.000Z"));
    await getMonitoring("health", P);
    vi.setSystemTime(new Date("2025-01-20T00:00:59.000Z"));
    await getMonitoring("health", P);
    expect(counting.counts.query).toBe(1);
    vi.setSystemTime(new Date("2025-01-20T00:01:00.001Z"));
    await getMonitoring("health", P);
    expect(counting.counts.query).toBe(2);
  });

  it("on a warehouse error returns the last good result marked stale, and retries next time", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2025-01-20T00:00:00.000Z"));
    const good = await getMonitoring("active-breakers", P);
    expect(good.rows).toHaveLength(11);

    vi.setSystemTime(new Date("2025-01-20T00:02:00.000Z")); // expired
    failing = true;
    vi.spyOn(console, "error").mockImplementation(() => {});
    const stale = await getMonitoring("active-breakers", P);
    expect(stale).toMatchObject({ as_of: AS_OF, now: NOW, stale: true, error: "The embedded database could not run the query", read_at: good.read_at });
    expect(stale.rows).toEqual(good.rows);
    expect(counting.counts.query).toBe(2);

    // nothing good to fall back on: the error
    await expect(getMonitoring("active-breakers", { ...P, as_of: "2025-01-14" })).rejects.toThrow(WarehouseError);

    // failures are not cached: the next read tries again and succeeds
    failing = false;
    const fresh = await getMonitoring("active-breakers", P);
    expect(fresh.stale).toBeUndefined();
    expect(counting.counts.query).toBe(4);
  });

  it("serves a defaulted request stale too (keyed by the request, not the resolved minute)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2025-01-16T12:00:00.000Z"));
    const good = await getMonitoring("readiness");
    vi.setSystemTime(new Date("2025-01-16T12:05:00.000Z"));
    failing = true;
    vi.spyOn(console, "error").mockImplementation(() => {});
    const stale = await getMonitoring("readiness");
    expect(stale).toMatchObject({ stale: true, now: good.now, as_of: good.as_of });
  });

  it("refuses bad parameters before touching the warehouse", async () => {
    await expect(getMonitoring("health", { as_of: "2025-02-30" })).rejects.toThrow(MonitoringParamError);
    await expect(getMonitoring("health", { now: "yesterday" })).rejects.toMatchObject({ field: "now" });
    expect(counting.counts.query).toBe(0);
  });
});

describe("parameters", () => {
  it("parses, normalizes and names the bad field", () => {
    expect(parseMonitoringParams({ as_of: AS_OF, now: "2025-01-16T13:00:00+01:00" })).toEqual({
      ok: true,
      params: { as_of: AS_OF, now: "2025-01-16T12:00:00.000Z" },
    });
    expect(parseMonitoringParams({ as_of: "", now: null })).toEqual({ ok: true, params: { as_of: undefined, now: undefined } });
    expect(parseMonitoringParams({ as_of: "2025-1-5" })).toMatchObject({ ok: false, field: "as_of" });
    expect(parseMonitoringParams({ as_of: "2025-02-29" })).toMatchObject({ ok: false, field: "as_of" });
    expect(parseMonitoringParams({ now: "2025-01-16" })).toMatchObject({ ok: false, field: "now" });
  });

  it("rounds the default now down to the cache TTL", () => {
    expect(defaultNow(Date.parse("2025-01-16T12:34:56.789Z"))).toBe("2025-01-16T12:34:00.000Z");
  });
});

describe("getAlerts", () => {
  it("evaluates the health read against the configured thresholds, with links to the rows", async () => {
    const result = await getAlerts(P);
    expect(counting.counts.query).toBe(1); // the health read, shared with the overview
    expect(result.thresholds).toEqual({ criticalActiveBreakers: 10, warningReadyPct: 90, infoAvgCompleteness: 92 });
    expect(result.alerts.map((a) => [a.level, a.code, a.value])).toEqual([
      ["critical", "active_breakers", 11],
      ["warning", "production_ready_low", 80],
      ["info", "avg_completeness_low", 90],
    ]);
    const [critical, warning] = result.alerts;
    expect(critical!.links).toEqual([
      { label: "All 11 active breakers", href: `/breakers?tab=active&as_of=${AS_OF}&now=${encodeURIComponent(NOW)}` },
      {
        processor: "player_shot_zone_analysis",
        label: "PSZA: 11 active",
        href: `/breakers?tab=active&processor=player_shot_zone_analysis&as_of=${AS_OF}&now=${encodeURIComponent(NOW)}`,
      },
    ]);
    expect(warning!.links[0]).toEqual({
      processor: "team_defense_zone_analysis",
      label: `TDZA: not-ready entities on ${AS_OF}`,
      href: `/entities?view=below-threshold&processor=team_defense_zone_analysis&as_of=${AS_OF}`,
    });
    await getMonitoring("health", P);
    expect(counting.counts.query).toBe(1);
  });
});
