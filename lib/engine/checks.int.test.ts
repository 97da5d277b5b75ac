/**
 * The check service on a simulated season: its answers are the engine's evaluation, its writes
 * are the rows the in-process engine writes for the same run, it is idempotent by run_id and
 * entity, and it refuses what it must (another processor than the token's, a processor the
 * original pipeline still reads, outcomes that contradict the check).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { CONSOLE_DEPLOYMENT, buildDeployment } from "@/lib/completeness/deployment";
import { type ProcessorName, getProcessor } from "@/lib/completeness/processors";
import { checkResult, outcomesResult } from "@/lib/checks/schemas";
import type { CheckInput } from "@/lib/checks/schemas";
import { buildDemoDatabase } from "@/lib/demo/build";
import { shortDemoPlan } from "@/lib/demo/plan";
import { type CheckContext, checkRun, recordOutcomes } from "@/lib/engine/checks";
import { evaluateProcessorRun, runStatements } from "@/lib/engine/run-processor";
import { auditLog } from "@/lib/queries/breakers";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";

const BUILT_AT = "2026-12-07T01:00:00.000Z";
const plan = shortDemoPlan(BUILT_AT, { days: 40, profile: "console" });
/** The night after the last simulated one, at the first processor's run time. */
const DATE = "2026-12-06";
const NOW = "2026-12-07T04:00:00.000Z";
const ATTEMPTS = "nba_orchestration.reprocess_attempts";

let wh: Warehouse;
let snapshot: string;

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  actor: { name: "token:nightly", role: "pipeline" },
  now: NOW,
  deployment: CONSOLE_DEPLOYMENT,
  calendar: plan.calendar,
  ...over,
});

const input = (over: Partial<CheckInput>): CheckInput => ({
  processor: "player_daily_cache",
  analysis_date: DATE,
  run_id: "run-1",
  backfill: false,
  record: false,
  ...over,
});

async function attempts(where = "TRUE") {
  return wh.query(`SELECT * EXCLUDE (created_at) FROM ${ATTEMPTS} WHERE ${where} ORDER BY processor_name, entity_id, analysis_date, attempt_number`);
}

beforeAll(async () => {
  wh = createDuckDbWarehouse({ path: ":memory:", onOpen: applyEmbeddedSchema });
  await buildDemoDatabase(wh, plan, () => {}, { now: BUILT_AT });
  snapshot = (await wh.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${ATTEMPTS}`))[0]!.n.toString();
}, 300_000);
afterAll(() => wh.close());

/** Each test starts from the built season: the service's own rows go. */
beforeEach(async () => {
  await wh.execute(`DELETE FROM ${ATTEMPTS} WHERE attempted_at >= TIMESTAMPTZ '${NOW}'`);
  await wh.execute("DELETE FROM nba_orchestration.completeness_checks");
  await wh.execute("DELETE FROM nba_orchestration.check_outcomes");
  await wh.execute("DELETE FROM nba_orchestration.breaker_audit_log WHERE action LIKE 'pipeline_%'");
  expect(String((await wh.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${ATTEMPTS}`))[0]!.n)).toBe(snapshot);
});

