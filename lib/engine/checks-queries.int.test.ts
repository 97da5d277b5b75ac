/**
 * The check service's warehouse calls do not grow with the run: a check (`checkRun`) and a report
 * of outcomes (`recordOutcomes`) make the same number of query / execute / transaction calls for
 * 10 entities, for every entity the processor runs for, and for the most a call may carry (2,000) — so a night of 450
 * players is one check call and one outcomes call, each a fixed handful of warehouse jobs (the
 * original made one breaker query per entity).
 *
 * On a short simulated season (console profile), behind `countingWarehouse`, for a player
 * processor with its own data (player_daily_cache), a cascade processor (ml_feature_store: also
 * reads its upstream processors' rows and the schedule) and a team-game one
 * (upcoming_team_game_context). The 2,000 are the real entities plus synthetic ones that do not
 * exist (player_lookups, tricodes) — the engine evaluates them as entities without games.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { type CheckInput, type CheckResult, MAX_CHECK_ENTITIES, type OutcomesInput } from "@/lib/checks/schemas";
import { CONSOLE_DEPLOYMENT } from "@/lib/completeness/deployment";
import { type ProcessorName, getProcessor } from "@/lib/completeness/processors";
import { teamGameKey } from "@/lib/completeness/windows";
import { buildDemoDatabase } from "@/lib/demo/build";
import { shortDemoPlan } from "@/lib/demo/plan";
import { type CheckContext, checkRun, defaultEntities, recordOutcomes } from "@/lib/engine/checks";
import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";
import type { Warehouse } from "@/lib/warehouse/types";
import { type CallCounts, countingWarehouse } from "@/test/support/fixtures";

const BUILT_AT = "2026-12-07T01:00:00.000Z";
const plan = shortDemoPlan(BUILT_AT, { days: 40, profile: "console" });
/** The last night every processor has run for: the cascade's upstream rows are there, so its entities are mostly processed. */
const DATE = "2026-12-05";
const NOW = "2026-12-07T04:00:00.000Z";
const REPORTED_AT = "2026-12-07T04:20:00.000Z";
const ATTEMPTS = "nba_orchestration.reprocess_attempts";
const LARGE = MAX_CHECK_ENTITIES;

let inner: Warehouse;
let counted: ReturnType<typeof countingWarehouse>;

const ctx = (now: string): CheckContext => ({
  actor: { name: "token:nightly", role: "pipeline" },
  now,
  deployment: CONSOLE_DEPLOYMENT,
  calendar: plan.calendar,
});

/** `n` entity ids of the processor's kind that are not among `real` (and exist nowhere in the warehouse). */
function synthetic(processor: ProcessorName, n: number, real: readonly string[]): string[] {
  const kind = getProcessor(processor).entityKind;
  const taken = new Set(real);
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    // Players: a name no simulated player has; teams: tricodes AAA, AAB, … skipping the league's own.
    const code = String.fromCharCode(65 + Math.floor(i / 676), 65 + (Math.floor(i / 26) % 26), 65 + (i % 26));
    const id = kind === "player" ? `benchplayer${String(i).padStart(5, "0")}` : kind === "team" ? code : teamGameKey(code, DATE);
    if (!taken.has(id)) out.push(id);
  }
  return out;
}

/** Ten of the entities, the skips among them first (up to three): both kinds of decision in the small run. */
async function tenOf(processor: ProcessorName, all: string[]): Promise<string[]> {
  const probe = await checkRun(inner, { processor, analysis_date: DATE, run_id: "probe", entities: all, backfill: false, record: false }, ctx(NOW));
  if (!probe.ok) throw new Error(probe.message);
  await clean();
  const skips = probe.data.entities.filter((e) => e.decision === "skip").slice(0, 3);
  const processed = probe.data.entities.filter((e) => e.decision === "process").slice(0, 10 - skips.length);
  return [...skips, ...processed].map((e) => e.entity_id);
}

interface Counted {
  check: CallCounts;
  outcomes: CallCounts;
  result: CheckResult;
  rowsWritten: number;
}

/** One processor run through the service: the check, then every entity's outcome in one report. */
async function run(processor: ProcessorName, runId: string, entities: string[] | undefined, record = false): Promise<Counted> {
  const input: CheckInput = { processor, analysis_date: DATE, run_id: runId, entities, backfill: false, record };
  counted.reset();
  const checked = await checkRun(counted.wh, input, ctx(NOW));
  const check = { ...counted.counts };
  if (!checked.ok) throw new Error(`${processor} check: ${checked.message}`);
  expect(checked.replay).toBe(false);

  // Processed as told; one processed entity of ten reported failed, so the report appends
  // successes, failures and the skips' failed attempts (or, after `record`, replays those).
  const outcomes: OutcomesInput["outcomes"] = checked.data.entities.map((e, i) =>
    e.decision === "skip"
      ? { entity_id: e.entity_id, outcome: "skipped" }
      : i % 10 === 3
        ? { entity_id: e.entity_id, outcome: "failed", reason: "PROCESSING_ERROR" }
        : { entity_id: e.entity_id, outcome: "processed" },
  );
  counted.reset();
  const reported = await recordOutcomes(counted.wh, { run_id: runId, processor, analysis_date: DATE, outcomes }, ctx(REPORTED_AT));
  if (!reported.ok) throw new Error(`${processor} outcomes: ${reported.message}`);
  expect(reported.replay).toBe(false);
  return { check, outcomes: { ...counted.counts }, result: checked.data, rowsWritten: reported.data.rows_written };
}

