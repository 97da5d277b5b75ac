/**
 * The entity page's read (lib/data/entity.ts) on a real in-memory DuckDB: stored rows read back
 * (latest row wins), the live recheck against the upstream tables as they are now (a late box
 * score that arrived after the breaker tripped → an override is safe; lost rows → not safe, the
 * games named), DNPs, "no games expected", the breaker timeline with an override and a reset,
 * previous/next dates, entity-id validation, and a part that fails alone.
 *
 * Dataset (hand-built, as in lib/engine/run-processor.int.test.ts): season 2024 (opening night
 * 2024-10-22, the default calendar). LAL, BOS, GSW, MIA play every second day, day d = 10-22 + 2d
 * (d0 … d29), paired by the circle method: LAL meets MIA on d % 3 = 0, BOS on d % 3 = 1, GSW on
 * d % 3 = 2. Games before D = 2024-12-11 (d25) are final. LAL's L10 on D = d15..d24 (11-21 … 12-09).
 * So, by hand:
 *   d15 = 2024-11-21 vs MIA · d16 = 2024-11-23 vs BOS · d20 = 2024-12-01 vs GSW
 *   d17 = 2024-11-25 vs GSW · d18 = 2024-11-27 vs MIA
 *
 * Processor runs for D happen at T1..T3 (the nights after D); the live recheck reads at NOW.
 *   plate   d17, d18 box scores land late (2024-12-15): 8/10 at T1..T3 (trips at T3), 10/10 now
 *   plost   d15, d16 rows permanently lost: 8/10 always
 *   pdnp    did not play d20 (team box score present): 10/10, the DNP listed
 *   rookie   no game at all: no games expected
 */
import { CONSOLE_DEPLOYMENT, overrideConsequence } from "@/lib/completeness/deployment";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The data layer reads the signed-in session of the request: a viewer here.
vi.mock("next/headers", async () => (await import("@/test/support/session")).mockNextHeaders("viewer"));

import { DEFAULT_SEASON_CALENDAR } from "@/lib/completeness/calendar";
import type { ProcessorName } from "@/lib/completeness/processors";
import { getEntityDetail } from "@/lib/data/entity";
import type { EntityDetail, EntityFound, ProcessorSection } from "@/lib/entities/view";
import { parseEntityId } from "@/lib/entities/ids";
import { deploymentFromEnv } from "@/lib/data/deployment";
import { overrideBreaker, resetBreaker } from "@/lib/engine/breaker-writes";
import { parseEnv } from "@/lib/env";
import { runProcessor } from "@/lib/engine/run-processor";
import { type Warehouse, WarehouseError } from "@/lib/warehouse/types";
import {
  type Fate,
  type RosterPlayer,
  type ScheduleRow,
  boxScores,
  everyNDays,
  insertUpstream,
  memoryWarehouse,
  roundRobin,
} from "@/test/support/fixtures";

const D = "2024-12-11";
const D_PREV = "2024-12-09";
const TEAMS = ["LAL", "BOS", "GSW", "MIA"];
const DAYS = everyNDays("2024-10-22", 30);
const lalId = (d: number) => `00224${String(2 * d + 1).padStart(5, "0")}`;

const T1 = "2024-12-12T04:00:00.000Z";
const T2 = "2024-12-13T04:00:00.000Z";
const T3 = "2024-12-14T04:00:00.000Z";
const LATE_ARRIVAL = "2024-12-15T06:00:00.000Z";
const BEFORE_OVERRIDE = "2024-12-16T09:00:00.000Z";
const OVERRIDE_AT = "2024-12-16T10:00:00.000Z";
const RERUN_AT = "2024-12-16T11:00:00.000Z";
const NOW = "2024-12-16T12:00:00.000Z";

const SCHEDULE: ScheduleRow[] = roundRobin(TEAMS, DAYS).map((g) => (g.game_date < D ? g : { ...g, game_status: 1 as const }));
const fates = (kind: Fate, ...days: number[]): Record<string, Fate> => Object.fromEntries(days.map((d) => [lalId(d), kind]));

const ROSTER: RosterPlayer[] = [
  { player: "pfull", stints: [{ team: "LAL" }] },
  { player: "plate", stints: [{ team: "LAL" }], fates: fates({ kind: "late", processedAt: LATE_ARRIVAL }, 17, 18) },
  { player: "plost", stints: [{ team: "LAL" }], fates: fates({ kind: "lost" }, 15, 16) },
  { player: "pdnp", stints: [{ team: "LAL" }], fates: fates({ kind: "dnp" }, 20) },
];