describe("a check", () => {
  it("answers the engine's evaluation, entity by entity, with the output columns the processor merges", async () => {
    const result = await checkRun(wh, input({}), ctx());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const data = checkResult.parse(result.data);
    expect(data.entities.length).toBeGreaterThan(100);
    const run = await evaluateProcessorRun(wh, {
      processor: "player_daily_cache",
      date: DATE,
      entities: data.entities.map((e) => e.entity_id),
      now: NOW,
      deployment: CONSOLE_DEPLOYMENT,
      calendar: plan.calendar,
      runId: "run-1",
    });
    for (const [i, o] of run.outcomes.entries()) {
      const e = data.entities[i]!;
      expect(e.entity_id).toBe(o.entity);
      expect(e.action).toBe(o.decision.action);
      expect(e.windows.map((w) => [w.id, w.expected, w.actual, w.missing, w.completeness_pct])).toEqual(
        o.windows.map((w) => [w.id, w.expected, w.actual, w.missing, w.pctRounded]),
      );
      for (const [column, value] of Object.entries(e.columns)) expect(value, `${e.entity_id}.${column}`).toEqual(o.output[column]);
    }
    expect(Object.keys(data.entities[0]!.columns)).toHaveLength(14 + getProcessor("player_daily_cache").windows.length * 2 + 1);
  });

  it("covers by default the players who played this season, and only those of tonight's teams for a game-date processor", async () => {
    const daily = await checkRun(wh, input({ run_id: "daily" }), ctx());
    const game = await checkRun(wh, input({ run_id: "game", processor: "upcoming_player_game_context" }), ctx());
    const teams = await checkRun(wh, input({ run_id: "teams", processor: "team_defense_zone_analysis" }), ctx());
    if (!daily.ok || !game.ok || !teams.ok) throw new Error("a check failed");
    const playing = await wh.query<{ t: string }>(
      `SELECT home_team_tricode AS t FROM nba_raw.nbac_schedule WHERE game_date = DATE '${DATE}' UNION SELECT away_team_tricode FROM nba_raw.nbac_schedule WHERE game_date = DATE '${DATE}'`,
    );
    expect(teams.data.entities).toHaveLength(30);
    expect(game.data.entities.length).toBeLessThan(daily.data.entities.length);
    expect(new Set(game.data.entities.map((e) => e.team))).toEqual(new Set(playing.map((p) => p.t)));
  });

  it("is answered once per run and date: the same request replays, another is refused", async () => {
    const entities = ["LAL", "BOS"];
    const first = await checkRun(wh, input({ processor: "team_defense_zone_analysis", entities }), ctx());
    const again = await checkRun(wh, input({ processor: "team_defense_zone_analysis", entities }), ctx({ now: "2026-12-07T05:00:00.000Z" }));
    const other = await checkRun(wh, input({ processor: "team_defense_zone_analysis", entities: ["LAL"] }), ctx());
    expect(first.ok && !first.replay).toBe(true);
    expect(again.ok && again.replay).toBe(true);
    if (first.ok && again.ok) expect({ ...again.data, replay: false }).toEqual(first.data);
    expect(other).toMatchObject({ ok: false, error: "reused" });
    expect((await wh.query("SELECT * FROM nba_orchestration.completeness_checks"))).toHaveLength(2);
  });

  it("refuses a processor the original pipeline still reads, and a processor other than its token's", async () => {
    const mixed = buildDeployment({ readers: { player_daily_cache: "console" } });
    const original = await checkRun(wh, input({ processor: "ml_feature_store" }), ctx({ deployment: mixed }));
    expect(original).toMatchObject({ ok: false, error: "conflict" });
    if (!original.ok) expect(original.message).toMatch(/BREAKER_READERS/);
    const scoped = await checkRun(wh, input({}), ctx({ actor: { name: "token:mlfs", role: "pipeline", processor: "ml_feature_store" } }));
    expect(scoped).toMatchObject({ ok: false, error: "forbidden" });
    const wrongKind = await checkRun(wh, input({ entities: ["LAL"] }), ctx());
    expect(wrongKind).toMatchObject({ ok: false, error: "invalid", field: "entities.0" });
    expect(await wh.query("SELECT * FROM nba_orchestration.completeness_checks")).toHaveLength(0);
  });
});