beforeAll(async () => {
  inner = createDuckDbWarehouse({ path: ":memory:", onOpen: applyEmbeddedSchema });
  await buildDemoDatabase(inner, plan, () => {}, { now: BUILT_AT });
  counted = countingWarehouse(inner);
}, 300_000);
afterAll(() => inner.close());

/** Back to the built season: the service's rows of earlier runs go, so every run sees the same breakers. */
async function clean(): Promise<void> {
  await inner.execute(`DELETE FROM ${ATTEMPTS} WHERE attempted_at >= TIMESTAMPTZ '${NOW}'`);
  await inner.execute("DELETE FROM nba_orchestration.completeness_checks");
  await inner.execute("DELETE FROM nba_orchestration.check_outcomes");
  await inner.execute("DELETE FROM nba_orchestration.breaker_audit_log WHERE action LIKE 'pipeline_%'");
}
beforeEach(clean);

const PROCESSORS: ProcessorName[] = ["player_daily_cache", "ml_feature_store", "upcoming_team_game_context"];

describe.each(PROCESSORS)("%s: warehouse calls per check and per report", (processor) => {
  for (const record of [false, true]) {
    it(`are the same for 10 entities, every entity and ${LARGE.toLocaleString("en-US")}${record ? " (record: true)" : ""}`, async () => {
      const all = (await defaultEntities(inner, getProcessor(processor), DATE, plan.calendar))!;
      // Enough real entities that "all" is the processor's night, not a handful.
      expect(all.length).toBeGreaterThanOrEqual(getProcessor(processor).entityKind === "player" ? 100 : 10);
      const sizes = { ten: await tenOf(processor, all), all, large: [...all, ...synthetic(processor, LARGE - all.length, all)] };
      expect(sizes.ten.length).toBeLessThan(all.length);
      expect(sizes.large).toHaveLength(LARGE);
      expect(new Set(sizes.large).size).toBe(LARGE);

      const runs: Record<string, Counted> = {};
      for (const [name, entities] of Object.entries(sizes)) {
        await clean();
        runs[name] = await run(processor, `count-${record ? "rec" : "plain"}-${name}`, entities, record);
        expect(runs[name]!.result.entities).toHaveLength(entities.length);
      }
      const { ten, large } = runs as Record<"ten" | "all" | "large", Counted>;

      // One write transaction each; reads only through `query`; no `execute`, no bare insert.
      for (const c of Object.values(runs)) {
        expect(c.check).toMatchObject({ execute: 0, insert: 0, transaction: 1 });
        expect(c.outcomes).toMatchObject({ execute: 0, insert: 0, transaction: 1 });
      }
      // Constant in the entity count: the same calls for 10 entities as for every one and 2,000.
      expect(runs.all!.check).toEqual(ten.check);
      expect(large.check).toEqual(ten.check);
      expect(runs.all!.outcomes).toEqual(ten.outcomes);
      expect(large.outcomes).toEqual(ten.outcomes);
      // And fewer than one call per entity even for the smallest run: nothing per entity.
      expect(ten.check.query + ten.check.transaction).toBeLessThan(ten.result.entities.length);
      expect(ten.outcomes.query + ten.outcomes.transaction).toBeLessThan(ten.result.entities.length);

      // `record: true` did record the skips in the check's one transaction (none without it).
      for (const c of Object.values(runs)) {
        const recorded = c.result.entities.filter((e) => e.recorded).length;
        expect(recorded).toBe(record ? c.result.entities.filter((e) => e.skip_reason !== null).length : 0);
      }
      // The large run (the last) did write for its thousands of entities: the counts are not of a no-op.
      const written = await inner.query<{ n: number }>("SELECT COUNT(*) AS n FROM nba_orchestration.check_outcomes");
      expect(Number(written[0]!.n)).toBe(LARGE);
      expect(large.rowsWritten).toBeGreaterThan(0);
      console.info(`${processor}${record ? " record" : ""}: check ${JSON.stringify(ten.check)}, outcomes ${JSON.stringify(ten.outcomes)}`);
    });
  }

  it("without entities, one read more: the default entities", async () => {
    const all = (await defaultEntities(inner, getProcessor(processor), DATE, plan.calendar))!;
    const named = await run(processor, "named", all);
    await clean();
    const unnamed = await run(processor, "unnamed", undefined);
    expect(unnamed.result.entities.map((e) => e.entity_id)).toEqual(all);
    expect(unnamed.check).toEqual({ ...named.check, query: named.check.query + 1 });
    expect(unnamed.outcomes).toEqual(named.outcomes);
  });
});
