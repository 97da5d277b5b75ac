/**
 * One more pipeline pass on a short console-profile season (lib/demo/advance.ts): on-call
 * overrides a key whose data has since arrived and a key whose data is still missing, the pass
 * runs, and each gets the row the engine's rules call for — checked against answers computed
 * another way: the keys due from each key's last stored row, the rows that land from the
 * simulated season's own arrival times, which key is recovered from the season's box scores.
 * Then the same moment again writes nothing, and the route refuses whoever may not advance and
 * whatever is not a demo database.
 */
import { existsSync, renameSync } from "node:fs";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { POST as advanceRoute } from "@/app/api/v1/demo/advance/route";
import { type BreakerRowInput, overrideOutcomes, sortAttempts } from "@/lib/completeness/breaker";
import { type IsoDate, addDays, instantMs } from "@/lib/completeness/dates";
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import { type ProcessorName, getProcessor, resolveProcessorName } from "@/lib/completeness/processors";
import { advanceDemoDatabase } from "@/lib/demo/advance";
import { buildDemoDatabase } from "@/lib/demo/build";
import { type DemoMetadata, readDemoMetadata, writeDemoMetadata } from "@/lib/demo/metadata";
import { metadataPath } from "@/lib/warehouse/demo-mark";
import { shortDemoPlan } from "@/lib/demo/plan";
import { type AdvanceResult } from "@/lib/demo/schemas";
import { type SimulatedSeason, generateSeason } from "@/lib/demo/season";
import type { BreakerKeyRef } from "@/lib/breakers/changes";
import { overrideBreaker, readKeys } from "@/lib/engine/breaker-writes";
import { trippedKeys } from "@/lib/queries/breakers";
import type { Warehouse } from "@/lib/warehouse/types";
import { BREAKER_TABLES, OUTPUT_TABLES, UPSTREAM_TABLES, countRows, memoryWarehouse } from "@/test/support/fixtures";
import { sessionCookie } from "@/test/support/session";

const BUILT_AT = "2026-12-07T10:00:00.000Z";
// 45 nights: past bootstrap, a recent outage (backfilled two days after the last simulated day),
// late box scores and permanently missing player rows; no December outage yet.
const plan = shortDemoPlan(BUILT_AT, { days: 45, profile: "console" });
/** A pass an hour after the build: last night's failures are not due before the next night. */
const EARLY_AT = "2026-12-07T11:00:00.000Z";
/** On-call overrides two nights later, after the recent outage's backfill; the pass runs an hour later. */
const OVERRIDE_AT = `${addDays(plan.simulateThrough, 3)}T01:00:00.000Z`;
const ADVANCE_AT = `${addDays(plan.simulateThrough, 3)}T02:00:00.000Z`;

const ORIGIN = "http://console.test";
process.env.ALLOWED_HOSTS = "console.test";
const dbPath = process.env.EMBEDDED_DB_PATH!;
const holder = globalThis as typeof globalThis & { __completenessWarehouse?: Warehouse };
let wh: Warehouse;
let season: SimulatedSeason;
const meta: DemoMetadata = { format: 2, plan, builtAt: BUILT_AT, buildSeconds: 0, summary: {} };

beforeAll(async () => {
  wh = memoryWarehouse();
  await buildDemoDatabase(wh, plan, () => {}, { now: BUILT_AT });
  season = generateSeason({ seed: plan.seed, seasonStart: plan.seasonStart, seasonYear: plan.seasonYear, simulateThrough: plan.simulateThrough });
  holder.__completenessWarehouse = wh;
  writeDemoMetadata(dbPath, meta);
}, 300_000);
afterAll(async () => {
  delete holder.__completenessWarehouse;
  await wh.close();
});

type Row = BreakerRowInput & { processor_name: string; entity_id: string; analysis_date: IsoDate };
async function allAttempts(): Promise<Row[]> {
  return wh.query<Row>(
    `SELECT processor_name, entity_id, CAST(analysis_date AS VARCHAR) AS analysis_date, attempt_number, attempted_at, completeness_pct, skip_reason,
            circuit_breaker_tripped, circuit_breaker_until, manual_override_applied, notes, event_type, actor, reason_code, request_id, rows_removed, batch_id
     FROM nba_orchestration.reprocess_attempts`,
  );
}
const keyId = (processor: string, entity: string, date: string) => `${resolveProcessorName(processor)}|${entity}|${date}`;
function byKey(rows: readonly Row[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const id = keyId(r.processor_name, r.entity_id, r.analysis_date);
    out.set(id, [...(out.get(id) ?? []), r]);
  }
  return out;
}