let wh: Warehouse;
const opts = (now: string, warehouse?: Warehouse) => ({ warehouse: warehouse ?? wh, now, calendar: DEFAULT_SEASON_CALENDAR });

async function run(processor: ProcessorName, entities: string[], now: string, date = D) {
  return runProcessor(wh, { deployment: CONSOLE_DEPLOYMENT, processor, date, entities, now, calendar: DEFAULT_SEASON_CALENDAR, runId: `test-${now}` });
}

function found(detail: EntityDetail): EntityFound {
  if (detail.status !== "found") throw new Error(`expected a found entity, got ${JSON.stringify(detail)}`);
  return detail;
}

function sectionOf(detail: EntityFound, processor: ProcessorName): ProcessorSection {
  const s = detail.processors.find((p) => p.processor === processor);
  if (!s) throw new Error(`no section for ${processor}`);
  return s;
}

function ok<T>(part: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!part.ok) throw new Error(`part failed: ${part.message}`);
  return part.value;
}

beforeAll(async () => {
  wh = memoryWarehouse();
  await insertUpstream(wh, { schedule: SCHEDULE, ...boxScores(SCHEDULE, ROSTER) });

  // The previous analysis date, for previous/next links.
  await run("player_shot_zone_analysis", ["pfull", "plate"], "2024-12-10T04:00:00.000Z", D_PREV);
  await run("team_defense_zone_analysis", ["LAL"], "2024-12-10T04:00:00.000Z", D_PREV);
  // Three nightly attempts for D: plate and plost fail each time and trip at the third.
  for (const now of [T1, T2, T3]) {
    await run("player_shot_zone_analysis", ["plate", "plost"], now);
    await run("player_daily_cache", ["plost"], now);
  }
  await run("player_shot_zone_analysis", ["pfull", "pdnp", "rookie"], T1);
  await run("team_defense_zone_analysis", ["LAL"], T1);
  await run("upcoming_team_game_context", [`LAL_${D}`], T1);
});

afterAll(async () => {
  await wh.close();
});

describe("a late box score: stored incomplete, live complete, override safe", () => {
  it("reads the latest stored row and says the data has since arrived", async () => {
    const detail = found(await getEntityDetail("plate", D, opts(BEFORE_OVERRIDE)));
    expect(detail).toMatchObject({ entity: "plate", kind: "player", date: D, dateSource: "requested", team: "LAL" });
    const psza = sectionOf(detail, "player_shot_zone_analysis");

    // Three rows were written for the key (T1, T2, T3): the T3 one wins.
    expect(ok(psza.stored)).toMatchObject({
      entityId: "plate",
      processedAt: T3,
      expected: 10,
      actual: 8,
      completenessPct: 80,
      missing: 2,
      productionReady: false,
      dataQualityIssues: ["missing_game_2024-11-25", "missing_game_2024-11-27"],
      reprocessAttemptCount: 3,
      breakerActive: true,
      breakerUntil: "2024-12-21T04:00:00.000Z",
      manualOverrideRequired: true,
      bootstrap: false,
      seasonBoundary: false,
      reason: "skipped_incomplete_upstream_data",
      windows: [],
    });

    const live = ok(psza.live);
    expect(live.readAt).toBe(BEFORE_OVERRIDE);
    expect(live.breakerStatus).toBe("active");
    expect(live.windows).toEqual([
      expect.objectContaining({ id: "l10", label: "L10 games", expected: 10, actual: 10, missing: 0, completenessPct: 100, ready: true, missingGames: [] }),
    ]);
    expect(live.decision).toMatchObject({ action: "skip_breaker_active", productionReady: true });

    expect(psza.verdict).toMatchObject({
      kind: "override_safe",
      headline: "Data has since arrived — an override is safe",
      storedPct: 80,
      livePct: 100,
      stillMissing: 0,
      readyNow: true,
    });
    expect(psza.verdict!.details).toContain("2 games of that window arrived since the row was written.");

    const timeline = ok(psza.breaker);
    expect(timeline.events.map((e) => [e.attemptNumber, e.event])).toEqual([
      [1, "failure"],
      [2, "failure"],
      [3, "trip"],
    ]);
    expect(timeline.events[2]).toMatchObject({ attemptedAt: T3, until: "2024-12-21T04:00:00.000Z", completenessPct: 80 });
    expect(timeline.state).toMatchObject({ status: "active", until: "2024-12-21T04:00:00.000Z", consecutiveFailures: 3 });
  });

  it("after the override and a successful rerun: the timeline shows both, the newest row is stored", async () => {
    const key = { processor: "player_shot_zone_analysis" as const, entity_id: "plate", analysis_date: D };
    const overridden = await overrideBreaker(wh, key, {
      actor: "ops.test",
      role: "operator",
      deployment: CONSOLE_DEPLOYMENT,
      reasonCode: "data_now_available",
      reason: "Late box score arrived",
      requestId: "entity-test-override",
      now: OVERRIDE_AT,
    });
    expect(overridden.ok).toBe(true);
    await run("player_shot_zone_analysis", ["plate"], RERUN_AT);

    const psza = sectionOf(found(await getEntityDetail("plate", D, opts(NOW))), "player_shot_zone_analysis");
    expect(ok(psza.stored)).toMatchObject({
      processedAt: RERUN_AT,
      completenessPct: 100,
      productionReady: true,
      breakerActive: false,
      reason: "processed_after_override",
    });
    const timeline = ok(psza.breaker);
    expect(timeline.events.map((e) => [e.attemptNumber, e.event, e.actor])).toEqual([
      [1, "failure", null],
      [2, "failure", null],
      [3, "trip", null],
      [4, "override", "ops.test"],
      [5, "recovery", null],
    ]);
    expect(timeline.events[3]).toMatchObject({ attemptedAt: OVERRIDE_AT, actorRole: "operator", reasonCode: "data_now_available" });
    // What the override led to: the rerun after it processed the key; other events have none.
    expect(timeline.events.map((e) => e.outcome)).toEqual([null, null, null, "processed", null]);
    expect(Date.parse(timeline.events[3]!.outcomeDecidedAt!)).toBe(Date.parse(RERUN_AT));
    // Read before the rerun: pending.
    const before = ok(sectionOf(found(await getEntityDetail("plate", D, opts(new Date(Date.parse(RERUN_AT) - 60_000).toISOString()))), "player_shot_zone_analysis").breaker);
    expect(before.events.find((e) => e.event === "override")).toMatchObject({ outcome: "pending", outcomeDecidedAt: null });
    expect(timeline.state).toMatchObject({ status: "closed", consecutiveFailures: 0, until: null });
    expect(psza.verdict).toMatchObject({ kind: "breaker_not_active", readyNow: true });
  });
});