describe("outcomes", () => {
  /** The same run evaluated and written by the in-process engine, on a copy of the rows. */
  async function inProcessRows(processor: ProcessorName, entities: string[]) {
    const run = await evaluateProcessorRun(wh, { processor, date: DATE, entities, now: NOW, deployment: CONSOLE_DEPLOYMENT, calendar: plan.calendar, runId: "run-1" });
    const [, attemptInsert] = runStatements(run);
    return attemptInsert && "rows" in attemptInsert ? attemptInsert.rows : [];
  }

  it("append exactly the attempt rows the in-process engine writes, once", async () => {
    const processor = "player_composite_factors" as const;
    const checked = await checkRun(wh, input({ processor }), ctx());
    if (!checked.ok) throw new Error(checked.message);
    const expected = await inProcessRows(processor, checked.data.entities.map((e) => e.entity_id));
    const report = { run_id: "run-1", processor, analysis_date: DATE, outcomes: checked.data.entities.map((e) => ({ entity_id: e.entity_id, outcome: e.decision === "process" ? ("processed" as const) : ("skipped" as const) })) };
    const first = await recordOutcomes(wh, report, ctx({ now: "2026-12-07T04:20:00.000Z" }));
    if (!first.ok) throw new Error(first.message);
    outcomesResult.parse(first.data);
    expect(first.data.rows_written).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0);
    const written = await wh.query(`SELECT * EXCLUDE (created_at, actor_role, override_expires_at) FROM ${ATTEMPTS} WHERE attempted_at >= TIMESTAMPTZ '${NOW}' ORDER BY entity_id`);
    const norm = (rows: Record<string, unknown>[]) =>
      rows
        .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null && v !== undefined)))
        .sort((a, b) => String(a.entity_id).localeCompare(String(b.entity_id)));
    expect(norm(written.map((r) => ({ ...r, attempted_at: new Date(String(r.attempted_at)).toISOString(), circuit_breaker_until: r.circuit_breaker_until ? new Date(String(r.circuit_breaker_until)).toISOString() : null })))).toEqual(
      norm(expected as Record<string, unknown>[]),
    );

    const before = await attempts();
    const again = await recordOutcomes(wh, report, ctx({ now: "2026-12-07T04:30:00.000Z" }));
    expect(again).toMatchObject({ ok: true, replay: true });
    expect(await attempts()).toEqual(before);
    const audit = await wh.query<{ actor: string; action: string; key_count: number }>(
      "SELECT actor, action, key_count FROM nba_orchestration.breaker_audit_log WHERE action LIKE 'pipeline_%' ORDER BY action",
    );
    expect(audit).toEqual([
      { actor: "token:nightly", action: "pipeline_check", key_count: 0 },
      { actor: "token:nightly", action: "pipeline_outcomes", key_count: expected.length },
    ]);
  });

  it("refuse a changed outcome, an entity the check did not cover, and a processed skip", async () => {
    const checked = await checkRun(wh, input({ processor: "team_defense_zone_analysis", entities: ["LAL", "BOS"] }), ctx());
    if (!checked.ok) throw new Error(checked.message);
    const base = { run_id: "run-1", processor: "team_defense_zone_analysis" as const, analysis_date: DATE };
    expect(await recordOutcomes(wh, { ...base, outcomes: [{ entity_id: "NYK", outcome: "processed" }] }, ctx())).toMatchObject({ ok: false, error: "invalid" });
    expect(await recordOutcomes(wh, { ...base, run_id: "nope", outcomes: [{ entity_id: "LAL", outcome: "processed" }] }, ctx())).toMatchObject({ ok: false, error: "not_found" });
    const lal = checked.data.entities.find((e) => e.entity_id === "LAL")!;
    const first = lal.decision === "process" ? ("processed" as const) : ("skipped" as const);
    expect(await recordOutcomes(wh, { ...base, outcomes: [{ entity_id: "LAL", outcome: first }] }, ctx())).toMatchObject({ ok: true, replay: false });
    expect(await recordOutcomes(wh, { ...base, outcomes: [{ entity_id: "LAL", outcome: "failed", reason: "PROCESSING_ERROR" }] }, ctx())).toMatchObject({ ok: false, error: lal.decision === "process" ? "conflict" : "invalid" });
  });

  it("record a failure the processor reports, and trip on the third", async () => {
    const base = { processor: "team_defense_zone_analysis" as const, analysis_date: DATE };
    const events: string[] = [];
    for (const [i, hour] of ["04", "05", "06"].entries()) {
      const now = `2026-12-07T${hour}:00:00.000Z`;
      const checked = await checkRun(wh, input({ ...base, run_id: `fail-${i}`, entities: ["LAL"] }), ctx({ now }));
      if (!checked.ok) throw new Error(checked.message);
      expect(checked.data.entities[0]!.decision).toBe("process");
      const out = await recordOutcomes(wh, { ...base, run_id: `fail-${i}`, outcomes: [{ entity_id: "LAL", outcome: "failed", reason: "PROCESSING_ERROR" }] }, ctx({ now }));
      if (!out.ok) throw new Error(out.message);
      events.push(out.data.results[0]!.written?.event_type ?? "none");
    }
    expect(events).toEqual(["failure", "failure", "trip"]);
    const blocked = await checkRun(wh, input({ ...base, run_id: "after-trip", entities: ["LAL"] }), ctx({ now: "2026-12-07T07:00:00.000Z" }));
    expect(blocked.ok && blocked.data.entities[0]!.action).toBe("skip_breaker_active");
  });

  it("with record: true the check appends the skips' failed attempts itself, and their report is a replay", async () => {
    const processor = "player_daily_cache" as const;
    const checked = await checkRun(wh, input({ processor, record: true }), ctx());
    if (!checked.ok) throw new Error(checked.message);
    const recorded = checked.data.entities.filter((e) => e.recorded);
    const failing = checked.data.entities.filter((e) => e.skip_reason !== null);
    expect(recorded.map((e) => e.entity_id)).toEqual(failing.map((e) => e.entity_id));
    const rows = await attempts(`attempted_at >= TIMESTAMPTZ '${NOW}'`);
    expect(rows).toHaveLength(recorded.length);
    if (recorded.length) {
      const again = await recordOutcomes(wh, { run_id: "run-1", processor, analysis_date: DATE, outcomes: recorded.map((e) => ({ entity_id: e.entity_id, outcome: "skipped" as const })) }, ctx());
      expect(again).toMatchObject({ ok: true, replay: true });
      expect(await attempts(`attempted_at >= TIMESTAMPTZ '${NOW}'`)).toHaveLength(recorded.length);
    }
  });

  it("that change no key are still in the audit, found by their processor", async () => {
    const base = { processor: "team_defense_zone_analysis" as const, analysis_date: DATE };
    const checked = await checkRun(wh, input({ ...base, run_id: "clean", entities: ["LAL"] }), ctx());
    if (!checked.ok) throw new Error(checked.message);
    expect(checked.data.entities[0]!.breaker.status).toBe("closed");
    const out = await recordOutcomes(wh, { ...base, run_id: "clean", outcomes: [{ entity_id: "LAL", outcome: "processed" }] }, ctx());
    expect(out).toMatchObject({ ok: true, data: { rows_written: 0 } });
    const find = (processor: string) =>
      auditLog.run(wh, { created_from: "2026-12-01T00:00:00Z", created_to: "2026-12-08T00:00:00Z", actor: "", action: "pipeline_outcomes", processor });
    expect((await find("team_defense_zone_analysis")).map((r) => [r.actor, r.key_count])).toEqual([["token:nightly", 0]]);
    expect(await find("player_daily_cache")).toEqual([]);
  });

  it("sent twice at once (a client that timed out and retried), are recorded once", async () => {
    const base = { processor: "team_defense_zone_analysis" as const, analysis_date: DATE };
    const checkTwice = await Promise.all([0, 1].map(() => checkRun(wh, input({ ...base, run_id: "twice", entities: ["LAL", "BOS"] }), ctx())));
    expect(checkTwice.map((r) => r.ok && r.replay).sort()).toEqual([false, true]);
    expect(await wh.query("SELECT * FROM nba_orchestration.completeness_checks WHERE run_id = 'twice'")).toHaveLength(2);
    const report = { ...base, run_id: "twice", outcomes: [{ entity_id: "LAL", outcome: "failed" as const, reason: "PROCESSING_ERROR" }] };
    const reportTwice = await Promise.all([0, 1].map(() => recordOutcomes(wh, report, ctx())));
    expect(reportTwice.map((r) => r.ok && r.replay).sort()).toEqual([false, true]);
    expect(await attempts(`attempted_at >= TIMESTAMPTZ '${NOW}'`)).toHaveLength(1);
    expect(await wh.query("SELECT * FROM nba_orchestration.check_outcomes WHERE run_id = 'twice'")).toHaveLength(1);
  });
});