async function tableCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of [...UPSTREAM_TABLES, ...OUTPUT_TABLES, ...BREAKER_TABLES]) out[t] = await countRows(wh, t);
  return out;
}

/**
 * The keys the orchestrator retries at `now`, from each key's LAST stored row alone (not the
 * breaker derivation the pass uses): an override; a trip whose cooldown has ended; a failure at
 * least a day old — for dates from 21 days before last night up to the night before it.
 */
function dueFromLastRows(rows: readonly Row[], now: string): Map<string, "override" | "half_open" | "failing"> {
  const tonight = addDays(now.slice(0, 10), -1);
  const due = new Map<string, "override" | "half_open" | "failing">();
  for (const [id, keyRows] of byKey(rows)) {
    const last = sortAttempts(keyRows).at(-1)!;
    if (last.analysis_date < addDays(tonight, -21) || last.analysis_date >= tonight) continue;
    if (last.event_type === "override") due.set(id, "override");
    else if (last.event_type === "trip" && instantMs(last.circuit_breaker_until!) <= instantMs(now)) due.set(id, "half_open");
    else if (last.event_type === "failure" && instantMs(last.attempted_at) + 86_400_000 <= instantMs(now)) due.set(id, "failing");
  }
  return due;
}

/** The team's last `n` final games strictly before `date` in the season, and whether each one's team-defense row had landed by `at`. */
function teamWindowLanded(team: string, date: IsoDate, n: number, at: string): boolean {
  const games = season.schedule
    .filter((g) => g.game_status === 3 && g.game_date < date && (g.home_team_tricode === team || g.away_team_tricode === team))
    .sort((a, b) => (a.game_date < b.game_date ? -1 : 1))
    .slice(-n);
  return games.every((g) =>
    season.teamDefenseGameSummary.some((r) => r.game_id === g.game_id && r.defending_team_abbr === team && instantMs(r.processed_at) <= instantMs(at)),
  );
}

/** Simulated rows that arrive in (from, to]. */
const arrived = (rows: readonly { processed_at: string }[], from: string, to: string) =>
  rows.filter((r) => instantMs(r.processed_at) > instantMs(from) && instantMs(r.processed_at) <= instantMs(to)).length;
const landedBetween = (from: string, to: string) => ({
  "nba_analytics.player_game_summary": arrived(season.playerGameSummary, from, to),
  "nba_analytics.team_defense_game_summary": arrived(season.teamDefenseGameSummary, from, to),
  "nba_raw.bdl_player_boxscores": arrived(season.bdlPlayerBoxscores, from, to),
});
const idOf = (k: { processor: string; entity_id: string; analysis_date: string }) => `${k.processor}|${k.entity_id}|${k.analysis_date}`;

describe("a pass an hour after the build", () => {
  it("retries only what is due by the last rows: last night's failures wait a day", async () => {
    const rows = await allAttempts();
    const failing = [...byKey(rows).values()].filter((k) => sortAttempts(k).at(-1)!.event_type === "failure");
    expect(failing.length, "keys that failed last night").toBeGreaterThan(100);
    const early = await advanceDemoDatabase(wh, meta, { now: EARLY_AT, deployment: CONSOLE_DEPLOYMENT, actor: { name: "admin", role: "admin" } });
    expect(early.now).toBe(EARLY_AT);
    expect(early.keys.map(idOf).sort()).toEqual([...dueFromLastRows(rows, EARLY_AT).keys()].sort());
    expect(early.keys.filter((k) => k.due === "failing")).toEqual([]);
    expect(early.landed).toEqual(landedBetween(BUILT_AT, EARLY_AT));
  });
});

let result: AdvanceResult;
let recovered: BreakerKeyRef;
let stillMissing: BreakerKeyRef;
let before: Row[];