describe("lost rows: still missing, named, not safe", () => {
  it("names each missing game with its date and opponent", async () => {
    const psza = sectionOf(found(await getEntityDetail("plost", D, opts(NOW))), "player_shot_zone_analysis");
    const live = ok(psza.live);
    const l10 = live.windows.find((w) => w.id === "l10")!;
    expect(l10).toMatchObject({ expected: 10, actual: 8, missing: 2, completenessPct: 80, ready: false });
    expect(l10.missingGames).toEqual([
      { gameId: lalId(15), date: "2024-11-21", opponent: "MIA" },
      { gameId: lalId(16), date: "2024-11-23", opponent: "BOS" },
    ]);
    expect(live.missingGames.map((g) => `${g.date} ${g.opponent}`)).toEqual(["2024-11-21 MIA", "2024-11-23 BOS"]);
    expect(psza.verdict).toMatchObject({ kind: "not_safe", headline: "Not safe to override: 2 games still missing", stillMissing: 2, readyNow: false });
    expect(ok(psza.breaker).state.status).toBe("active");
  });

  it("a reset leaves one RESET row; the next failure follows it", async () => {
    const key = { processor: "player_daily_cache" as const, entity_id: "plost", analysis_date: D };
    const reset = await resetBreaker(wh, key, {
      actor: "admin.test",
      role: "admin",
      deployment: CONSOLE_DEPLOYMENT,
      reasonCode: null,
      reason: "Clearing after a schedule fix",
      requestId: "entity-test-reset",
      now: OVERRIDE_AT,
    });
    expect(reset.ok).toBe(true);
    await run("player_daily_cache", ["plost"], RERUN_AT);

    const pdc = sectionOf(found(await getEntityDetail("plost", D, opts(NOW))), "player_daily_cache");
    const timeline = ok(pdc.breaker);
    expect(timeline.events.map((e) => [e.attemptNumber, e.event])).toEqual([
      [0, "reset"],
      [1, "failure"],
    ]);
    expect(timeline.events[0]).toMatchObject({ actor: "admin.test", rowsRemoved: 3, attemptedAt: OVERRIDE_AT });
    expect(timeline.state).toMatchObject({ status: "failing", consecutiveFailures: 1 });
    expect(pdc.verdict).toMatchObject({ kind: "breaker_not_active", readyNow: false, stillMissing: 2 });

    // Multi-window: the stored row carries the window columns, the live recheck every window.
    const stored = ok(pdc.stored)!;
    expect(stored.windows.map((w) => w.id)).toEqual(["l5", "l10", "l7d", "l14d"]);
    expect(stored.windows.find((w) => w.id === "l10")).toMatchObject({ completenessPct: 80, isComplete: false });
    expect(ok(pdc.live).windows.map((w) => w.label)).toEqual(["L5 games", "L10 games", "L7 days", "L14 days"]);
  });
});