describe("the next pass after on-call's overrides", () => {
  beforeAll(async () => {
    const tripped = await trippedKeys.run(wh, { date_from: plan.seasonStart, date_to: plan.simulateThrough });
    const snapshot = await readKeys(
      wh,
      tripped.map((r) => ({ processor: resolveProcessorName(r.processor_name)!, entity_id: r.entity_id, analysis_date: r.analysis_date })),
      OVERRIDE_AT,
    );
    const active = snapshot.keys.filter((k) => k.state.status === "active").map((k) => k.key);
    // Recovered: a team-defense key (last 15 games) missing games when the demo was built, all of them landed by the pass.
    const games = getProcessor("team_defense_zone_analysis").windows[0]!.size;
    recovered = active.find(
      (k) => k.processor === "team_defense_zone_analysis" && !teamWindowLanded(k.entity_id, k.analysis_date, games, BUILT_AT) && teamWindowLanded(k.entity_id, k.analysis_date, games, ADVANCE_AT),
    )!;
    // Still missing: a daily-cache key of a player whose row of a game in the week before is missing for good (its 7-day and last-5 windows fail).
    stillMissing = active.find(
      (k) =>
        k.processor === "player_daily_cache" &&
        season.faults.missingPlayerRows.some((m) => m.player_lookup === k.entity_id && m.game_date < k.analysis_date && m.game_date >= addDays(k.analysis_date, -7)),
    )!;
    expect(recovered, "an active key whose data has since landed").toBeDefined();
    expect(stillMissing, "an active key whose data is missing for good").toBeDefined();

    for (const [i, key] of [recovered, stillMissing].entries()) {
      const done = await overrideBreaker(wh, key, {
        actor: "oncall.test",
        role: "operator",
        reasonCode: "data_now_available",
        reason: "Incident keys whose data the live recheck shows complete",
        requestId: `advance-test-${i}`,
        now: OVERRIDE_AT,
        deployment: CONSOLE_DEPLOYMENT,
      });
      expect(done.ok).toBe(true);
    }
    before = await allAttempts();
    result = await advanceDemoDatabase(wh, meta, { now: ADVANCE_AT, deployment: CONSOLE_DEPLOYMENT, actor: { name: "admin", role: "admin" } });
  }, 120_000);

  it("runs at the moment asked for, no row being later", () => {
    expect(result.now).toBe(ADVANCE_AT);
  });

  it("lands exactly the simulated box scores that arrived since the last pass", () => {
    const expected = landedBetween(EARLY_AT, ADVANCE_AT);
    expect(result.landed).toEqual(expected);
    // The recent outage's backfill is among them.
    const recent = season.faults.outages.find((o) => o.kind === "recent")!;
    expect(instantMs(recent.backfilledAt)).toBeGreaterThan(instantMs(EARLY_AT));
    expect(instantMs(recent.backfilledAt)).toBeLessThan(instantMs(OVERRIDE_AT));
    expect(expected["nba_raw.bdl_player_boxscores"]).toBeGreaterThan(100);
  });

  it("retries exactly the keys due by their last rows, each with one new row that says what came of it", async () => {
    const due = dueFromLastRows(before, ADVANCE_AT);
    expect(due.size).toBeGreaterThan(2);
    expect([...due.values()].filter((d) => d === "failing").length).toBeGreaterThan(100);
    const ran = new Map(result.keys.map((k) => [idOf(k), k]));
    expect([...ran.keys()].sort()).toEqual([...due.keys()].sort());
    for (const [id, reason] of due) expect(ran.get(id)!.due, id).toBe(reason);

    const after = await allAttempts();
    const beforeIds = new Set(before.map((r) => JSON.stringify(r)));
    const added = after.filter((r) => !beforeIds.has(JSON.stringify(r)));
    expect(added).toHaveLength(result.keys.length);
    const event = { processed: ["success", "recovery"], failed: ["failure"], re_tripped: ["trip"] };
    for (const row of added) {
      const key = ran.get(keyId(row.processor_name, row.entity_id, row.analysis_date))!;
      expect(row.processor_name, "written under the name its pipeline reads").toBe(CONSOLE_DEPLOYMENT[key.processor].pipelineName);
      expect(instantMs(row.attempted_at)).toBe(instantMs(ADVANCE_AT));
      expect(event[key.result], `${row.entity_id} ${row.analysis_date}`).toContain(row.event_type);
    }
    const perProcessor = (p: ProcessorName) => result.keys.filter((k) => k.processor === p);
    for (const counts of result.processors) {
      const mine = perProcessor(counts.processor);
      expect(counts).toEqual({
        processor: counts.processor,
        attempted: mine.length,
        processed: mine.filter((k) => k.result === "processed").length,
        failed: mine.filter((k) => k.result === "failed").length,
        re_tripped: mine.filter((k) => k.result === "re_tripped").length,
      });
    }
  });

  it("gives the recovered key a recovery row and the still-missing one a failure (the console reader restarts the count)", async () => {
    const rows = byKey(await allAttempts());
    const of = (k: BreakerKeyRef) => sortAttempts(rows.get(`${k.processor}|${k.entity_id}|${k.analysis_date}`)!);
    const rec = of(recovered);
    const miss = of(stillMissing);
    expect(rec.at(-1)).toMatchObject({ event_type: "recovery", circuit_breaker_tripped: false, attempt_number: rec.at(-2)!.attempt_number + 1 });
    expect(rec.at(-2)!.event_type).toBe("override");
    expect(miss.at(-1)).toMatchObject({ event_type: "failure", circuit_breaker_tripped: false, attempt_number: miss.at(-2)!.attempt_number + 1 });
    expect(miss.at(-2)!.event_type).toBe("override");
    expect(overrideOutcomes(rec).at(-1)).toMatchObject({ outcome: "processed", actor: "oncall.test" });
    expect(overrideOutcomes(miss).at(-1)).toMatchObject({ outcome: "failed_again", actor: "oncall.test" });
  });

  it("records one demo_advance audit record listing every row it appended", async () => {
    const audit = await wh.query<{ actor: string; key_count: number; keys_json: string; request_id: string }>(
      "SELECT actor, key_count, keys_json, request_id FROM nba_orchestration.breaker_audit_log WHERE action = 'demo_advance' AND created_at = @at",
      { params: { at: ADVANCE_AT }, types: { at: "TIMESTAMP" } },
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "admin", key_count: result.keys.length, request_id: `demo-advance:${ADVANCE_AT}` });
    const keys = (JSON.parse(audit[0]!.keys_json) as { processor: string; entity_id: string; analysis_date: string }[]).map(idOf);
    expect(keys.sort()).toEqual(result.keys.map(idOf).sort());
  });

  it("writes nothing when run again at the same moment", async () => {
    const counts = await tableCounts();
    const again = await advanceDemoDatabase(wh, meta, { now: ADVANCE_AT, deployment: CONSOLE_DEPLOYMENT, actor: { name: "admin", role: "admin" } });
    expect(again.keys).toEqual([]);
    expect(Object.values(again.landed)).toEqual([0, 0, 0]);
    expect(await tableCounts()).toEqual(counts);
  });
});

describe("POST /api/v1/demo/advance", () => {
  const post = (cookie: string | null, headers: Record<string, string> = {}) =>
    new Request(`${ORIGIN}/api/v1/demo/advance`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, host: "console.test", ...(cookie ? { cookie } : {}), ...headers },
      body: "{}",
    });

  it("refuses anyone but an admin, and cross-site requests, writing nothing", async () => {
    const counts = await tableCounts();
    expect((await advanceRoute(post(null))).status).toBe(401);
    expect((await advanceRoute(post(await sessionCookie("viewer")))).status).toBe(403);
    expect((await advanceRoute(post(await sessionCookie("operator")))).status).toBe(403);
    expect((await advanceRoute(post(await sessionCookie("admin"), { origin: "https://evil.example" }))).status).toBe(403);
    expect(await tableCounts()).toEqual(counts);
  });

  it("refuses a database that is not a demo (404) and the original profile (409), writing nothing", async () => {
    const counts = await tableCounts();
    const admin = await sessionCookie("admin");
    renameSync(metadataPath(dbPath), `${metadataPath(dbPath)}.away`);
    try {
      const response = await advanceRoute(post(admin));
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ ok: false, code: "not_found" });
    } finally {
      renameSync(`${metadataPath(dbPath)}.away`, metadataPath(dbPath));
    }
    writeDemoMetadata(dbPath, { ...meta, plan: { ...plan, profile: "original" } });
    try {
      const response = await advanceRoute(post(admin));
      expect(response.status).toBe(409);
    } finally {
      writeDemoMetadata(dbPath, meta);
    }
    expect(await tableCounts()).toEqual(counts);
  });

  it("runs the pass for an admin at the server's clock and records it in .demo.json", async () => {
    const attempts = await countRows(wh, "nba_orchestration.reprocess_attempts");
    const response = await advanceRoute(post(await sessionCookie("admin")));
    expect(response.status).toBe(200);
    const body = (await response.json()) as AdvanceResult & { ok: boolean };
    expect(body.ok).toBe(true);
    // Never before the latest stored row (the pass above ran at ADVANCE_AT), nor before the wall clock.
    expect(instantMs(body.now)).toBeGreaterThanOrEqual(Math.max(instantMs(ADVANCE_AT), Date.now() - 60_000));
    expect(body.processors.map((p) => p.processor)).toHaveLength(7);
    const attempted = body.processors.reduce((n, p) => n + p.attempted, 0);
    expect(await countRows(wh, "nba_orchestration.reprocess_attempts")).toBe(attempts + attempted);
    expect(existsSync(metadataPath(dbPath))).toBe(true);
    expect(readDemoMetadata(dbPath)!.advancedAt).toBe(body.now);
  });
});