describe("DNP and no games expected", () => {
  it("lists a game the player did not play as present, with its date and opponent", async () => {
    const psza = sectionOf(found(await getEntityDetail("pdnp", D, opts(NOW))), "player_shot_zone_analysis");
    const l10 = ok(psza.live).windows.find((w) => w.id === "l10")!;
    expect(l10).toMatchObject({ expected: 10, actual: 10, completenessPct: 100, missingGames: [] });
    expect(l10.dnpGames).toEqual([{ gameId: lalId(20), date: "2024-12-01", opponent: "GSW", reason: "dnp" }]);
  });

  it("shows a player with no game as 'no games expected', never 0%", async () => {
    const psza = sectionOf(found(await getEntityDetail("rookie", D, opts(NOW))), "player_shot_zone_analysis");
    expect(ok(psza.stored)).toMatchObject({ expected: 0, actual: 0, completenessPct: null, reason: "processed_no_games_expected" });
    const l10 = ok(psza.live).windows[0]!;
    expect(l10).toMatchObject({ noGamesExpected: true, completenessPct: null, expected: 0, ready: true, team: null });
    expect(psza.verdict).toMatchObject({ livePct: null, readyNow: true });
    expect(psza.verdict!.details[0]).toBe("L10 games: stored no games expected → now no games expected (unchanged).");
  });
});

describe("dates", () => {
  it("opens on the latest date with output when none is given, with the previous one linked", async () => {
    const detail = found(await getEntityDetail("pfull", undefined, opts(NOW)));
    expect(detail).toMatchObject({ date: D, dateSource: "latest" });
    expect(detail.dates).toMatchObject({ latest: D, previous: D_PREV, next: null, hasData: true, recent: [D, D_PREV] });

    const older = found(await getEntityDetail("pfull", D_PREV, opts(NOW)));
    expect(older.dates).toMatchObject({ previous: null, next: D });
  });

  it("a date without output: every processor says 'no row', the live recheck still runs", async () => {
    const detail = found(await getEntityDetail("pfull", "2024-12-05", opts(NOW)));
    expect(detail.dates).toMatchObject({ hasData: false, previous: null, next: D_PREV });
    for (const s of detail.processors) {
      expect(ok(s.stored)).toBeNull();
      expect(s.live.ok).toBe(true);
    }
    expect(sectionOf(detail, "player_composite_factors").noRowHint).toMatch(/players whose team plays/);
  });
});

describe("breaker readers", () => {
  it("each section carries the reader and the name configured for its processor, in a mixed deployment", async () => {
    const deployment = deploymentFromEnv(
      parseEnv({ BREAKER_READERS: "ml_feature_store=console,*=original", PIPELINE_PROCESSOR_NAMES: "upcoming_player_game_context=upcoming_player_game_context" }),
      null,
    );
    const detail = found(await getEntityDetail("plate", D, { ...opts(NOW), deployment }));
    expect(detail.processors.map((s) => [s.processor, s.reader, s.pipelineName])).toEqual([
      ["player_shot_zone_analysis", "original", "player_shot_zone_analysis"],
      ["player_daily_cache", "original", "player_daily_cache"],
      ["player_composite_factors", "original", "player_composite_factors"],
      ["ml_feature_store", "console", "ml_feature_store_v2"],
      ["upcoming_player_game_context", "original", "upcoming_player_game_context"],
    ]);
    // What an override promises follows the same reader.
    for (const s of detail.processors) expect(s.overrideConsequence).toBe(overrideConsequence(s.reader));
  });
});

describe("teams and team-game keys", () => {
  it("a team shows TDZA by tricode and UTGC by its team-game key", async () => {
    const detail = found(await getEntityDetail("LAL", undefined, opts(NOW)));
    expect(detail).toMatchObject({ kind: "team", date: D, team: "LAL" });
    expect(detail.processors.map((s) => [s.processor, s.entityId])).toEqual([
      ["team_defense_zone_analysis", "LAL"],
      ["upcoming_team_game_context", `LAL_${D}`],
    ]);
    expect(ok(sectionOf(detail, "team_defense_zone_analysis").stored)).toMatchObject({ expected: 15, actual: 15, completenessPct: 100 });
    // UTGC's days windows on D: L7d = [12-04, 12-10] = d22..d24 (3 games), L14d = [11-27, 12-10] = d18..d24 (7 games).
    const utgc = sectionOf(detail, "upcoming_team_game_context");
    expect(ok(utgc.stored)).toMatchObject({ entityId: `LAL_${D}`, productionReady: true });
    expect(ok(utgc.live).windows.map((w) => [w.id, w.expected, w.from, w.to])).toEqual([
      ["l7d", 3, "2024-12-04", "2024-12-10"],
      ["l14d", 7, "2024-11-27", "2024-12-10"],
    ]);
    expect(detail.related).toEqual([{ entity: `LAL_${D}`, date: null, label: `Team-game key LAL_${D}` }]);
  });

  it("a team-game key fixes the date; a key for a day without a game points at the nearest", async () => {
    const detail = found(await getEntityDetail(`LAL_${D}`, undefined, opts(NOW)));
    expect(detail).toMatchObject({ kind: "team_game", date: D, dateSource: "key" });
    expect(detail.processors.map((s) => s.processor)).toEqual(["upcoming_team_game_context"]);

    const none = await getEntityDetail("LAL_2024-12-12", undefined, opts(NOW));
    expect(none).toMatchObject({ status: "not_found", suggestion: `LAL_${D}` });
  });
});

describe("entity ids", () => {
  it("refuses the original docs' lebron_james and suggests lebronjames", async () => {
    expect(await getEntityDetail("lebron_james", undefined, opts(NOW))).toMatchObject({
      status: "invalid",
      suggestion: "lebronjames",
      message: expect.stringMatching(/not a player id/),
    });
    expect(parseEntityId("LeBron James")).toMatchObject({ ok: false, suggestion: "lebronjames" });
    expect(parseEntityId("José Alvarado")).toMatchObject({ ok: false, suggestion: "josealvarado" });
  });

  it("refuses malformed input with a message", async () => {
    for (const bad of ["LAL!", "", "LAL_2024-13-45", "x".repeat(65), "'; DROP TABLE x; --"]) {
      const detail = await getEntityDetail(bad, undefined, opts(NOW));
      expect(detail.status, bad).toBe("invalid");
      expect((detail as { message: string }).message.length, bad).toBeGreaterThan(10);
    }
    expect(await getEntityDetail("pfull", "2024-02-30", opts(NOW))).toMatchObject({ status: "invalid" });
  });

  it("detects the kind from the form", () => {
    expect(parseEntityId("LAL")).toMatchObject({ ok: true, kind: "team", lookup: "LAL" });
    expect(parseEntityId("LAL_2024-12-15")).toMatchObject({ ok: true, kind: "team_game", lookup: "LAL", keyDate: "2024-12-15" });
    expect(parseEntityId("lebronjames")).toMatchObject({ ok: true, kind: "player", lookup: "lebronjames" });
  });

  it("says 'not found' with a hint for an unknown but well-formed id", async () => {
    const unknown = await getEntityDetail("nosuchplayer", undefined, opts(NOW));
    expect(unknown).toMatchObject({ status: "not_found", kind: "player", suggestion: null, hint: expect.stringMatching(/player_lookup/) });
    expect(await getEntityDetail("lal", undefined, opts(NOW))).toMatchObject({ status: "not_found", suggestion: "LAL" });
    expect(await getEntityDetail("ZZZ", undefined, opts(NOW))).toMatchObject({ status: "not_found", kind: "team" });
  });
});

describe("each part fails alone", () => {
  it("a failing cascade read breaks only the cascade processors' live recheck", async () => {
    const failing: Warehouse = {
      ...wh,
      kind: wh.kind,
      query: (sql, o) =>
        o?.label === "upstream_readiness" ? Promise.reject(new WarehouseError("upstream readiness unavailable")) : wh.query(sql, o),
      execute: (sql, o) => wh.execute(sql, o),
      transaction: (s, o) => wh.transaction(s, o),
      insert: (t, c, r) => wh.insert(t, c, r),
      close: async () => {},
    };
    const detail = found(await getEntityDetail("plost", D, opts(NOW, failing)));
    const failed = detail.processors.filter((s) => !s.live.ok).map((s) => s.processor);
    expect(failed.sort()).toEqual(["ml_feature_store", "player_composite_factors"]);
    const pcf = sectionOf(detail, "player_composite_factors");
    expect(pcf.live).toEqual({ ok: false, message: "The live recheck of PCF failed: upstream readiness unavailable" });
    expect(pcf.verdict).toBeNull();
    // Its other parts and the other processors are intact.
    expect(pcf.stored.ok && pcf.breaker.ok).toBe(true);
    expect(sectionOf(detail, "player_shot_zone_analysis").verdict?.kind).toBe("not_safe");
  });
});
